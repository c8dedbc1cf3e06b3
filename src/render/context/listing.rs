//! The objects of list pages: `section`, `taxonomy`, `term` and `home`.

use super::{into_value, Built, Detail, Shared};
use crate::content::{Kind, Severity, Status};
use crate::site::{Bodies, ListPage, Site, Taxonomy};
use crate::theme::Theme;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;

/// `section`: a content folder's list page.
#[derive(Serialize)]
struct SectionContext<'a> {
    /// `incident`, `faq` or `page`.
    kind: Kind,
    /// The folder's name under `content/` (`incidents`).
    name: &'a str,
    /// Its title.
    title: &'a str,
    /// `description:` of its `_index.md`, or empty.
    description: &'a str,
    /// Its URL, with the base path.
    url: &'a str,
    /// The HTML of its `_index.md`, or empty.
    content: &'a str,
    /// What occurs among all its pages (not only this page's).
    facets: &'a Facets,
    /// How many published documents it has, on all its pages.
    total: usize,
    /// The summaries of this page's documents, newest first.
    pages: Built,
}

/// `section.facets`: the severities, statuses and years that occur in a
/// list, for links and filter options that lead somewhere.
#[derive(Serialize)]
pub(in crate::render) struct Facets {
    /// Critical first.
    severities: Vec<Severity>,
    /// `investigating` first.
    statuses: Vec<Status>,
    /// `"2026"`, newest first.
    years: Vec<String>,
}

/// `taxonomy`: a taxonomy's page, also on each of its terms' pages.
#[derive(Serialize)]
struct TaxonomyContext<'a> {
    /// `tags`, `vendors`, `severity` or `status`.
    name: &'a str,
    /// Its title in the site's language (`Tags`).
    title: &'a str,
    /// Its URL, with the base path.
    url: String,
    /// Its terms.
    terms: Vec<TermEntry<'a>>,
}

/// An entry of `taxonomy.terms`.
#[derive(Serialize)]
struct TermEntry<'a> {
    /// The term.
    name: &'a str,
    /// Its page, with the base path.
    url: String,
    /// How many documents it has.
    count: usize,
}

/// `term`: a term's page.
#[derive(Serialize)]
struct TermContext<'a> {
    /// The term.
    name: &'a str,
    /// Its page, with the base path.
    url: String,
    /// The URL of its Atom feed, with the base path.
    feed_url: String,
    /// How many documents it has, on all its pages.
    total: usize,
    /// The summaries of this page's documents.
    pages: Built,
}

/// `home`: the home page's dashboard.
#[derive(Serialize)]
struct HomeContext<'a> {
    /// The HTML of `content/_index.md`, or empty.
    content: &'a str,
    /// Incidents per severity, critical first.
    severity_counts: Vec<Count<'a>>,
    /// Incidents per status, `investigating` first.
    status_counts: Vec<Count<'a>>,
    /// How many incidents are published.
    total_incidents: usize,
    /// The dashboard's charts (`crate::charts::dashboard`).
    charts: Built,
    /// The first `pagination.per_page` incidents not `resolved`, most
    /// severe, then newest first.
    open_incidents: Built,
    /// How many incidents are not `resolved`.
    open_total: usize,
    /// The ten most recently updated documents.
    latest: Built,
}

/// An entry of `home.severity_counts` and `home.status_counts`.
#[derive(Serialize)]
struct Count<'a> {
    /// The severity or status.
    name: &'a str,
    /// How many incidents have it.
    count: usize,
    /// Its term page, or null when no incident has it.
    url: Option<String>,
}

/// The section of the folder `list` on the page showing `indices` (of
/// its pages) in `detail`; `facets` are the whole list's.
pub(in crate::render) fn section(
    site: &Site,
    bodies: &Bodies,
    shared: &Shared,
    (list, facets): (&ListPage, &Facets),
    indices: &[usize],
    (shows, detail): (&[&str], Detail),
) -> Value {
    let fields = SectionContext {
        kind: list.section.kind,
        name: &list.section.name,
        title: &list.section.title,
        description: &list.section.description,
        url: &list.url,
        content: &list.intro_html,
        facets,
        total: list.pages.len(),
        pages: Built(shared.list(
            site,
            bodies,
            indices,
            shows,
            detail.section_list(list.section.kind, "section.pages"),
        )),
    };
    into_value(fields, |f| vec![("pages", &mut f.pages)])
}

/// The severities and statuses (in their order) and the years (newest
/// first) that occur among `site.pages[i]` for each of `indices`, for a
/// list page's links and filters: worked out in a template, they cost a
/// pass over every summary, alone on one core at 60,000 incidents.
pub(in crate::render) fn facets(site: &Site, indices: &[usize]) -> Facets {
    let mut severities = BTreeSet::new();
    let mut statuses = BTreeSet::new();
    let mut years = BTreeSet::new();
    for &i in indices {
        let doc = &site.pages[i].doc;
        if let Some(incident) = doc.kind.incident() {
            severities.insert(incident.severity);
            statuses.insert(incident.status);
        }
        years.extend(doc.meta.date.map(|d| d.year()));
    }
    Facets {
        severities: severities.into_iter().rev().collect(),
        statuses: statuses.into_iter().collect(),
        years: years.iter().rev().map(|y| format!("{y:04}")).collect(),
    }
}

/// The `taxonomy` of `tax`, the same on its page and its terms'.
/// `title` is its title in the site's language.
pub(in crate::render) fn taxonomy(site: &Site, tax: &Taxonomy, title: &str) -> Value {
    let urls = &site.urls;
    let fields = TaxonomyContext {
        name: tax.name,
        title,
        url: urls.path(&tax.path()),
        terms: tax
            .terms
            .iter()
            .map(|t| TermEntry {
                name: &t.name,
                url: urls.path(&tax.term_path(t)),
                count: t.pages.len(),
            })
            .collect(),
    };
    serde_json::to_value(fields).unwrap_or(Value::Null)
}

/// The `term` of `term` (at `path`) on the page showing `indices` (of its
/// pages) in `detail`.
pub(in crate::render) fn term_page(
    site: &Site,
    bodies: &Bodies,
    shared: &Shared,
    (term, path): (&crate::site::Term, &str),
    indices: &[usize],
    detail: Detail,
) -> Value {
    let fields = TermContext {
        name: &term.name,
        url: site.urls.path(path),
        feed_url: site.urls.path(&crate::site::feed_path(path)),
        total: term.pages.len(),
        pages: Built(shared.list(site, bodies, indices, &["item"], detail.list("term.pages"))),
    };
    into_value(fields, |f| vec![("pages", &mut f.pages)])
}

/// The open incidents the home page shows, most severe then newest, at
/// most `per_page` of them (at 10,000 documents the cards of all of them
/// passed 1 MiB), and how many are open in all.
pub(super) fn home_open(site: &Site) -> (Vec<usize>, usize) {
    let severity = |i: usize| {
        let incident = site.pages[i].doc.kind.incident()?;
        (incident.status != Status::Resolved).then_some(incident.severity)
    };
    let date = |i: usize| site.pages[i].doc.meta.date;
    let mut open: Vec<usize> = (0..site.pages.len())
        .filter(|&i| severity(i).is_some())
        .collect();
    open.sort_by(|&a, &b| {
        severity(b)
            .cmp(&severity(a))
            .then_with(|| date(b).cmp(&date(a)))
    });
    let total = open.len();
    open.truncate(site.config.per_page);
    (open, total)
}

/// The `home` of the site.
pub(in crate::render) fn home(
    site: &Site,
    bodies: &Bodies,
    theme: &Theme,
    shared: &Shared,
) -> Value {
    let detail = shared.detail("index.html");
    let changed = |i: usize| site.pages[i].doc.last_changed();
    let title = |i: usize| &site.pages[i].doc.meta.title;
    let mut latest: Vec<usize> = (0..site.pages.len())
        .filter(|&i| changed(i).is_some())
        .collect();
    latest.sort_by(|&a, &b| {
        changed(b)
            .cmp(&changed(a))
            .then_with(|| title(a).cmp(title(b)))
    });
    latest.truncate(10);
    let (open, open_total) = (&shared.home_open, shared.home_open_total);
    let count = |name: &str, key: &'static str| {
        let tax = site.taxonomies.iter().find(|t| t.name == name);
        let term = tax.and_then(|t| t.terms.iter().find(|x| x.slug == key).map(|x| (t, x)));
        Count {
            name: key,
            count: term.map_or(0, |(_, x)| x.pages.len()),
            url: term.map(|(t, x)| site.urls.path(&t.term_path(x))),
        }
    };
    let fields = HomeContext {
        content: &site.home_intro,
        severity_counts: Severity::ALL
            .iter()
            .map(|s| count("severity", s.as_str()))
            .collect(),
        status_counts: Status::ALL
            .iter()
            .map(|s| count("status", s.as_str()))
            .collect(),
        total_incidents: site.incidents().count(),
        open_total,
        charts: Built(crate::charts::dashboard(site, &theme.strings)),
        open_incidents: Built(shared.list(
            site,
            bodies,
            open,
            &["card"],
            detail.list("home.open_incidents"),
        )),
        latest: Built(shared.list(site, bodies, &latest, &["item"], detail.list("home.latest"))),
    };
    into_value(fields, |f| {
        vec![
            ("charts", &mut f.charts),
            ("open_incidents", &mut f.open_incidents),
            ("latest", &mut f.latest),
        ]
    })
}

/// `paginator`: where one page of a list (a section's, a term's) stands
/// among the list's pages.
#[derive(Serialize)]
pub(in crate::render) struct Paginator {
    /// This page's number, from 1.
    number: usize,
    /// How many pages the list has (at least 1).
    count: usize,
    /// How many entries the whole list has.
    total: usize,
    /// Entries per page (`pagination.per_page`).
    per_page: usize,
    /// The place of this page's first entry in the whole list, from 1 (0
    /// when the list is empty).
    first: usize,
    /// The place of its last entry (0 when the list is empty).
    last: usize,
    /// The URL of the previous page, with the base path; null on page 1.
    previous: Option<String>,
    /// The URL of the next page; null on the last.
    next: Option<String>,
    /// The entries of a pager, in order.
    links: Vec<PageLink>,
}

/// An entry of `paginator.links`: a page, or a gap between pages shown.
#[derive(Serialize)]
struct PageLink {
    /// The page's number; null for a gap (an ellipsis).
    number: Option<usize>,
    /// Its URL, with the base path; null for a gap.
    url: Option<String>,
    /// Whether it is this page.
    current: bool,
}

/// The pages a pager links to: the first, the last and two either side of
/// `number`; a gap of one page shows that page instead of an ellipsis, so
/// a pager never has more than nine entries.
fn shown_pages(number: usize, count: usize) -> Vec<Option<usize>> {
    let near = number.saturating_sub(2).max(1)..=number.saturating_add(2).min(count);
    let mut wanted: Vec<usize> = std::iter::once(1)
        .chain(near)
        .chain(std::iter::once(count))
        .collect();
    wanted.dedup();
    let mut shown = Vec::with_capacity(wanted.len() + 2);
    let mut last = 0;
    for n in wanted {
        match n - last {
            0 => continue,
            1 => {}
            2 => shown.push(Some(last + 1)),
            _ => shown.push(None),
        }
        shown.push(Some(n));
        last = n;
    }
    shown
}

impl Paginator {
    /// Page `number` of the list at site path `path` with `total` entries.
    pub(in crate::render) fn new(
        urls: &crate::urls::Urls,
        path: &str,
        total: usize,
        per_page: usize,
        number: usize,
    ) -> Paginator {
        use crate::site::paging::{page_count, page_path};
        let count = page_count(total, per_page);
        let url = |n: usize| urls.path(&page_path(path, n));
        let first = if total == 0 {
            0
        } else {
            (number - 1) * per_page + 1
        };
        Paginator {
            number,
            count,
            total,
            per_page,
            first,
            last: (number * per_page).min(total),
            previous: (number > 1).then(|| url(number - 1)),
            next: (number < count).then(|| url(number + 1)),
            links: shown_pages(number, count)
                .into_iter()
                .map(|n| PageLink {
                    number: n,
                    url: n.map(url),
                    current: n == Some(number),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shown_pages;

    #[test]
    fn a_pager_shows_the_ends_and_the_pages_near_this_one() {
        let p = |n, c| -> Vec<Option<usize>> { shown_pages(n, c) };
        assert_eq!(p(1, 1), vec![Some(1)]);
        assert_eq!(p(1, 3), vec![Some(1), Some(2), Some(3)]);
        // A gap of one page shows the page, not an ellipsis.
        assert_eq!(
            p(5, 9),
            vec![
                Some(1),
                Some(2),
                Some(3),
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                Some(9)
            ]
        );
        assert_eq!(
            p(10, 20),
            vec![
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(20)
            ]
        );
        assert_eq!(p(20, 20), vec![Some(1), None, Some(18), Some(19), Some(20)]);
    }
}
