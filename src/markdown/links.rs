//! Links in Markdown: `.md` paths rewritten to page URLs and checked
//! against the site (missing, unpublished, withheld files), external images
//! refused.

use crate::diagnostics::{Code, Diagnostic};

use super::renderer::Renderer;
use super::{is_external, resolve_relative, LinkRecord, LinkTarget, TargetState};
use pulldown_cmark::CowStr;

impl<'a> Renderer<'a> {
    /// An image from another origin would make every reader's browser contact
    /// it (and the CSP blocks it anyway): images must be files of the site.
    pub(super) fn external_image(&mut self, dest: &CowStr<'a>, offset: usize) -> CowStr<'a> {
        self.diagnostics.push(
            Diagnostic::error(
                Code::InvalidUrl,
                format!("external image `{}`: the built site must not load anything from another origin", dest.trim()),
            )
            .at(self.location(offset))
            .help("save the image next to the document and link it by its file name"),
        );
        CowStr::from("")
    }

    /// Rewrites a link destination and records internal ones for checking.
    pub(super) fn link(&mut self, dest: &CowStr<'a>, offset: usize) -> CowStr<'a> {
        let dest_str = dest.trim();
        let lower = dest_str.to_ascii_lowercase();
        if ["javascript:", "data:", "vbscript:", "file:"]
            .iter()
            .any(|s| lower.starts_with(s))
        {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::InvalidUrl,
                    format!(
                        "links with `{}` URLs are not allowed",
                        &lower[..lower.find(':').unwrap_or(0)]
                    ),
                )
                .at(self.location(offset))
                .help("link to an http(s) page or a document of the site"),
            );
            return CowStr::from("#");
        }
        if is_external(dest_str) || dest_str.is_empty() {
            return dest.clone();
        }
        let (path, fragment) = match dest_str.find('#') {
            Some(i) => (&dest_str[..i], &dest_str[i..]),
            None => (dest_str, ""),
        };
        let (line, column) = self
            .source
            .lines
            .position(self.source.text, self.source.offset + offset);
        if path.is_empty() {
            self.out.links.push(LinkRecord {
                href: dest_str.to_string(),
                line,
                column,
            });
            return dest.clone();
        }
        let resolved = resolve_relative(self.source.dir, path);
        let Some(href) = self.internal_href(dest_str, path, fragment, resolved, offset) else {
            return CowStr::from("#");
        };
        self.out.links.push(LinkRecord {
            href: href.clone(),
            line,
            column,
        });
        CowStr::from(href)
    }

    /// Where an internal link goes: a document's page, a published file, a
    /// site path under the base path, or as written; None (`#`) for a link
    /// that is an error, or that names a document with errors of its own.
    fn internal_href(
        &mut self,
        dest_str: &str,
        path: &str,
        fragment: &str,
        resolved: Option<String>,
        offset: usize,
    ) -> Option<String> {
        if path.ends_with(".md") {
            return self.document_href(path, fragment, resolved.as_deref(), offset);
        }
        if let Some((file, withheld)) = resolved
            .as_ref()
            .and_then(|p| Some((p, self.links.withheld.get(p)?)))
        {
            if let TargetState::Unpublished(reason) = &withheld.state {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::LinkToUnpublished,
                        format!(
                            "{} links to content/{file}, a file of content/{}, which is {reason} and not published in this build",
                            self.source.file.display(),
                            withheld.owner
                        ),
                    )
                    .at(self.location(offset))
                    .help("remove the link, move the file out of the bundle, or publish the bundle at this TLP level"),
                );
            }
            return None;
        }
        if let Some(asset) = resolved.filter(|p| self.links.assets.contains(p)) {
            Some(crate::urls::under(
                &self.links.base_path,
                &format!("{asset}{fragment}"),
            ))
        } else if let Some(site_path) = path.strip_prefix('/') {
            Some(crate::urls::under(
                &self.links.base_path,
                &format!("{site_path}{fragment}"),
            ))
        } else {
            Some(dest_str.to_string())
        }
    }

    /// The page a `.md` link names, with its fragment; None for a link to
    /// an unpublished or missing document (an error) or to one with errors.
    fn document_href(
        &mut self,
        path: &str,
        fragment: &str,
        resolved: Option<&str>,
        offset: usize,
    ) -> Option<String> {
        match resolved.and_then(|p| self.links.documents.get(p)) {
            Some(LinkTarget {
                state: TargetState::Published,
                url,
            }) => Some(format!("{url}{fragment}")),
            Some(LinkTarget {
                state: TargetState::Invalid,
                ..
            }) => None,
            Some(LinkTarget {
                state: TargetState::Unpublished(reason),
                ..
            }) => {
                let target = resolved.unwrap_or(path);
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::LinkToUnpublished,
                        format!(
                            "{} links to content/{target}, which is {reason} and not published in this build",
                            self.source.file.display()
                        ),
                    )
                    .at(self.location(offset))
                    .help("remove the link, or publish the target at this TLP level"),
                );
                None
            }
            None => {
                self.diagnostics.push(
                    Diagnostic::error(Code::BrokenLink, format!("link to `{path}`: no such document"))
                        .at(self.location(offset))
                        .help("links between documents are paths relative to this file, such as ../faq/api-keys.md"),
                );
                None
            }
        }
    }
}
