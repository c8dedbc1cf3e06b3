//! The document pass: each published document read again, its Markdown and
//! page rendered, listed, indexed for search and emitted, in parallel.

use super::context::{insert, Fragments, PageContext, Shared};
use super::templates::render_one;
use super::{Emit, Emitted, RenderedPage};
use crate::content::{Kind, Tlp};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::site::{Body, Site};
use crate::theme::Theme;
use crate::urls::Urls;
use rayon::prelude::*;
use tera::Tera;

/// Renders the page of `site.pages[index]` alone, exactly as the document
/// pass does: `seckb serve` shows an edited document before the full rebuild.
pub(crate) fn render_document_page(
    site: &Site,
    tera: &Tera,
    theme: &Theme,
    index: usize,
    body: &Body,
) -> Result<RenderedPage, Diagnostic> {
    render_document(site, &Shared::new(site), tera, theme, index, body)
}

pub(super) fn render_document(
    site: &Site,
    shared: &Shared,
    tera: &Tera,
    theme: &Theme,
    index: usize,
    body: &Body,
) -> Result<RenderedPage, Diagnostic> {
    let page = &site.pages[index];
    let template: &'static str = match page.kind() {
        Kind::Incident => "incident.html",
        Kind::Faq => "faq.html",
        Kind::Page => "page.html",
    };
    let mut ctx = shared.context(
        page.kind().as_str(),
        &page.doc.meta.title,
        site.urls.absolute(&page.doc.path),
        page.doc.meta.tlp > Tlp::Clear,
    );
    if page.kind() == Kind::Incident {
        shared.feed(
            &mut ctx,
            &crate::site::feed_path(&page.doc.path),
            crate::exports::feeds::incident_feed_title(site, index),
        );
    }
    insert(
        &mut ctx,
        "page",
        &PageContext::new(site, shared, index, body),
    );
    render_one(
        shared,
        tera,
        theme,
        template,
        Urls::output_file(&page.doc.path),
        &ctx,
    )
}

/// What the document pass keeps of one document once its page is out.
pub(crate) struct DocumentDone {
    pub file: Emitted,
    pub summary: String,
    /// The body, for documents `keep` asked for (boxed: most have none,
    /// and every document's result is alive at once).
    pub kept: Option<Box<Body>>,
    /// Its search index entries.
    pub entries: Vec<crate::search::Prepared>,
    /// Its list fragments ([`Shared::set_listed`]).
    pub listed: Fragments,
    /// What its Markdown reported.
    pub diagnostics: Diagnostics,
}

/// The document pass: renders each document's Markdown and page, emits the
/// page, and keeps only what lists, exports and the link check need, so
/// memory holds a few rendered bodies at a time, not one per document.
/// One result per page of `pages` (indices of `site.pages`), in page order.
pub(crate) fn render_documents(
    root: &std::path::Path,
    (site, pages): (&Site, std::ops::Range<usize>),
    tera: &Tera,
    theme: &Theme,
    shared: &Shared,
    emit: &Emit,
    keep: &std::collections::HashSet<usize>,
) -> Vec<Result<DocumentDone, Diagnostic>> {
    pages
        .into_par_iter()
        .with_min_len(16)
        .map_init(crate::search::NearbyTerms::default, |nearby, index| {
            let page = &site.pages[index];
            let text = read_again(root, &page.doc)?;
            let mut diagnostics = Diagnostics::new();
            let mut body = crate::site::render_body(
                &page.doc,
                &text,
                &site.links,
                site.config.raw_html,
                &mut diagnostics,
            );
            if keep.contains(&index) {
                body.markdown = text.get(page.doc.body_offset..).map(str::to_string);
            }
            drop(text);
            let rendered = render_document(site, shared, tera, theme, index, &body)?;
            let listed = shared.listed((index, page), &body.summary, tera, theme)?;
            let entries = crate::search::entries::of_page(page, &body)
                .into_iter()
                .enumerate()
                .map(|(i, entry)| {
                    let provisional = format!("docs/tmp-{index}-{i}.json");
                    crate::search::Prepared::new(entry, emit.terms, nearby, emit.sink, provisional)
                })
                .collect();
            let file = emit.emit(rendered);
            Ok(DocumentDone {
                file,
                summary: body.summary.clone(),
                kept: keep.contains(&index).then(|| Box::new(body)),
                entries,
                listed,
                diagnostics,
            })
        })
        .collect()
}

/// The whole file of `doc`, read again for its body: it must still be the
/// file validated (and scanned for secrets) earlier in this build.
pub(super) fn read_again(
    root: &std::path::Path,
    doc: &crate::content::Document,
) -> Result<String, Diagnostic> {
    let file = crate::content::load::read_source(&root.join(&doc.source), &doc.source)?;
    if !doc.is_same_file(&file.text) {
        return Err(Diagnostic::error(
            Code::Io,
            format!(
                "{} changed while the site was being built",
                doc.source.display()
            ),
        )
        .at(Location::file(&doc.source))
        .help("build again once the file is saved"));
    }
    Ok(file.text)
}
