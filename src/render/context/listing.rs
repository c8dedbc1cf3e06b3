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
    /// What occurs among its pages.
    facets: Facets,
    /// Its published documents' summaries, newest first.
    pages: Built,
}

/// `section.facets`: the severities, statuses and years that occur in a
/// list, for links and filter options that lead somewhere.
#[derive(Serialize)]
struct Facets {
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
    /// Its documents' summaries.
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
    /// Incidents not `resolved`, most severe, then newest first.
    open_incidents: Built,
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

/// The section of the folder `list`, its pages in `detail`.
pub(in crate::render) fn section(
    site: &Site,
    bodies: &Bodies,
    shared: &Shared,
    list: &ListPage,
    shows: &[&str],
    detail: Detail,
) -> Value {
    let fields = SectionContext {
        kind: list.section.kind,
        name: &list.section.name,
        title: &list.section.title,
        description: &list.section.description,
        url: &list.url,
        content: &list.intro_html,
        facets: facets(site, &list.pages),
        pages: Built(shared.list(
            site,
            bodies,
            &list.pages,
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
fn facets(site: &Site, indices: &[usize]) -> Facets {
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

/// The `term` of `term` (at `path`), its pages in `detail`.
pub(in crate::render) fn term_page(
    site: &Site,
    bodies: &Bodies,
    shared: &Shared,
    term: &crate::site::Term,
    path: &str,
    detail: Detail,
) -> Value {
    let fields = TermContext {
        name: &term.name,
        url: site.urls.path(path),
        feed_url: site.urls.path(&crate::site::feed_path(path)),
        pages: Built(shared.list(
            site,
            bodies,
            &term.pages,
            &["item"],
            detail.list("term.pages"),
        )),
    };
    into_value(fields, |f| vec![("pages", &mut f.pages)])
}

/// The severity of `site.pages[i]` when it is an open incident.
fn open_severity(site: &Site, i: usize) -> Option<Severity> {
    let incident = site.pages[i].doc.kind.incident()?;
    (incident.status != Status::Resolved).then_some(incident.severity)
}

/// The `home` of the site.
pub(in crate::render) fn home(
    site: &Site,
    bodies: &Bodies,
    theme: &Theme,
    shared: &Shared,
) -> Value {
    let detail = shared.detail("index.html");
    let date = |i: usize| site.pages[i].doc.meta.date;
    let mut open: Vec<usize> = (0..site.pages.len())
        .filter(|&i| open_severity(site, i).is_some())
        .collect();
    open.sort_by(|&a, &b| {
        let sev = |i| open_severity(site, i);
        sev(b).cmp(&sev(a)).then_with(|| date(b).cmp(&date(a)))
    });
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
        charts: Built(crate::charts::dashboard(site, &theme.strings)),
        open_incidents: Built(shared.list(
            site,
            bodies,
            &open,
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
