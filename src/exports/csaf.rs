//! CSAF 2.0 (OASIS) export, profile "Security incident response": one
//! document per published incident when `csaf:` is configured, laid out as
//! the standard's directory-based distribution under `.well-known/csaf/`:
//! `<YYYY>/<id>.json`, `index.txt`, `changes.csv`, `provider-metadata.json`,
//! and an HTML listing per folder, since static hosts list no folders.
//! CI validates every document with the official schema and mandatory tests.

use crate::config::Csaf;
use crate::content::{Change, Date, IncidentMeta, Status, Tlp};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::html::escape;
use crate::markdown::inline_text;
use crate::output::Writer;
use crate::site::{Bodies, Body, Page, Site};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

mod products;

/// The folder of the distribution, relative to the site root.
pub(crate) const DIR: &str = ".well-known/csaf/";

/// `tracking.id`: the incident's `id`, else its slug.
pub(crate) fn tracking_id(page: &Page, incident: &IncidentMeta) -> String {
    incident
        .id
        .as_ref()
        .map_or_else(|| page.doc.slug.clone(), |id| id.value.trim().to_string())
}

/// The standard's file name rule: `tracking.id` in lower case, every run of
/// characters outside `[+\-a-z0-9]` replaced by `_`, then `.json`
/// (`RHBA-2019:0024` → `rhba-2019_0024.json`).
pub(crate) fn file_name(id: &str) -> String {
    let mut name = String::with_capacity(id.len() + 5);
    let mut in_run = false;
    for c in id.to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '+' || c == '-' {
            name.push(c);
            in_run = false;
        } else if !in_run {
            name.push('_');
            in_run = true;
        }
    }
    name.push_str(".json");
    name
}

/// Site path of an incident's document: `.well-known/csaf/2026/inc-2026-0042.json`,
/// in the folder of the year of its first release.
pub(crate) fn document_path(page: &Page, incident: &IncidentMeta) -> String {
    let year = page.doc.meta.date.map_or(1970, |d| d.year());
    format!("{DIR}{year}/{}", file_name(&tracking_id(page, incident)))
}

/// CSAF 2.0 still uses TLP 1.0 words. AMBER+STRICT has none: RED is the
/// nearest that is not less restrictive, and `distribution.text` says so.
fn tlp_label(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "WHITE",
        Tlp::Green => "GREEN",
        Tlp::Amber => "AMBER",
        Tlp::AmberStrict | Tlp::Red => "RED",
    }
}

fn distribution_text(tlp: Tlp) -> String {
    match tlp {
        Tlp::Clear => {
            "TLP:CLEAR (TLP 2.0). CSAF 2.0 labels it WHITE, its TLP 1.0 name.".to_string()
        }
        Tlp::AmberStrict => "TLP:AMBER+STRICT (TLP 2.0): share only within the recipient's \
            organisation. CSAF 2.0 has no AMBER+STRICT label, so this document is labelled \
            RED, the nearest label that is not less restrictive."
            .to_string(),
        other => format!("{} (TLP 2.0).", other.label()),
    }
}

/// interim while the incident is open, final once resolved; draft only in
/// preview builds (`--drafts`), which show drafts and embargoed documents.
fn status(site: &Site, page: &Page, incident: &IncidentMeta) -> &'static str {
    let meta = &page.doc.meta;
    let embargoed = meta
        .embargo
        .is_some_and(|e| e.instant > site.publication.now);
    if meta.draft || embargoed {
        "draft"
    } else if incident.status == Status::Resolved {
        "final"
    } else {
        "interim"
    }
}

/// The revision history: the first release at `date` (the first update's
/// text when it is on that date), one revision per update (its date, what
/// it changed and its text), and one at `updated` when that is later than
/// all of them.
fn revisions(date: Date, updated: Option<Date>, changes: &[Change]) -> Vec<(Date, String)> {
    let mut list: Vec<(Date, String)> = Vec::new();
    for change in changes {
        let words = super::feeds::change_words(change);
        let text = inline_text(&change.update.text.value);
        let summary = if words == "update" {
            text
        } else {
            format!("{}: {text}", super::feeds::capitalised(&words))
        };
        list.push((change.update.date, summary));
    }
    if list.first().is_none_or(|(d, _)| *d > date) {
        list.insert(0, (date, "Initial publication.".into()));
    }
    let last = list.last().map_or(date, |(d, _)| *d);
    if let Some(u) = updated.filter(|u| *u > last) {
        list.push((u, "Updated publication.".into()));
    }
    list
}

/// The document's notes: summary, description, details, timeline and
/// recommended actions, the empty ones left out.
fn notes(summary: &str, body: Option<&Body>, incident: &IncidentMeta) -> Vec<Value> {
    let mut notes = vec![json!({ "category": "summary", "title": "Summary", "text": summary })];
    let body = body.map_or("", |b| b.rendered.text.trim());
    if !body.is_empty() {
        notes.push(json!({ "category": "description", "title": "Description", "text": body }));
    }
    notes.push(
        json!({ "category": "details", "title": "Incident details", "text": details(incident) }),
    );
    if !incident.timeline.is_empty() {
        let lines: Vec<String> = incident
            .timeline
            .iter()
            .map(|t| format!("{}: {}", t.date.rfc3339(), inline_text(&t.event.value)))
            .collect();
        notes.push(json!({ "category": "general", "title": "Timeline", "text": lines.join("\n") }));
    }
    if !incident.actions.is_empty() {
        let lines: Vec<String> = incident
            .actions
            .iter()
            .map(|a| format!("- {}", inline_text(&a.value)))
            .collect();
        notes.push(json!({ "category": "general", "title": "Recommended actions", "text": lines.join("\n") }));
    }
    notes.retain(|n| n["text"].as_str().is_some_and(|t| !t.trim().is_empty()));
    notes
}

/// The document's references: the write-up and this document, then the
/// incident's own (the profile needs an external one).
fn references(site: &Site, page: &Page, incident: &IncidentMeta, permalink: &str) -> Vec<Value> {
    let (doc, urls) = (&page.doc, &site.urls);
    let mut references = vec![
        json!({ "category": "self", "summary": format!("{} on {}", doc.meta.title, site.config.title), "url": permalink }),
        json!({ "category": "self", "summary": "This document in CSAF format", "url": urls.absolute(&document_path(page, incident)) }),
    ];
    for r in &incident.references {
        let summary = r.title.clone().unwrap_or_else(|| r.url.clone());
        references.push(json!({ "category": "external", "summary": summary, "url": r.url.trim() }));
    }
    // The profile needs an external reference; the write-up is the one seckb always has.
    if incident.references.is_empty() {
        references.push(
            json!({ "category": "external", "summary": "The incident write-up", "url": permalink }),
        );
    }
    references
}

/// One CSAF 2.0 `csaf_security_incident_response` document, of the
/// incident `site.pages[index]`.
fn document(
    site: &Site,
    bodies: &Bodies,
    csaf: &Csaf,
    index: usize,
    incident: &IncidentMeta,
) -> Value {
    let page = &site.pages[index];
    let doc = &page.doc;
    let urls = &site.urls;
    let date = doc.meta.date.unwrap_or(Date {
        instant: chrono::DateTime::UNIX_EPOCH,
        has_time: false,
    });
    let revisions = revisions(date, doc.meta.updated, &incident.changes());
    let current = revisions.last().map_or(date, |r| r.0);
    let history: Vec<Value> = revisions
        .iter()
        .enumerate()
        .map(|(i, (d, summary))| {
            json!({ "date": d.rfc3339(), "number": (i + 1).to_string(), "summary": summary })
        })
        .collect();

    let summary = bodies.summary(index);
    let notes = notes(summary, bodies.kept(index), incident);
    let permalink = urls.absolute(&doc.path);
    let references = references(site, page, incident, &permalink);
    let mut value = json!({
        "document": {
            "category": "csaf_security_incident_response",
            "csaf_version": "2.0",
            "lang": site.config.language,
            "title": doc.meta.title,
            "publisher": publisher(csaf),
            "aggregate_severity": { "text": incident.severity.as_str() },
            "distribution": {
                "text": distribution_text(doc.meta.tlp),
                "tlp": { "label": tlp_label(doc.meta.tlp), "url": "https://www.first.org/tlp/" },
            },
            "notes": notes,
            "references": references,
            "tracking": {
                "id": tracking_id(page, incident),
                "status": status(site, page, incident),
                "version": revisions.len().to_string(),
                "revision_history": history,
                "initial_release_date": date.rfc3339(),
                "current_release_date": current.rfc3339(),
                "generator": { "engine": { "name": "seckb", "version": env!("CARGO_PKG_VERSION") } },
            },
        },
    });
    let (tree, vulnerabilities) = products::vulnerabilities(page, summary, incident);
    if let Some(tree) = tree {
        value["product_tree"] = tree;
    }
    if !vulnerabilities.is_empty() {
        value["vulnerabilities"] = Value::Array(vulnerabilities);
    }
    sorted(value)
}

/// `value` with the keys of every object in alphabetical order, as CSAF's
/// recommended test 6.2.13 asks (case folded first, as a collator does).
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|(a, _), (b, _)| {
                a.to_lowercase()
                    .cmp(&b.to_lowercase())
                    .then_with(|| a.cmp(b))
            });
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// `document.publisher`, also the `publisher` of provider-metadata.json.
fn publisher(csaf: &Csaf) -> Value {
    let p = &csaf.publisher;
    let mut value = json!({
        "category": p.category.as_str(),
        "name": p.name.trim(),
        "namespace": p.namespace.trim(),
    });
    for (key, text) in [
        ("contact_details", &p.contact_details),
        ("issuing_authority", &p.issuing_authority),
    ] {
        if let Some(t) = text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            value[key] = json!(t);
        }
    }
    value
}

/// The facts of the incident's front matter as plain text, one per line.
fn details(incident: &IncidentMeta) -> String {
    let mut lines = vec![format!("Severity: {}", incident.severity.as_str())];
    if let Some(c) = &incident.cvss {
        lines.push(format!("CVSS: {} ({} {})", c.vector, c.score, c.rating));
    }
    lines.push(format!("Status: {}", incident.status.as_str()));
    let affected: Vec<String> = incident.affected.iter().map(|a| a.describe()).collect();
    let lists = [
        ("Affected", &affected),
        ("Third parties involved", &incident.third_parties),
        ("Data exposed", &incident.data_exposed),
        ("Actors", &incident.actors),
        ("CVEs", &incident.cves),
        ("CWEs", &incident.cwes),
    ];
    for (name, items) in lists {
        if !items.is_empty() {
            lines.push(format!("{name}: {}", items.join("; ")));
        }
    }
    if let Some(n) = incident.records_affected {
        lines.push(format!("Records affected: {n}"));
    }
    lines.join("\n")
}

/// Each incident's document, oldest first: site path → (current release
/// date, page), sorted by path; and the collisions of two ids on one file.
fn write_documents<'s>(
    site: &'s Site,
    bodies: &Bodies,
    csaf: &Csaf,
    output: &mut Writer,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<String, (String, &'s Page)> {
    // Site path → (current_release_date, page), sorted by path.
    let mut documents: BTreeMap<String, (String, &Page)> = BTreeMap::new();
    let mut first_owner: HashMap<String, &Page> = HashMap::new();
    // Oldest first: of two incidents that collide, the one published first
    // keeps its file, which aggregators may already hold.
    let mut incidents: Vec<(usize, &Page, &IncidentMeta)> = site.incidents().collect();
    incidents.sort_by(|(_, a, _), (_, b, _)| {
        (a.doc.meta.date, &a.doc.path).cmp(&(b.doc.meta.date, &b.doc.path))
    });
    for (index, page, incident) in incidents {
        let path = document_path(page, incident);
        if let Some(other) = first_owner.get(&path) {
            let at = incident.id.as_ref().map_or_else(
                || Location::in_text(&page.doc.source, &page.doc.text, 1, 1),
                |id| Location::in_text(&page.doc.source, &page.doc.text, id.line, id.column),
            );
            diagnostics.push(
                Diagnostic::error(
                    Code::UrlCollision,
                    format!(
                        "the CSAF document of this incident would be /{path}, which is already {}'s",
                        other.doc.source.display()
                    ),
                )
                .at(at)
                .help("CSAF file names are the id in lower case with other characters as `_`: give one incident a different `id:`"),
            );
            continue;
        }
        first_owner.insert(path.clone(), page);
        let value = document(site, bodies, csaf, index, incident);
        let current = value["document"]["tracking"]["current_release_date"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        output.put(path.clone(), text.into_bytes());
        documents.insert(path, (current, page));
    }
    documents
}

/// `provider-metadata.json`, last updated at the newest document's change.
fn provider_metadata(site: &Site, csaf: &Csaf, newest: Option<&str>) -> String {
    let urls = &site.urls;
    // A preview (drafts, serve) is never listed nor mirrored, whatever the
    // configuration says; the published site follows it, by default when
    // it is TLP:CLEAR.
    let publication = &site.publication;
    let aggregate = |configured: Option<bool>| {
        !publication.is_preview() && configured.unwrap_or(publication.ceiling == Tlp::Clear)
    };
    let last_updated = newest.unwrap_or("1970-01-01T00:00:00Z");
    let metadata = json!({
        "canonical_url": urls.absolute(&format!("{DIR}provider-metadata.json")),
        "distributions": [{ "directory_url": urls.absolute(DIR) }],
        "last_updated": last_updated,
        "list_on_CSAF_aggregators": aggregate(csaf.list_on_aggregators),
        "metadata_version": "2.0",
        "mirror_on_CSAF_aggregators": aggregate(csaf.mirror_on_aggregators),
        "publisher": publisher(csaf),
        "role": csaf.role.unwrap_or_default().as_str(),
    });
    let mut text = serde_json::to_string_pretty(&metadata).unwrap_or_default();
    text.push('\n');
    text
}

/// Adds the distribution. Two incidents whose ids map to one file name are
/// an error: one would silently replace the other.
pub(crate) fn add(
    site: &Site,
    bodies: &Bodies,
    csaf: &Csaf,
    output: &mut Writer,
    diagnostics: &mut Diagnostics,
) {
    let documents = write_documents(site, bodies, csaf, output, diagnostics);
    let relative = |path: &str| path.trim_start_matches(DIR).to_string();
    let mut index = String::new();
    for path in documents.keys() {
        index.push_str(&relative(path));
        index.push('\n');
    }
    output.put(format!("{DIR}index.txt"), index.into_bytes());

    let mut changes: Vec<(&String, &String)> = documents.iter().map(|(p, (c, _))| (c, p)).collect();
    changes.sort_by(|a, b| b.0.cmp(a.0).then_with(|| a.1.cmp(b.1)));
    let mut csv = String::new();
    for (current, path) in &changes {
        csv.push_str(&format!("\"{}\",\"{current}\"\n", relative(path)));
    }
    output.put(format!("{DIR}changes.csv"), csv.into_bytes());

    output.put(
        format!("{DIR}provider-metadata.json"),
        provider_metadata(site, csaf, changes.first().map(|(c, _)| c.as_str())).into_bytes(),
    );

    // Listing pages: the top folder, and one per year.
    let mut years: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (path, (_, page)) in &documents {
        let rel = relative(path);
        if let Some((year, name)) = rel.split_once('/') {
            years
                .entry(year.to_string())
                .or_default()
                .push((name.to_string(), page.doc.meta.title.clone()));
        }
    }
    let mut top: Vec<(String, String)> = years
        .keys()
        .map(|y| (format!("{y}/"), format!("Documents first released in {y}")))
        .collect();
    for (file, what) in [
        ("provider-metadata.json", "Provider metadata"),
        ("index.txt", "Every document, one path a line"),
        (
            "changes.csv",
            "Every document with its last change, newest first",
        ),
    ] {
        top.push((file.to_string(), what.to_string()));
    }
    output.put(
        format!("{DIR}index.html"),
        listing(site, DIR, &top).into_bytes(),
    );
    for (year, files) in &years {
        let dir = format!("{DIR}{year}/");
        output.put(
            format!("{dir}index.html"),
            listing(site, &dir, files).into_bytes(),
        );
    }
}

/// A plain folder listing, as a web server would show it: entries link to
/// root-relative URLs with the base path, like every other page.
fn listing(site: &Site, dir: &str, entries: &[(String, String)]) -> String {
    let urls = &site.urls;
    let title = format!("Index of {}", urls.path(dir));
    let mut html = format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n{}\n{}<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n</head>\n<body>\n<h1>{}</h1>\n<p>CSAF 2.0 security incident response documents of <a href=\"{}\">{}</a>.</p>\n<ul>\n",
        escape(&site.config.language),
        crate::render::content_security_policy_meta(),
        // Like every page of a build crawlers must stay out of.
        if site.publication.is_indexable() {
            ""
        } else {
            "<meta name=\"robots\" content=\"noindex\">\n"
        },
        escape(&title),
        escape(&title),
        escape(urls.base_path()),
        escape(&site.config.title),
    );
    if dir != DIR {
        html.push_str(&format!(
            "<li><a href=\"{}\">../</a></li>\n",
            escape(&urls.path(DIR))
        ));
    }
    for (name, what) in entries {
        html.push_str(&format!(
            "<li><a href=\"{}\">{}</a> — {}</li>\n",
            escape(&urls.path(&format!("{dir}{name}"))),
            escape(name),
            escape(what)
        ));
    }
    html.push_str("</ul>\n</body>\n</html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_follow_the_standard() {
        assert_eq!(file_name("RHBA-2019:0024"), "rhba-2019_0024.json");
        assert_eq!(file_name("INC-2026-0042"), "inc-2026-0042.json");
        assert_eq!(file_name("Acme  PSIRT/7+x"), "acme_psirt_7+x.json");
        assert_eq!(file_name("Ünï"), "_n_.json");
    }

    #[test]
    fn tlp_maps_to_csaf_words() {
        assert_eq!(tlp_label(Tlp::Clear), "WHITE");
        assert_eq!(tlp_label(Tlp::AmberStrict), "RED");
        assert!(distribution_text(Tlp::AmberStrict).contains("labelled RED"));
    }

    #[test]
    fn revisions_come_from_date_updated_and_updates() {
        let d = Date::parse("2026-11-09").unwrap();
        let u = Date::parse("2026-11-28T10:00:00Z").unwrap();
        assert_eq!(revisions(d, None, &[]).len(), 1);
        assert_eq!(revisions(d, Some(d), &[]).len(), 1);
        let r = revisions(d, Some(u), &[]);
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].0, u);
        let update = |date: Date, status| crate::content::Update {
            date,
            status,
            severity: None,
            text: crate::content::Located {
                value: "Fixed.".into(),
                line: 1,
                column: 1,
            },
        };
        let updates = [
            update(d, Some(Status::Investigating)),
            update(u, Some(Status::Resolved)),
        ];
        let r = revisions(d, Some(u), &crate::content::changes_of(&updates));
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(r[0], (d, "Status investigating: Fixed.".to_string()));
        assert_eq!(
            r[1],
            (u, "Status investigating → resolved: Fixed.".to_string())
        );
    }
}
