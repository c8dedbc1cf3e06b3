//! List pages (sections, taxonomies, the home page) as jobs, rendered in
//! waves of bounded size.

use super::context::{self, insert, insert_owned, Shared};
use super::templates::{render_list, render_one};
use super::{Emit, Emitted, RenderedPage};
use crate::content::{Kind, Status};
use crate::diagnostics::Diagnostic;
use crate::site::{Bodies, Site};
use crate::theme::Theme;
use crate::urls::Urls;
use rayon::prelude::*;
use tera::Tera;

/// A page to render after the document pass, and how many document
/// summaries its context holds (what its memory grows with).
pub(crate) struct ListJob<'a> {
    pub entries: usize,
    job: Box<dyn Fn() -> RenderResult + Send + Sync + 'a>,
}

pub(super) type RenderResult = Result<RenderedPage, Diagnostic>;

/// The fragment a folder's list page shows for each document: the default
/// theme lists incidents in a table, other documents as items.
pub(super) fn section_shows(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Incident => &["row"],
        _ => &["item"],
    }
}

/// Every HTML page that is not a document's: list, taxonomy, home, search,
/// 404 and redirect pages, to render once the document pass has made the
/// summaries the lists show ([`render_lists`]).
pub(crate) fn list_jobs<'a>(
    site: &'a Site,
    bodies: &'a Bodies,
    tera: &'a Tera,
    theme: &'a Theme,
    shared: &'a Shared,
) -> Vec<ListJob<'a>> {
    let mut jobs = Jobs {
        site,
        bodies,
        tera,
        theme,
        shared,
        list: Vec::new(),
    };
    jobs.sections();
    jobs.taxonomies();
    jobs.fixed_pages();
    jobs.aliases();
    jobs.list
}

/// The list jobs being made, and what they render with.
struct Jobs<'a> {
    site: &'a Site,
    bodies: &'a Bodies,
    tera: &'a Tera,
    theme: &'a Theme,
    shared: &'a Shared,
    list: Vec<ListJob<'a>>,
}

impl<'a> Jobs<'a> {
    fn push(&mut self, entries: usize, job: Box<dyn Fn() -> RenderResult + Send + Sync + 'a>) {
        self.list.push(ListJob { entries, job });
    }

    /// The list page of each folder.
    fn sections(&mut self) {
        let (site, tera, theme, shared) = (self.site, self.tera, self.theme, self.shared);
        let bodies = self.bodies;
        let urls = &site.urls;
        let section_detail = shared.detail("section.html");
        for list in &site.lists {
            self.push(
                list.pages.len(),
                Box::new(move || {
                    let mut ctx = shared.context(
                        "section",
                        &list.section.title,
                        urls.absolute(&list.path),
                        false,
                    );
                    let shows = section_shows(list.section.kind);
                    let section =
                        context::section(site, bodies, shared, list, shows, section_detail);
                    insert_owned(&mut ctx, "section", section);
                    let path = Urls::output_file(&list.path);
                    render_list(shared, tera, theme, "section.html", path, ctx, "section")
                }),
            );
        }
    }

    /// Each taxonomy's page and each of its terms' pages.
    fn taxonomies(&mut self) {
        let (site, tera, theme, shared) = (self.site, self.tera, self.theme, self.shared);
        let bodies = self.bodies;
        let urls = &site.urls;
        let term_detail = shared.detail("term.html");
        for tax in &site.taxonomies {
            let title = theme.strings.text(&format!("taxonomy.{}", tax.name), &[]);
            let taxonomy = std::sync::Arc::new(context::taxonomy(site, tax, &title));
            let title = std::sync::Arc::new(title);
            let tax_title = title.clone();
            let t = taxonomy.clone();
            self.push(
                0,
                Box::new(move || {
                    let mut ctx =
                        shared.context("taxonomy", &tax_title, urls.absolute(&tax.path()), false);
                    insert(&mut ctx, "taxonomy", &*t);
                    render_one(
                        shared,
                        tera,
                        theme,
                        "taxonomy.html",
                        Urls::output_file(&tax.path()),
                        &ctx,
                    )
                }),
            );
            for term in &tax.terms {
                let t = taxonomy.clone();
                let tax_title = title.clone();
                self.push(
                    term.pages.len(),
                    Box::new(move || {
                        let path = tax.term_path(term);
                        let title = format!("{tax_title}: {}", term_name(theme, tax, term));
                        let mut ctx = shared.context("term", &title, urls.absolute(&path), false);
                        shared.feed(
                            &mut ctx,
                            &crate::site::feed_path(&path),
                            crate::exports::feeds::term_feed_title(site, tax.title, &term.name),
                        );
                        insert(&mut ctx, "taxonomy", &*t);
                        let term =
                            context::term_page(site, bodies, shared, term, &path, term_detail);
                        insert_owned(&mut ctx, "term", term);
                        let file = Urls::output_file(&path);
                        render_list(shared, tera, theme, "term.html", file, ctx, "term")
                    }),
                );
            }
        }
    }

    /// The home, search, checker (when an incident names a package) and 404 pages.
    fn fixed_pages(&mut self) {
        let (site, tera, theme, shared) = (self.site, self.tera, self.theme, self.shared);
        let bodies = self.bodies;
        let urls = &site.urls;
        // The home page lists every open incident.
        let open = site
            .incidents()
            .filter(|(_, _, i)| i.status != Status::Resolved)
            .count();
        self.push(
            open,
            Box::new(move || {
                let mut ctx = shared.context("home", &site.config.title, urls.absolute(""), false);
                insert_owned(&mut ctx, "home", context::home(site, bodies, theme, shared));
                render_one(shared, tera, theme, "index.html", "index.html".into(), &ctx)
            }),
        );
        self.push(
            0,
            Box::new(move || {
                let title = theme.strings.text("search.title", &[]);
                let ctx = shared.context("search", &title, urls.absolute("search/"), false);
                render_one(
                    shared,
                    tera,
                    theme,
                    "search.html",
                    "search/index.html".into(),
                    &ctx,
                )
            }),
        );
        if crate::exports::checker::has_page(site) {
            self.push(
                0,
                Box::new(move || super::checker::page(site, tera, theme, shared)),
            );
        }
        self.push(
            0,
            Box::new(move || {
                let title = theme.strings.text("not_found.title", &[]);
                let ctx = shared.context("404", &title, urls.absolute("404.html"), true);
                render_one(shared, tera, theme, "404.html", "404.html".into(), &ctx)
            }),
        );
    }

    /// A redirect page for each alias.
    fn aliases(&mut self) {
        let (site, tera, theme, shared) = (self.site, self.tera, self.theme, self.shared);
        let urls = &site.urls;
        for (alias, target) in &site.aliases {
            self.push(
                0,
                Box::new(move || {
                    let page = &site.pages[*target];
                    // The redirect is root-relative, so it stays on the host that
                    // serves the site (a preview, a mirror); `canonical` is absolute.
                    let canonical = urls.absolute(&page.doc.path);
                    let mut ctx = shared.context("alias", &page.doc.meta.title, canonical, true);
                    insert(&mut ctx, "target", &urls.path(&page.doc.path));
                    render_one(
                        shared,
                        tera,
                        theme,
                        "alias.html",
                        Urls::output_file(alias),
                        &ctx,
                    )
                }),
            );
        }
    }
}

/// Renders `jobs` in parallel, in waves of at most `budget` summaries
/// between them: a list page's context holds a JSON tree of every document
/// it shows (several KB each), and at 100,000 documents two long lists at
/// once took hundreds of MB more. Each wave takes the longest job left and
/// fills up with shorter ones, so both cores keep working. One result per
/// job ([`crate::diagnostics::Diagnostics::gather`] them).
pub(crate) fn render_lists(
    mut jobs: Vec<ListJob>,
    emit: &Emit,
    budget: usize,
) -> Vec<Result<Emitted, Diagnostic>> {
    jobs.sort_by_key(|job| std::cmp::Reverse(job.entries));
    let mut results = Vec::with_capacity(jobs.len());
    while !jobs.is_empty() {
        let mut total = 0;
        let (wave, later): (Vec<ListJob>, Vec<ListJob>) = jobs.into_iter().partition(|job| {
            let fits = total == 0 || total + job.entries <= budget;
            if fits {
                total += job.entries.max(1);
            }
            fits
        });
        results.par_extend(
            wave.par_iter()
                .map(|j| (j.job)().map(|page| emit.emit(page))),
        );
        jobs = later;
    }
    results
}

/// A term's name in a page title: a severity or status in the site's
/// language (`severity.term_high`, in running text: `high`, `hoch`), any
/// other term as written.
fn term_name(theme: &Theme, tax: &crate::site::Taxonomy, term: &crate::site::Term) -> String {
    match tax.name {
        "severity" | "status" => theme
            .strings
            .text(&format!("{}.term_{}", tax.name, term.name), &[]),
        _ => term.name.clone(),
    }
}
