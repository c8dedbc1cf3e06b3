//! List pages (sections, taxonomies, the home page) as jobs, rendered in
//! parallel: each page of a list holds at most `pagination.per_page`
//! summaries.

use super::context::{self, insert, insert_owned, Detail, Paginator, Shared};
use super::templates::render_one;
use super::{Emit, Emitted, RenderedPage};
use crate::content::Kind;
use crate::diagnostics::Diagnostic;
use crate::site::paging::{page_count, page_of, page_path};
use crate::site::{Bodies, Site};
use crate::theme::Theme;
use crate::urls::Urls;
use rayon::prelude::*;
use tera::Tera;

/// A page to render after the document pass: a list page's context holds
/// at most one page of summaries (`pagination.per_page`).
pub(crate) type Job<'a> = Box<dyn Fn() -> RenderResult + Send + Sync + 'a>;

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
) -> Vec<Job<'a>> {
    let mut jobs = Jobs {
        site,
        bodies,
        tera,
        theme,
        shared,
        term_detail: shared.detail("term.html"),
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
    /// What term pages' summaries hold (one look at `term.html` for all).
    term_detail: Detail,
    list: Vec<Job<'a>>,
}

impl<'a> Jobs<'a> {
    fn push(&mut self, job: Job<'a>) {
        self.list.push(job);
    }

    /// The pages of each folder's list, `per_page` documents a page.
    fn sections(&mut self) {
        let (site, tera, theme, shared) = (self.site, self.tera, self.theme, self.shared);
        let bodies = self.bodies;
        let per_page = site.config.per_page;
        let section_detail = shared.detail("section.html");
        for list in &site.lists {
            let facets = std::sync::Arc::new(context::facets(site, &list.pages));
            for number in 1..=page_count(list.pages.len(), per_page) {
                let facets = facets.clone();
                self.push(Box::new(move || {
                    let path = page_path(&list.path, number);
                    let paginator =
                        Paginator::new(&site.urls, &list.path, list.pages.len(), per_page, number);
                    let count = page_count(list.pages.len(), per_page);
                    let title = page_title(theme, &list.section.title, (number, count));
                    let mut ctx =
                        shared.context("section", &title, site.urls.absolute(&path), false);
                    let shows = (section_shows(list.section.kind), section_detail);
                    let indices = page_of(&list.pages, per_page, number);
                    let section =
                        context::section(site, bodies, shared, (list, &facets), indices, shows);
                    insert_owned(&mut ctx, "section", section);
                    insert(&mut ctx, "paginator", &paginator);
                    render_one(
                        shared,
                        tera,
                        theme,
                        "section.html",
                        Urls::output_file(&path),
                        &ctx,
                    )
                }));
            }
        }
    }

    /// Each taxonomy's page and the pages of each of its terms.
    fn taxonomies(&mut self) {
        let (site, tera, theme, shared) = (self.site, self.tera, self.theme, self.shared);
        let urls = &site.urls;
        for tax in &site.taxonomies {
            let title = theme.strings.text(&format!("taxonomy.{}", tax.name), &[]);
            let taxonomy = std::sync::Arc::new(context::taxonomy(site, tax, &title));
            let title = std::sync::Arc::new(title);
            let (tax_title, t) = (title.clone(), taxonomy.clone());
            self.push(Box::new(move || {
                let mut ctx =
                    shared.context("taxonomy", &tax_title, urls.absolute(&tax.path()), false);
                insert(&mut ctx, "taxonomy", &*t);
                let file = Urls::output_file(&tax.path());
                render_one(shared, tera, theme, "taxonomy.html", file, &ctx)
            }));
            for term in &tax.terms {
                for number in 1..=page_count(term.pages.len(), site.config.per_page) {
                    let job = self.term_job(tax, term, (&taxonomy, &title), number);
                    self.push(job);
                }
            }
        }
    }

    /// Page `number` of the list of `term` of `tax`, whose context and
    /// title in the site's language are `taxonomy`.
    fn term_job(
        &self,
        tax: &'a crate::site::Taxonomy,
        term: &'a crate::site::Term,
        (taxonomy, title): (&std::sync::Arc<serde_json::Value>, &std::sync::Arc<String>),
        number: usize,
    ) -> Job<'a> {
        let (site, tera, theme, shared) = (self.site, self.tera, self.theme, self.shared);
        let bodies = self.bodies;
        let term_detail = self.term_detail;
        let (t, tax_title) = (taxonomy.clone(), title.clone());
        Box::new(move || {
            let per_page = site.config.per_page;
            let list_path = tax.term_path(term);
            let path = page_path(&list_path, number);
            let paginator =
                Paginator::new(&site.urls, &list_path, term.pages.len(), per_page, number);
            let name = format!("{tax_title}: {}", term_name(theme, tax, term));
            let count = page_count(term.pages.len(), per_page);
            let title = page_title(theme, &name, (number, count));
            let mut ctx = shared.context("term", &title, site.urls.absolute(&path), false);
            shared.feed(
                &mut ctx,
                &crate::site::feed_path(&list_path),
                crate::exports::feeds::term_feed_title(site, tax.title, &term.name),
            );
            insert(&mut ctx, "taxonomy", &*t);
            let indices = page_of(&term.pages, per_page, number);
            let term = context::term_page(
                site,
                bodies,
                shared,
                (term, &list_path),
                indices,
                term_detail,
            );
            insert_owned(&mut ctx, "term", term);
            insert(&mut ctx, "paginator", &paginator);
            render_one(
                shared,
                tera,
                theme,
                "term.html",
                Urls::output_file(&path),
                &ctx,
            )
        })
    }

    /// The home, search, checker (when an incident names a package) and 404 pages.
    fn fixed_pages(&mut self) {
        let (site, tera, theme, shared) = (self.site, self.tera, self.theme, self.shared);
        let bodies = self.bodies;
        let urls = &site.urls;
        self.push(Box::new(move || {
            let mut ctx = shared.context("home", &site.config.title, urls.absolute(""), false);
            insert_owned(&mut ctx, "home", context::home(site, bodies, theme, shared));
            render_one(shared, tera, theme, "index.html", "index.html".into(), &ctx)
        }));
        self.push(Box::new(move || {
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
        }));
        if crate::exports::checker::has_page(site) {
            self.push(Box::new(move || {
                super::checker::page(site, tera, theme, shared)
            }));
        }
        self.push(Box::new(move || {
            let title = theme.strings.text("not_found.title", &[]);
            let ctx = shared.context("404", &title, urls.absolute("404.html"), true);
            render_one(shared, tera, theme, "404.html", "404.html".into(), &ctx)
        }));
    }

    /// A redirect page for each alias.
    fn aliases(&mut self) {
        let (site, tera, theme, shared) = (self.site, self.tera, self.theme, self.shared);
        let urls = &site.urls;
        for (alias, target) in &site.aliases {
            self.push(Box::new(move || {
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
            }));
        }
    }
}

/// Renders `jobs` in parallel: each holds at most a page of summaries, so
/// any number of them at once stays small. One result per job
/// ([`crate::diagnostics::Diagnostics::gather`] them).
pub(crate) fn render_lists(jobs: Vec<Job>, emit: &Emit) -> Vec<Result<Emitted, Diagnostic>> {
    jobs.par_iter()
        .map(|job| job().map(|page| emit.emit(page)))
        .collect()
}

/// The title of page `number` of `count` of a list titled `title`: the
/// list's own title on page 1, "page N of M" after it on the next.
fn page_title(theme: &Theme, title: &str, (number, count): (usize, usize)) -> String {
    if number <= 1 {
        return title.to_string();
    }
    let args = [
        ("title", title.to_string()),
        ("n", number.to_string()),
        ("count", count.to_string()),
    ];
    theme.strings.text("pager.title", &args)
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
