//! Atom 1.0 feeds (RFC 4287): the whole site at `atom.xml`, incidents alone
//! at `incidents/atom.xml`, each incident at `<its path>atom.xml` and each
//! term page at `<its path>atom.xml` (`tags/phishing/atom.xml`). A feed holds
//! one entry per document and one per update of an incident (its
//! `updates:`), so subscribers see every change of status or severity.
//! Entries are ordered by their `updated`, newest first.
//!
//! Only the site feed and the incidents feed print documents' bodies
//! (`<content>`); the per-incident and per-term feeds print summaries, so
//! that a build keeps the bodies of at most their newest entries.

use super::xml_escape;
use crate::content::{Change, Date, DocKind, IncidentMeta};
use crate::markdown::inline_text;
use crate::output::{Content, Writer};
use crate::site::{Bodies, Site, Taxonomy, Term};
use rayon::prelude::*;

/// How many entries a feed carries: readers poll feeds, so they stay small.
const FEED_ENTRIES: usize = 50;

/// One entry of a feed: a document, or update `n` (as written) of the
/// incident `site.pages[page]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Entry {
    Page(usize),
    Update(usize, usize),
}

impl Entry {
    fn page(self) -> usize {
        match self {
            Entry::Page(p) | Entry::Update(p, _) => p,
        }
    }
}

/// Whether a feed prints the bodies of its documents.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bodied {
    Yes,
    No,
}

/// The `updated` of a document's own entry: its last change, except that
/// an incident's updates are entries of their own, so its entry moves only
/// for an `updated` later than its latest update (an edit of the text).
fn page_updated(site: &Site, page: usize) -> Option<Date> {
    let doc = &site.pages[page].doc;
    let latest = doc
        .kind
        .incident()
        .and_then(|i| i.updates.last())
        .map(|u| u.date);
    match latest {
        Some(latest) => doc.meta.updated.filter(|u| *u > latest).or(doc.meta.date),
        None => doc.last_changed(),
    }
}

/// When `entry` last changed.
fn updated(site: &Site, entry: Entry) -> Option<Date> {
    match entry {
        Entry::Page(p) => page_updated(site, p),
        Entry::Update(p, n) => site.pages[p]
            .doc
            .kind
            .incident()
            .and_then(|i| i.updates.get(n))
            .map(|u| u.date),
    }
}

/// The entries of `pages` (dated ones only) and of their incidents' updates.
fn entries_of(site: &Site, pages: impl IntoIterator<Item = usize>) -> Vec<Entry> {
    let mut out = Vec::new();
    for p in pages {
        let doc = &site.pages[p].doc;
        if doc.meta.date.is_none() {
            continue;
        }
        out.push(Entry::Page(p));
        if let Some(inc) = doc.kind.incident() {
            out.extend((0..inc.updates.len()).map(|n| Entry::Update(p, n)));
        }
    }
    out
}

/// The newest [`FEED_ENTRIES`] of `entries`, newest first: by `updated`,
/// then the page's date, its path and (for updates) the later update first.
fn newest(site: &Site, mut entries: Vec<Entry>) -> Vec<Entry> {
    let key = |e: &Entry| {
        let doc = &site.pages[e.page()].doc;
        let n = match e {
            Entry::Page(_) => 0,
            Entry::Update(_, n) => n + 1,
        };
        (
            updated(site, *e),
            doc.meta.date,
            std::cmp::Reverse(&doc.path),
            n,
        )
    };
    entries.sort_by(|a, b| key(b).cmp(&key(a)));
    entries.truncate(FEED_ENTRIES);
    entries
}

/// The entries of the site feed and of the incidents feed.
fn site_feeds(site: &Site) -> [Vec<Entry>; 2] {
    let all = newest(site, entries_of(site, 0..site.pages.len()));
    let incidents = newest(site, entries_of(site, site.incidents().map(|(i, _, _)| i)));
    [all, incidents]
}

/// The pages some feed prints the body of: the document pass keeps the
/// bodies of those alone.
pub(crate) fn members(site: &Site) -> std::collections::HashSet<usize> {
    site_feeds(site)
        .into_iter()
        .flatten()
        .filter_map(|e| match e {
            Entry::Page(p) => Some(p),
            Entry::Update(..) => None,
        })
        .collect()
}

/// What a feed is: where it is written, its web page and its title.
struct Feed<'a> {
    path: String,
    home: &'a str,
    title: String,
    bodied: Bodied,
}

/// Hands every feed to the sink: the site's and the incidents', then the
/// feed of each incident and of each term, many small ones made in
/// parallel.
pub(crate) fn add(site: &Site, bodies: &Bodies, output: &mut Writer) {
    let [all, incidents] = site_feeds(site);
    let site_feed = Feed {
        path: "atom.xml".into(),
        home: "",
        title: site.config.title.clone(),
        bodied: Bodied::Yes,
    };
    output.put(
        "atom.xml",
        render(site, bodies, &site_feed, &all).into_bytes(),
    );
    // The feed's web page is the incident list, where there is one.
    let home = if site.lists.iter().any(|l| l.path == "incidents/") {
        "incidents/"
    } else {
        ""
    };
    let incidents_feed = Feed {
        path: "incidents/atom.xml".into(),
        home,
        title: format!("{}: incidents", site.config.title),
        bodied: Bodied::Yes,
    };
    let xml = render(site, bodies, &incidents_feed, &incidents);
    output.put(incidents_feed.path, xml.into_bytes());
    let sink = output.sink();
    let write = |feed: Feed, entries: &[Entry]| {
        let content = sink.put(
            &feed.path,
            render(site, bodies, &feed, entries).into_bytes(),
        );
        (feed.path, content)
    };
    let of_incidents: Vec<usize> = site.incidents().map(|(i, _, _)| i).collect();
    let made: Vec<(String, Content)> = of_incidents
        .par_iter()
        .map(|&i| {
            let page = &site.pages[i];
            let feed = Feed {
                path: crate::site::feed_path(&page.doc.path),
                home: &page.doc.path,
                title: incident_feed_title(site, i),
                bodied: Bodied::No,
            };
            write(feed, &newest(site, entries_of(site, [i])))
        })
        .collect();
    for (path, content) in made {
        output.insert(path, content);
    }
    let terms: Vec<(&Taxonomy, &Term)> = site
        .taxonomies
        .iter()
        .flat_map(|tax| tax.terms.iter().map(move |term| (tax, term)))
        .collect();
    let made: Vec<(String, Content)> = terms
        .par_iter()
        .map(|&(tax, term)| {
            let path = tax.term_path(term);
            let feed = Feed {
                path: crate::site::feed_path(&path),
                home: &path,
                title: term_feed_title(site, tax.title, &term.name),
                bodied: Bodied::No,
            };
            write(
                feed,
                &newest(site, entries_of(site, term.pages.iter().copied())),
            )
        })
        .collect();
    for (path, content) in made {
        output.insert(path, content);
    }
}

/// The title of the feed of the incident `site.pages[page]`.
pub(crate) fn incident_feed_title(site: &Site, page: usize) -> String {
    format!("{}: {}", site.config.title, site.pages[page].doc.meta.title)
}

/// The title of the feed of the term `name` of the taxonomy titled `taxonomy`.
pub(crate) fn term_feed_title(site: &Site, taxonomy: &str, name: &str) -> String {
    format!("{}: {taxonomy}: {name}", site.config.title)
}

/// The feed `feed` of `entries` (newest first already).
fn render(site: &Site, bodies: &Bodies, feed: &Feed, entries: &[Entry]) -> String {
    let updated = entries
        .iter()
        .filter_map(|&e| updated(site, e))
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| d.rfc3339());
    let urls = &site.urls;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n",
        xml_escape(&site.config.language),
        xml_escape(&feed.title)
    ));
    if !site.config.description.is_empty() {
        xml.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            xml_escape(&site.config.description)
        ));
    }
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <id>{}</id>\n  <updated>{updated}</updated>\n  <author><name>{}</name></author>\n  <generator>seckb</generator>\n",
        xml_escape(&urls.absolute(&feed.path)),
        xml_escape(&urls.absolute(feed.home)),
        xml_escape(&urls.absolute(&feed.path)),
        xml_escape(&site.config.author),
    ));
    for &e in entries {
        match e {
            Entry::Page(p) => xml.push_str(&page_entry(site, bodies, p, feed.bodied)),
            Entry::Update(p, n) => xml.push_str(&update_entry(site, p, n)),
        }
    }
    xml.push_str("</feed>\n");
    xml
}

/// `<category>` elements of an incident's severity and status.
fn incident_categories(severity: &str, status: &str) -> String {
    format!(
        "    <category term=\"severity:{severity}\" label=\"Severity: {severity}\"/>\n    <category term=\"status:{status}\" label=\"Status: {status}\"/>\n"
    )
}

/// `{id }[{SEVERITY}] {title}`: how an entry of an incident is titled.
fn incident_title(inc: &IncidentMeta, severity: &str, title: &str) -> String {
    let id = inc
        .id
        .as_ref()
        .map(|i| format!("{} ", i.value))
        .unwrap_or_default();
    format!("{id}[{}] {title}", severity.to_uppercase())
}

/// The entry of `site.pages[index]`, with its body when `bodied`.
fn page_entry(site: &Site, bodies: &Bodies, index: usize, bodied: Bodied) -> String {
    let page = &site.pages[index];
    let doc = &page.doc;
    let link = site.urls.absolute(&doc.path);
    let published = doc.meta.date.map(|d| d.rfc3339()).unwrap_or_default();
    let updated = page_updated(site, index)
        .map(|d| d.rfc3339())
        .unwrap_or_default();
    let mut title = doc.meta.title.clone();
    let mut summary = bodies.summary(index).to_string();
    let mut categories = String::new();
    if let DocKind::Incident(inc) = &doc.kind {
        title = incident_title(inc, inc.severity.as_str(), &doc.meta.title);
        summary = format!(
            "Severity: {}. Status: {}. {}",
            inc.severity.as_str(),
            inc.status.as_str(),
            bodies.summary(index)
        );
        categories.push_str(&incident_categories(
            inc.severity.as_str(),
            inc.status.as_str(),
        ));
    }
    for tag in &doc.meta.tags {
        categories.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(tag)));
    }
    let content = match (bodied, bodies.kept(index)) {
        (Bodied::Yes, Some(body)) => body.rendered.html.as_str(),
        _ => "",
    };
    let content = if bodied == Bodied::Yes {
        format!(
            "    <content type=\"html\" xml:base=\"{}\">{}</content>\n",
            xml_escape(&link),
            xml_escape(content)
        )
    } else {
        String::new()
    };
    format!(
        "  <entry>\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <id>{}</id>\n    <published>{published}</published>\n    <updated>{updated}</updated>\n    <summary>{}</summary>\n{categories}{content}  </entry>\n",
        xml_escape(&title),
        xml_escape(&link),
        xml_escape(&link),
        xml_escape(&summary),
    )
}

/// What an update changed, in words: `status investigating → resolved`,
/// `severity high → critical`, both, or `update`.
pub(crate) fn change_words(change: &Change) -> String {
    let mut words = Vec::new();
    if let Some((from, to)) = change.status_changed() {
        words.push(match from {
            Some(from) => format!("status {} → {}", from.as_str(), to.as_str()),
            None => format!("status {}", to.as_str()),
        });
    }
    if let Some((from, to)) = change.severity_changed() {
        words.push(match from {
            Some(from) => format!("severity {} → {}", from.as_str(), to.as_str()),
            None => format!("severity {}", to.as_str()),
        });
    }
    if words.is_empty() {
        "update".into()
    } else {
        words.join(", ")
    }
}

/// The entry of update `n` of the incident `site.pages[index]`.
fn update_entry(site: &Site, index: usize, n: usize) -> String {
    let doc = &site.pages[index].doc;
    let Some(inc) = doc.kind.incident() else {
        return String::new();
    };
    let changes = inc.changes();
    let Some(change) = changes.get(n) else {
        return String::new();
    };
    let severity = change.severity_to.unwrap_or(inc.severity).as_str();
    let status = change.status_to.unwrap_or(inc.status).as_str();
    let words = change_words(change);
    let title = format!(
        "{}: {words}",
        incident_title(inc, severity, &doc.meta.title)
    );
    let text = inline_text(&change.update.text.value);
    let summary = format!("{}. {text}", capitalised(&words));
    let link = format!(
        "{}#{}",
        site.urls.absolute(&doc.path),
        crate::site::update_anchor(n)
    );
    let date = change.update.date.rfc3339();
    format!(
        "  <entry>\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <id>{}</id>\n    <published>{date}</published>\n    <updated>{date}</updated>\n    <summary>{}</summary>\n{}  </entry>\n",
        xml_escape(&title),
        xml_escape(&link),
        xml_escape(&update_id(site, index, inc, n)),
        xml_escape(&summary),
        incident_categories(severity, status),
    )
}

/// `words` with its first letter in capitals.
pub(super) fn capitalised(words: &str) -> String {
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// The stable id of update `n` of an incident, the same in every build of
/// the same content: a tag URI (RFC 4151) of the base URL's host and the
/// incident's date, naming the incident (its `id`, else its site path),
/// the update's date and its place among the updates of that date:
/// `tag:kb.example,2026-11-09:INC-2026-0042/updates/2026-11-10T09:00:00Z/1`.
/// Adding an update on another date changes no other update's id.
pub(crate) fn update_id(site: &Site, index: usize, inc: &IncidentMeta, n: usize) -> String {
    let doc = &site.pages[index].doc;
    let host = url::Url::parse(site.urls.base_url())
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    let day = doc.meta.date.map(|d| d.ymd()).unwrap_or_default();
    let name = inc.id.as_ref().map_or_else(
        || doc.path.trim_end_matches('/').to_string(),
        |i| i.value.clone(),
    );
    let Some(update) = inc.updates.get(n) else {
        return String::new();
    };
    let same_day = inc.updates[..n]
        .iter()
        .filter(|u| u.date == update.date)
        .count();
    format!(
        "tag:{host},{day}:{}/updates/{}/{}",
        tag_escape(&name),
        update.date.rfc3339(),
        same_day + 1
    )
}

/// `text` with every character a tag URI's specific part may not hold
/// percent-encoded.
fn tag_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/@!$&'()*+,;=".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_uris_escape_what_they_cannot_hold() {
        assert_eq!(tag_escape("incidents/a b"), "incidents/a%20b");
        assert_eq!(tag_escape("INC-2026:1"), "INC-2026:1");
        assert_eq!(capitalised("status x"), "Status x");
    }
}
