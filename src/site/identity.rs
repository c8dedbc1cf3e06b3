//! Identity: every incident id unique, every URL claimed once (documents,
//! list pages, aliases, seckb's own paths).

use super::{loc, RESERVED};
use crate::content::{Document, Section};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use rustc_hash::FxHashMap;

/// Ids are identities: unique across every document, published or not.
pub(super) fn check_unique_ids(documents: &[Document], diagnostics: &mut Diagnostics) {
    let mut ids: FxHashMap<&str, &Document> = FxHashMap::default();
    for doc in documents {
        if let Some(id) = doc.kind.incident().and_then(|i| i.id.as_ref()) {
            if let Some(first) = ids.get(id.value.as_str()) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::DuplicateId,
                        format!("duplicate incident id `{}`", id.value),
                    )
                    .at(loc(doc, id.line, id.column))
                    .help(format!("{} already uses this id", first.source.display())),
                );
            } else {
                ids.insert(&id.value, doc);
            }
        }
    }
}

/// Whether `path` is one of the parts a large site's sitemap is split into
/// (`sitemap-1.xml`, …): taken, like `sitemap.xml`.
pub fn is_sitemap_part(path: &str) -> bool {
    path.strip_prefix("sitemap-")
        .and_then(|rest| rest.strip_suffix(".xml"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The site paths taken so far, and by what.
struct Claims {
    taken: FxHashMap<String, String>,
}

impl Claims {
    fn new() -> Claims {
        let mut taken = FxHashMap::default();
        for r in RESERVED {
            taken.insert(r.to_string(), format!("seckb's own `{r}` page"));
        }
        Claims { taken }
    }

    /// Claims `path` for `what`; a path already taken, below a reserved
    /// folder, or where a reserved file would have to be a folder is an
    /// error at `at`. Returns whether the claim holds.
    fn claim(
        &mut self,
        path: &str,
        what: String,
        at: Location,
        diagnostics: &mut Diagnostics,
    ) -> bool {
        let reserved_prefix = RESERVED.iter().find(|r| {
            let dir = r.trim_end_matches('/');
            path != **r && path.starts_with(dir) && path[dir.len()..].starts_with('/')
        });
        let clash = self
            .taken
            .get(path)
            .cloned()
            .or_else(|| reserved_prefix.map(|r| format!("taken by seckb's own `{r}`")))
            .or_else(|| self.file_above(path))
            .or_else(|| {
                let first = path.split('/').next().unwrap_or_default();
                is_sitemap_part(first)
                    .then(|| format!("taken by seckb's own `{first}` (a part of the sitemap)"))
            });
        match clash {
            Some(other) => {
                diagnostics.push(
                    Diagnostic::error(
                        Code::UrlCollision,
                        format!("{what} maps to /{path}, which is already {other}"),
                    )
                    .at(at)
                    .help("set a different `slug:` or rename the file"),
                );
                false
            }
            None => {
                self.taken.insert(path.to_string(), what);
                true
            }
        }
    }
}

impl Claims {
    /// What takes a file at a folder above `path` (an incident's feed
    /// `incidents/x/atom.xml` is in the way of `incidents/x/atom.xml/`).
    /// Page paths end in `/`, so a prefix without one is a file's claim.
    fn file_above(&self, path: &str) -> Option<String> {
        path.match_indices('/')
            .map(|(i, _)| &path[..i])
            .filter(|prefix| !prefix.is_empty() && !prefix.ends_with('/'))
            .filter_map(|prefix| self.taken.get(prefix))
            .next()
            .map(|what| format!("inside {what}, a file"))
    }
}

/// URL collisions among list pages, published documents, seckb's own pages
/// and aliases. Returns the redirects: (alias path, index into `published`);
/// a colliding alias gets none, so it is reported once.
pub(super) fn claim_urls(
    sections: &[Section],
    published: &[Document],
    diagnostics: &mut Diagnostics,
) -> Vec<(String, usize)> {
    let mut claims = Claims::new();
    for s in sections.iter().filter(|s| !s.name.is_empty()) {
        let at = match &s.source {
            Some(file) => Location::in_text(file, &s.text, 1, 1),
            None => Location::file(&std::path::Path::new("content").join(&s.name)),
        };
        let what = format!("the list page of content/{}/", s.name);
        // Its later pages are `<folder>/page/N/` (`paging::page_path`): a
        // folder that cannot have its list has no later pages to report.
        if claims.claim(&format!("{}/", s.name), what, at.clone(), diagnostics) {
            let what = format!("the folder of the later list pages of content/{}/", s.name);
            claims.claim(&format!("{}/page/", s.name), what, at, diagnostics);
        }
    }
    let mut held = Vec::with_capacity(published.len());
    for doc in published {
        let at = match &doc.meta.slug {
            Some(s) => loc(doc, s.line, s.column),
            None => loc(doc, 1, 1),
        };
        held.push(claims.claim(
            &doc.path,
            format!("{}", doc.source.display()),
            at,
            diagnostics,
        ));
    }
    // Each incident's feed is seckb's own file beside its page: claimed
    // after every page (the page itself must not clash with it) and
    // before the aliases, which could take its path; not for a page whose
    // own claim failed (reported already).
    let incidents = published
        .iter()
        .zip(held)
        .filter(|(d, held)| *held && d.kind.incident().is_some());
    for (doc, _) in incidents {
        let feed = super::feed_path(&doc.path);
        let what = format!("the feed of {}", doc.source.display());
        claims.claim(&feed, what, loc(doc, 1, 1), diagnostics);
    }
    let mut aliases = Vec::new();
    for (i, doc) in published.iter().enumerate() {
        for alias in &doc.meta.aliases {
            let what = format!("alias `{}` of {}", alias.value, doc.source.display());
            let at = loc(doc, alias.line, alias.column);
            if claims.claim(&alias.value, what, at, diagnostics) {
                aliases.push((alias.value.clone(), i));
            }
        }
    }
    aliases
}

#[cfg(test)]
mod tests {
    use super::is_sitemap_part;

    #[test]
    fn sitemap_parts_are_recognised_by_name() {
        assert!(is_sitemap_part("sitemap-1.xml"));
        assert!(is_sitemap_part("sitemap-12.xml"));
        assert!(!is_sitemap_part("sitemap-.xml"));
        assert!(!is_sitemap_part("sitemap-a.xml"));
        assert!(!is_sitemap_part("sitemap.xml"));
        assert!(!is_sitemap_part("x/sitemap-1.xml"));
    }
}
