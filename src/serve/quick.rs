//! The fast path of a rebuild. When a save changed only the Markdown body or
//! the front matter of published documents, and nothing in it can change
//! another page or the site's map of URLs (see [`is_local_front_matter_edit`]:
//! same URL, publication, id, aliases and cross references, no new taxonomy
//! term), then nothing but their own pages can look different before lists,
//! taxonomies, feeds and the search index catch up. Those pages are validated
//! and re-rendered alone, by the same functions as the full build, and shown
//! at once; the full build runs right after and replaces them (and reports
//! what only it can see, such as a broken anchor in another page). Other
//! edits — a new slug or id, a document published or withdrawn, a changed
//! `related` list — wait for the full build.

use crate::content::load::read_source;
use crate::content::{validate, Document, Located};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::pipeline::BuildOptions;
use crate::site::Site;
use crate::{preview, render, secrets, site, theme};
use std::path::{Path, PathBuf};

/// What the fast path found.
pub(super) enum Outcome {
    /// The re-rendered pages, by output path, decorated for preview.
    Pages(Vec<(String, Vec<u8>)>),
    /// The edited files have errors; the full build will report them too.
    Errors(Vec<Diagnostic>),
}

/// Re-renders the pages of `changed` documents into `site` (the model of the
/// last good build), or None when the change may reach other pages (the full
/// build alone can tell what it touches).
pub(super) fn rerender(
    site: &mut Site,
    options: &BuildOptions,
    changed: &[PathBuf],
) -> Option<Outcome> {
    if changed.is_empty() || !changed.iter().all(|p| is_document(p)) {
        return None;
    }
    let mut errors = Diagnostics::new();
    let (edits, sources) = read_edits(site, options, changed, &mut errors)?;
    if !errors.is_empty() {
        return Some(Outcome::Errors(errors.into_vec()));
    }
    // Their problems are the full build's to report.
    let mut unused = Diagnostics::new();
    let theme = theme::load(
        &options.root,
        &site.config.theme,
        &site.config.language,
        &mut unused,
    )?;
    let tera = render::load_templates(&theme, site.urls.base_path(), &mut unused)?;
    let mut bodies = Vec::with_capacity(edits.len());
    for (index, doc, text) in edits {
        let mut found = Diagnostics::new();
        let body = site::render_body(&doc, &text, &site.links, site.config.raw_html, &mut found);
        let mut found = found.into_vec();
        site.config.links.apply(&mut found);
        errors.extend(found.into_iter().filter(Diagnostic::is_error));
        site.pages[index].doc = doc;
        bodies.push((index, body));
    }
    if !errors.is_empty() {
        return Some(Outcome::Errors(errors.into_vec()));
    }
    Some(render_pages(site, options, &tera, &theme, bodies, &sources))
}

/// An edited document, validated: its page's index, the document and its text.
type Edit = (usize, crate::content::Document, String);

/// Reads and validates the edited files: None when an edit may reach other
/// pages; else the edits and the secrets the files hold (so their pages do
/// not report them again). Their errors are reported into `errors`.
fn read_edits(
    site: &Site,
    options: &BuildOptions,
    changed: &[PathBuf],
    errors: &mut Diagnostics,
) -> Option<(Vec<Edit>, secrets::Known)> {
    let now = options.now.unwrap_or_else(chrono::Utc::now);
    let mut edits = Vec::new();
    let mut sources = secrets::Known::default();
    for path in changed {
        let index = site.pages.iter().position(|p| p.doc.source == *path)?;
        let file = match read_source(&options.root.join(path), path) {
            Ok(file) => file,
            Err(mut d) => {
                // What an unreadable file would publish is unknown.
                d.withhold();
                errors.push(d);
                continue;
            }
        };
        let mut diagnostics = Diagnostics::new();
        let checked = validate::document(&file, &site.config, now, &mut diagnostics);
        let doc = checked.valid();
        let scanned = secrets::check_source(
            &file.path,
            file.text.as_bytes(),
            secrets::Format::Text,
            &site.config.secrets.allow,
        );
        sources.extend(scanned.known);
        let mut found: Vec<Diagnostic> = diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .chain(scanned.diagnostics)
            .collect();
        // The edit may have made the document one this preview does not publish.
        if !site
            .publication
            .may_quote(&file, doc.as_ref(), site.config.default_tlp)
        {
            found.iter_mut().for_each(Diagnostic::withhold);
        }
        errors.extend(found);
        let Some(doc) = doc else { continue };
        let old = &site.pages[index].doc;
        if doc.front_matter_hash != old.front_matter_hash
            && !is_local_front_matter_edit(site, old, &doc)
        {
            return None;
        }
        edits.push((index, doc, file.text));
    }
    Some((edits, sources))
}

/// The edited documents' pages, decorated and scanned for secrets as the
/// full build would.
fn render_pages(
    site: &Site,
    options: &BuildOptions,
    tera: &tera::Tera,
    theme: &theme::Theme,
    bodies: Vec<(usize, site::Body)>,
    sources: &secrets::Known,
) -> Outcome {
    let decorator = preview::Decorator::new(site);
    let mut pages = Vec::with_capacity(bodies.len());
    // The pages are scanned as the full build scans them: a template or
    // the Markdown around a key may show what no source holds whole.
    let watch = secrets::Watch::default();
    let mut made_from = std::collections::HashMap::new();
    for (index, body) in bodies {
        match render::render_document_page(site, tera, theme, index, &body) {
            Ok(mut page) => {
                decorator.apply(&mut page);
                watch.generated(&page.path, page.html.as_bytes());
                made_from.insert(page.path.clone(), site.pages[index].doc.source.clone());
                pages.push((page.path, page.html.into_bytes()));
            }
            Err(d) => return Outcome::Errors(vec![d]),
        }
    }
    let (spotted, unreadable) = watch.take();
    let mut found = Diagnostics::new();
    secrets::output_errors(
        spotted,
        unreadable,
        &options.root,
        &site.config.secrets.allow,
        sources,
        &|page| made_from.get(page).cloned(),
        &mut found,
    );
    if !found.is_empty() {
        return Outcome::Errors(found.into_vec());
    }
    Outcome::Pages(pages)
}

/// Whether `new`, the edited front matter of the published `old`, changes
/// its own page only. Anything else the front matter holds (title, dates,
/// summary, severity, status, timeline, TLP within the ceiling, ...) shows on
/// other pages only through lists, taxonomies, feeds and the search index,
/// which the full build catches up. Each check guards what would not:
fn is_local_front_matter_edit(site: &Site, old: &Document, new: &Document) -> bool {
    fn id(doc: &Document) -> Option<&str> {
        let id = doc.kind.incident()?.id.as_ref()?;
        Some(&id.value)
    }
    fn related(doc: &Document) -> &[Located<String>] {
        doc.kind.incident().map_or(&[], |i| &i.related)
    }
    fn about(doc: &Document) -> &[Located<String>] {
        doc.kind.faq().map_or(&[], |f| &f.incidents)
    }
    let vendors = new.kind.incident().map(|i| i.vendors()).unwrap_or_default();
    // Still published: otherwise the page goes away, and links to it break.
    site.publication.check(new).is_ok()
        // The same URL (`slug:`): other pages link to it, and it may collide.
        && new.path == old.path
        // The same template and list page (both follow the file's folder today).
        && new.kind.kind() == old.kind.kind()
        && new.section == old.section
        // The same id: `related` and FAQ `incidents` of other documents resolve
        // by it, and ids must be unique across the site.
        && id(new) == id(old)
        // The same aliases: each is a redirect page that may collide.
        && same_values(&new.meta.aliases, &old.meta.aliases)
        // The same cross references: only the whole site resolves (and
        // reports) them, and a FAQ's `incidents` show on those incidents.
        && same_values(related(new), related(old))
        && same_values(about(new), about(old))
        // Tags and vendors the site already has: the page links to their term
        // pages, which only the full build makes.
        && has_terms(site, "tags", &new.meta.tags)
        && has_terms(site, "vendors", &vendors)
}

/// Whether two front matter lists hold the same values (wherever they were written).
fn same_values(a: &[Located<String>], b: &[Located<String>]) -> bool {
    a.iter().map(|l| &l.value).eq(b.iter().map(|l| &l.value))
}

/// Whether every name in `names` has a term page in `taxonomy`.
fn has_terms<S: AsRef<str>>(site: &Site, taxonomy: &str, names: &[S]) -> bool {
    let Some(taxonomy) = site.taxonomies.iter().find(|t| t.name == taxonomy) else {
        return names.is_empty();
    };
    names.iter().all(|name| {
        let slug = crate::content::slugify(name.as_ref());
        taxonomy
            .terms
            .iter()
            .any(|term| term.slug == slug && crate::site::same_term(&term.name, name.as_ref()))
    })
}

/// A document under `content/` (not a folder's `_index.md`).
fn is_document(path: &Path) -> bool {
    path.starts_with("content")
        && path.extension().is_some_and(|e| e == "md")
        && path.file_name().is_some_and(|n| n != "_index.md")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLIC: &str = "---\ntitle: Public zebraclear\ndate: 2026-01-01\nseverity: low\nstatus: resolved\n---\nBody.\n";

    #[test]
    fn an_edit_that_unpublishes_a_page_shows_its_errors_only_by_place() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("seckb.yaml"),
            "title: T\nbase_url: https://example.org/\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("content/incidents")).unwrap();
        let doc = PathBuf::from("content/incidents/2026-01-01-a.md");
        std::fs::write(root.join(&doc), PUBLIC).unwrap();
        let options = BuildOptions {
            root: root.to_path_buf(),
            preview: true,
            now: chrono::DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
                .ok()
                .map(|d| d.with_timezone(&chrono::Utc)),
            ..BuildOptions::default()
        };
        let mut site = crate::pipeline::build(&options).unwrap().site;
        let errors = |site: &mut Site, text: &str| {
            std::fs::write(root.join(&doc), text).unwrap();
            match rerender(site, &options, std::slice::from_ref(&doc)) {
                Some(Outcome::Errors(errors)) => errors,
                _ => panic!("no errors for {text}"),
            }
        };
        // One save makes the page red and breaks it: the error is withheld.
        let withheld = errors(
            &mut site,
            &PUBLIC.replace("severity:", "tlp: red\nseverty:"),
        );
        assert!(!withheld.is_empty());
        for d in &withheld {
            let location = d.location.as_ref().unwrap();
            assert_eq!(location.file, doc);
            assert_eq!((location.line, location.column), (5, 1));
            assert_eq!(location.source_line, None);
            assert!(!format!("{d:?}").contains("severty"), "{d:?}");
        }
        // Still published: the same error in full.
        let shown = errors(&mut site, &PUBLIC.replace("severity:", "severty:"));
        assert!(
            shown.iter().any(|d| d.message.contains("severty")),
            "{shown:?}"
        );
    }
}
