//! Atom 1.0 feeds (RFC 4287): the whole site at `atom.xml`, incidents alone
//! at `incidents/atom.xml`. Entries are ordered by `updated`, then `date`.

use super::xml_escape;
use crate::content::{DocKind, Kind};
use crate::output::Output;
use crate::site::{Bodies, Page, Site};

/// How many entries a feed carries: readers poll feeds, so they stay small.
const FEED_ENTRIES: usize = 50;

/// The pages some feed carries (they print their bodies): the document
/// pass keeps the bodies of those alone.
pub(crate) fn members(site: &Site) -> std::collections::HashSet<usize> {
    let pages = &site.pages;
    let dated: Vec<usize> = (0..pages.len())
        .filter(|&i| pages[i].doc.meta.date.is_some())
        .collect();
    let incidents: Vec<usize> = dated
        .iter()
        .copied()
        .filter(|&i| pages[i].kind() == Kind::Incident)
        .collect();
    let mut members = std::collections::HashSet::new();
    for mut feed in [dated, incidents] {
        feed.sort_by(|&a, &b| newest_first(&pages[a], &pages[b]));
        members.extend(feed.into_iter().take(FEED_ENTRIES));
    }
    members
}

/// Feed order: by `updated`, then `date`, newest first.
fn newest_first(a: &Page, b: &Page) -> std::cmp::Ordering {
    b.doc
        .last_changed()
        .cmp(&a.doc.last_changed())
        .then_with(|| b.doc.meta.date.cmp(&a.doc.meta.date))
        .then_with(|| a.doc.path.cmp(&b.doc.path))
}

pub(crate) fn add(site: &Site, bodies: &Bodies, output: &mut Output) {
    let all: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.pages[i].doc.meta.date.is_some())
        .collect();
    output.insert_bytes(
        "atom.xml",
        feed(site, bodies, &all, "atom.xml", "", &site.config.title).into_bytes(),
    );
    let incidents: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| site.pages[i].kind() == Kind::Incident)
        .collect();
    let title = format!("{}: incidents", site.config.title);
    // The feed's web page is the incident list, where there is one.
    let home = if site.lists.iter().any(|l| l.path == "incidents/") {
        "incidents/"
    } else {
        ""
    };
    output.insert_bytes(
        "incidents/atom.xml",
        feed(site, bodies, &incidents, "incidents/atom.xml", home, &title).into_bytes(),
    );
}

/// A feed at site path `path` of `site.pages[i]` for each of `pages`,
/// whose web page is site path `home`.
fn feed(
    site: &Site,
    bodies: &Bodies,
    pages: &[usize],
    path: &str,
    home: &str,
    title: &str,
) -> String {
    let mut pages: Vec<usize> = pages.to_vec();
    pages.sort_by(|&a, &b| newest_first(&site.pages[a], &site.pages[b]));
    pages.truncate(FEED_ENTRIES);
    let updated = pages
        .iter()
        .filter_map(|&i| site.pages[i].doc.last_changed())
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| d.rfc3339());
    let urls = &site.urls;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n",
        xml_escape(&site.config.language),
        xml_escape(title)
    ));
    if !site.config.description.is_empty() {
        xml.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            xml_escape(&site.config.description)
        ));
    }
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <id>{}</id>\n  <updated>{updated}</updated>\n  <author><name>{}</name></author>\n  <generator>seckb</generator>\n",
        xml_escape(&urls.absolute(path)),
        xml_escape(&urls.absolute(home)),
        xml_escape(&urls.absolute(path)),
        xml_escape(&site.config.author),
    ));
    for index in pages {
        xml.push_str(&entry(site, bodies, index));
    }
    xml.push_str("</feed>\n");
    xml
}

/// The entry of `site.pages[index]`.
fn entry(site: &Site, bodies: &Bodies, index: usize) -> String {
    let page = &site.pages[index];
    let doc = &page.doc;
    let link = site.urls.absolute(&doc.path);
    let published = doc.meta.date.map(|d| d.rfc3339()).unwrap_or_default();
    let updated = doc.last_changed().map(|d| d.rfc3339()).unwrap_or_default();
    let mut title = doc.meta.title.clone();
    let mut summary = bodies.summary(index).to_string();
    let mut categories = String::new();
    if let DocKind::Incident(inc) = &doc.kind {
        let id = inc
            .id
            .as_ref()
            .map(|i| format!("{} ", i.value))
            .unwrap_or_default();
        title = format!(
            "{id}[{}] {}",
            inc.severity.as_str().to_uppercase(),
            doc.meta.title
        );
        summary = format!(
            "Severity: {}. Status: {}. {}",
            inc.severity.as_str(),
            inc.status.as_str(),
            bodies.summary(index)
        );
        categories.push_str(&format!(
            "    <category term=\"severity:{}\" label=\"Severity: {}\"/>\n    <category term=\"status:{}\" label=\"Status: {}\"/>\n",
            inc.severity.as_str(),
            inc.severity.as_str(),
            inc.status.as_str(),
            inc.status.as_str()
        ));
    }
    for tag in &doc.meta.tags {
        categories.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(tag)));
    }
    format!(
        "  <entry>\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <id>{}</id>\n    <published>{published}</published>\n    <updated>{updated}</updated>\n    <summary>{}</summary>\n{categories}    <content type=\"html\" xml:base=\"{}\">{}</content>\n  </entry>\n",
        xml_escape(&title),
        xml_escape(&link),
        xml_escape(&link),
        xml_escape(&summary),
        xml_escape(&link),
        xml_escape(bodies.kept(index).map_or("", |b| b.rendered.html.as_str())),
    )
}
