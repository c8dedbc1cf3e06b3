//! The render scheduler: in what order, and beside what, pages and exports
//! are made, so that a build holds little at once. Each document's text is
//! released once it is assembled (read again for its page), each rendered
//! body is dropped once its page is emitted (kept only for the exports that
//! print it), pages stream to the sink as they are made, and list pages
//! (a page of summaries each) render beside the exports.

use super::{BuildOptions, Timer};
use crate::diagnostics::Diagnostics;
use crate::linkcheck::PageLinks;
use crate::output::{Content, Output, Sink, Writer};
use crate::site::{Bodies, Site};
use crate::theme::Theme;
use crate::{exports, render};

/// The pages and exports made: pages as (output path, content), with the
/// links each holds for the link check.
pub(super) struct Rendered {
    pub(super) pages: Vec<(String, Content)>,
    pub(super) page_links: Vec<PageLinks>,
    pub(super) exports: Output,
    /// Documents' and list pages' count, for the summary.
    pub(super) page_count: usize,
}

/// What the document pass leaves: its pages and their links, the search
/// entries for the index, each document's list fragments, and what the
/// lists and exports read of the rendered bodies.
struct DocumentPass {
    pages: Vec<(String, Content)>,
    page_links: Vec<PageLinks>,
    search_entries: Vec<crate::search::Prepared>,
    listed: Vec<render::Fragments>,
    bodies: Bodies,
}

/// How many documents the document pass renders before it sorts what
/// they leave into [`DocumentPass`].
const DOCUMENTS_AT_ONCE: usize = 4096;

impl DocumentPass {
    /// Keeps what lists, exports and the link check need of the document
    /// `site.pages[index]`; what its Markdown reported goes to `found`.
    fn take(&mut self, index: usize, done: render::DocumentDone, found: &mut Diagnostics) {
        self.bodies.summaries.push(done.summary);
        if let Some(body) = done.kept {
            self.bodies.kept.insert(index, *body);
        }
        self.search_entries.extend(done.entries);
        self.listed.push(done.listed);
        found.append(done.diagnostics);
        self.pages.push((done.file.path, done.file.content));
        self.page_links.push(done.file.links);
    }
}

/// What the scheduler renders with.
pub(super) struct Renderer<'a> {
    pub(super) options: &'a BuildOptions,
    pub(super) theme: &'a Theme,
    pub(super) tera: &'a tera::Tera,
    pub(super) sink: &'a Sink,
    /// The URLs pages link to, numbered as pages are read.
    pub(super) link_urls: &'a crate::interner::Interner,
}

impl Renderer<'_> {
    /// Renders every page and export of `site`; None when a template
    /// failed (its errors are in `found`).
    pub(super) fn render(
        &self,
        site: &mut Site,
        found: &mut Diagnostics,
        timer: &mut Timer,
    ) -> Option<Rendered> {
        // Past assembly only the CSAF export reports errors at a front matter
        // line (its file name collisions); other reports read the file again.
        if site.config.csaf.is_none() {
            for page in &mut site.pages {
                page.doc.release_text();
            }
        }
        let decorator = self
            .options
            .preview
            .then(|| crate::preview::Decorator::new(site));
        let terms = crate::search::Tables::default();
        let meter = &self.options.meter;
        let emit = render::Emit {
            sink: self.sink,
            decorator: decorator.as_ref().map(|d| d as &dyn render::Decorate),
            terms: &terms,
            urls: self.link_urls,
            meter,
        };
        let mut shared = render::Shared::new(site);
        shared.read_templates(self.tera, self.options.every_summary_field);
        let printed = exports::printed_bodies(site);
        meter.begin("rendering documents", site.pages.len());
        let documents = self.document_pass(site, &shared, &emit, &printed, found)?;
        let DocumentPass {
            mut pages,
            mut page_links,
            search_entries,
            listed,
            bodies,
        } = documents;
        shared.set_listed(listed);
        timer.lap("render documents");
        meter.begin("rendering lists and exports", 0);

        let (lists, exports, export_diagnostics) =
            self.lists_and_exports(site, &bodies, &shared, &emit, search_entries, &terms);
        drop(shared);
        drop(bodies);
        found.append(export_diagnostics);
        let lists = found.gather(lists)?;
        let page_count = page_links.len() + lists.len();
        for emitted in lists {
            pages.push((emitted.path, emitted.content));
            page_links.push(emitted.links);
        }
        timer.lap("render lists and exports");
        Some(Rendered {
            pages,
            page_links,
            exports,
            page_count,
        })
    }

    /// The document pass: every page rendered and emitted, and what it
    /// leaves for later stages; `None` when a page failed (each distinct
    /// error is in `found`, as [`Diagnostics::gather`] reports them).
    /// Pages are rendered [`DOCUMENTS_AT_ONCE`] at a time, so the results
    /// of a few thousand documents are alive at once beside what they
    /// leave, not every document's twice over.
    fn document_pass(
        &self,
        site: &Site,
        shared: &render::Shared,
        emit: &render::Emit,
        printed: &std::collections::HashSet<usize>,
        found: &mut Diagnostics,
    ) -> Option<DocumentPass> {
        let count = site.pages.len();
        let mut pass = DocumentPass {
            pages: Vec::with_capacity(count),
            page_links: Vec::with_capacity(count),
            search_entries: Vec::with_capacity(count),
            listed: Vec::with_capacity(count),
            bodies: Bodies {
                summaries: Vec::with_capacity(count),
                kept: Default::default(),
            },
        };
        let mut errors: Vec<crate::diagnostics::Diagnostic> = Vec::new();
        let mut reported = Diagnostics::new();
        for start in (0..count).step_by(DOCUMENTS_AT_ONCE) {
            let pages = start..count.min(start + DOCUMENTS_AT_ONCE);
            let documents = render::render_documents(
                &self.options.root,
                (site, pages),
                self.tera,
                self.theme,
                shared,
                emit,
                printed,
            );
            for (index, result) in (start..).zip(documents) {
                match result {
                    Ok(done) => pass.take(index, done, &mut reported),
                    Err(d) if !errors.contains(&d) => errors.push(d),
                    Err(_) => {}
                }
            }
        }
        if !errors.is_empty() {
            found.extend(errors);
            return None;
        }
        found.append(reported);
        Some(pass)
    }

    /// The list pages beside the exports (each list page holds at most a
    /// page of summaries, so they need no memory budget of their own).
    /// Returns one result per list page, and the exports with what they
    /// reported.
    fn lists_and_exports(
        &self,
        site: &Site,
        bodies: &Bodies,
        shared: &render::Shared,
        emit: &render::Emit,
        search_entries: Vec<crate::search::Prepared>,
        terms: &crate::search::Tables,
    ) -> (
        Vec<Result<render::Emitted, crate::diagnostics::Diagnostic>>,
        Output,
        Diagnostics,
    ) {
        let now = self.options.now.unwrap_or_else(chrono::Utc::now);
        let jobs = render::list_jobs(site, bodies, self.tera, self.theme, shared);
        let (lists, (exports, d)) = rayon::join(
            || render::render_lists(jobs, emit),
            || {
                let mut exports = Writer::new(self.sink);
                let mut d = Diagnostics::new();
                let search = (search_entries, terms);
                exports::add_all(site, bodies, search, &mut exports, now, &mut d);
                (exports.finish(), d)
            },
        );
        (lists, exports, d)
    }
}
