//! The fast path of a rebuild. When a save changed only the Markdown body of
//! published documents — their front matter is byte for byte what the last
//! good build read — no document's URL, title, metadata or publication
//! changes, so nothing but their own pages can look different before lists,
//! feeds and the search index catch up. Those pages are validated and
//! re-rendered alone, by the same functions as the full build, and shown at
//! once; the full build runs right after and replaces them (and reports what
//! only it can see, such as a broken anchor in another page).

use crate::content::load::read_source;
use crate::content::validate;
use crate::diagnostics::Diagnostic;
use crate::pipeline::BuildOptions;
use crate::site::Site;
use crate::{preview, render, secrets, site, theme};
use std::path::{Path, PathBuf};

/// What the fast path found.
pub enum Outcome {
    /// The re-rendered pages, by output path, decorated for preview.
    Pages(Vec<(String, Vec<u8>)>),
    /// The edited files have errors; the full build will report them too.
    Errors(Vec<Diagnostic>),
}

/// Re-renders the pages of `changed` documents into `site` (the model of the
/// last good build), or None when the change is not body-only (the full
/// build alone can tell what it touches).
pub fn rerender(site: &mut Site, options: &BuildOptions, changed: &[PathBuf]) -> Option<Outcome> {
    if changed.is_empty() || !changed.iter().all(|p| is_document(p)) {
        return None;
    }
    let now = options.now.unwrap_or_else(chrono::Utc::now);
    let mut errors = Vec::new();
    let mut edits = Vec::new();
    for path in changed {
        let index = site.pages.iter().position(|p| p.doc.source == *path)?;
        let file = match read_source(&options.root.join(path), path) {
            Ok(file) => file,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        let (doc, diagnostics) = validate::document(&file, &site.config, now);
        errors.extend(diagnostics.into_iter().filter(Diagnostic::is_error));
        errors.extend(
            secrets::scan_all(std::slice::from_ref(&file), &site.config.secrets.allow)
                .into_iter()
                .filter(Diagnostic::is_error),
        );
        let Some(doc) = doc else { continue };
        let old = &site.pages[index].doc;
        if doc.front_matter_hash != old.front_matter_hash {
            return None;
        }
        edits.push((index, doc, file.text));
    }
    if !errors.is_empty() {
        return Some(Outcome::Errors(errors));
    }
    let theme = theme::load(&options.root, &site.config.theme).ok()?;
    let tera = render::load_templates(&theme, site.urls.base_path()).ok()?;
    let mut bodies = Vec::with_capacity(edits.len());
    for (index, doc, text) in edits {
        let (body, diagnostics) = site::render_body(&doc, &text, &site.links, site.config.raw_html);
        errors.extend(diagnostics.into_iter().filter(Diagnostic::is_error));
        site.pages[index].doc = doc;
        bodies.push((index, body));
    }
    if !errors.is_empty() {
        return Some(Outcome::Errors(errors));
    }
    let decorator = preview::Decorator::new(site);
    let mut pages = Vec::with_capacity(bodies.len());
    for (index, body) in bodies {
        match render::render_document_page(site, &tera, &theme, index, &body) {
            Ok(mut page) => {
                decorator.apply(&mut page);
                pages.push((page.path, page.bytes));
            }
            Err(d) => return Some(Outcome::Errors(vec![d])),
        }
        site.pages[index].summary = body.summary;
        site.pages[index].links = body.links;
    }
    Some(Outcome::Pages(pages))
}

/// A document under `content/` (not a folder's `_index.md`).
fn is_document(path: &Path) -> bool {
    path.starts_with("content")
        && path.extension().is_some_and(|e| e == "md")
        && path.file_name().is_some_and(|n| n != "_index.md")
}
