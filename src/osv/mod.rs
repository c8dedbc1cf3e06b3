//! OSV 1.7 (the Open Source Vulnerability format of OSV.dev, GitHub
//! Security Advisories, RustSec and the Go vulnerability database): the
//! export of published incidents that name a package (`osv/<ID>.json` and
//! `osv/index.json`), and the import of OSV records as incidents
//! ([`import`]). Both map the same fields, so a record imported and built
//! again is the record it was, on every field seckb models.

mod convert;
pub mod import;

use crate::content::IncidentMeta;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::output::Writer;
use crate::site::{Bodies, Body, Page, Site};
use regex::Regex;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The folder of the records, relative to the site root.
pub const DIR: &str = "osv/";

/// The version of the OSV schema the records follow (and are tested with).
pub const SCHEMA_VERSION: &str = "1.7.5";

/// The id prefixes of OSV's home databases (`$defs/prefix` of the 1.7.5
/// schema): an id must begin with one of them and `-`, or with `x_`.
fn registered_prefix() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    crate::content::validate::regex(
        &R,
        r"^(x_|(ASB-A|PUB-A|ALPINE|ALSA|ALBA|ALEA|AZL|BELL|BIT|CGA|CLEANSTART|CLSA|CURL|CVE|DEBIAN|DHI|DRUPAL|DSA|DLA|ELA|DTSA|ECHO|EEF|FreeBSD|GHSA|GO|GSD|HSEC|JLSEC|KUBE|LBSEC|LSN|MAL|MINI|MGASA|OESA|OSEC|OSV|openSUSE-SU|PHSA|PSF|PYSEC|RHBA|RHEA|RHSA|RLSA|RXSA|RSEC|ROOT|RUSTSEC|SUSE-[SRFO]U|UBUNTU|USN|V8)-)",
    )
}

/// An incident's OSV id: its `id` (else its slug) when that begins with
/// the prefix of a database OSV registers (`GHSA-…`, `RUSTSEC-…`), else
/// the same behind `x_`, the schema's prefix for databases it does not
/// list (`x_INC-2026-0047`).
pub fn osv_id(page: &Page, incident: &IncidentMeta) -> String {
    let id = crate::exports::csaf::tracking_id(page, incident);
    if registered_prefix().is_match(&id) {
        id
    } else {
        format!("x_{id}")
    }
}

/// The file of a record: its id, with characters other than letters,
/// digits, `.`, `_` and `-` as `_` (an id may hold `:`).
pub fn file_name(id: &str) -> String {
    let name: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{name}.json")
}

/// Site path of an incident's record.
pub fn record_path(page: &Page, incident: &IncidentMeta) -> String {
    format!("{DIR}{}", file_name(&osv_id(page, incident)))
}

/// Whether an incident has an OSV record: it names a package.
pub fn has_record(incident: &IncidentMeta) -> bool {
    incident.affected.iter().any(|a| a.package.is_some())
}

/// The OSV severity type of a CVSS vector (None for a version OSV does not
/// take as written, such as 2.0 with its prefix).
pub fn severity_type(vector: &str) -> Option<&'static str> {
    if vector.starts_with("CVSS:3.0/") || vector.starts_with("CVSS:3.1/") {
        Some("CVSS_V3")
    } else if vector.starts_with("CVSS:4.0/") {
        Some("CVSS_V4")
    } else {
        None
    }
}

/// One incident as an OSV record.
fn record(site: &Site, page: &Page, incident: &IncidentMeta, body: Option<&Body>) -> Value {
    let doc = &page.doc;
    let id = osv_id(page, incident);
    let date = doc.meta.date.map(|d| d.rfc3339());
    let modified = doc.last_changed().map(|d| d.rfc3339());
    let mut value = json!({
        "schema_version": SCHEMA_VERSION,
        "id": id,
        "modified": modified,
        "published": date,
    });
    let mut aliases: Vec<&str> = Vec::new();
    for alias in incident.cves.iter().chain(&incident.advisory_ids) {
        if alias != &id && !aliases.contains(&alias.as_str()) {
            aliases.push(alias);
        }
    }
    if !aliases.is_empty() {
        value["aliases"] = json!(aliases);
    }
    value["summary"] = json!(doc.meta.title);
    let details = details(site, page, body);
    if !details.is_empty() {
        value["details"] = json!(details);
    }
    if let Some(c) = &incident.cvss {
        if let Some(kind) = severity_type(&c.vector) {
            value["severity"] = json!([{ "type": kind, "score": c.vector }]);
        }
    }
    value["affected"] = incident.affected.iter().filter_map(|a| a.osv()).collect();
    let permalink = site.urls.absolute(&doc.path);
    let mut references = vec![json!({ "type": "ADVISORY", "url": permalink })];
    for r in &incident.references {
        let kind = r.kind.map_or("WEB", |k| k.osv());
        references.push(json!({ "type": kind, "url": r.url }));
    }
    value["references"] = json!(references);
    value["database_specific"] = json!({
        "severity": incident.severity.as_str(),
        "status": incident.status.as_str(),
        "tlp": doc.meta.tlp.label(),
        "url": permalink,
    });
    value
}

/// The body as Markdown, its links to the site's pages and files made
/// absolute so they work wherever the record is read.
fn details(site: &Site, page: &Page, body: Option<&Body>) -> String {
    let Some(markdown) = body.and_then(|b| b.markdown.as_deref()) else {
        return String::new();
    };
    let doc = &page.doc;
    let content = doc
        .source
        .strip_prefix("content")
        .unwrap_or(&doc.source)
        .to_string_lossy()
        .replace('\\', "/");
    let dir = content.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let permalink = site.urls.absolute(&doc.path);
    let base_path = site.urls.base_path();
    let absolute = |dest: &str| -> Option<String> {
        if dest.is_empty() || crate::markdown::is_external(dest) {
            return None;
        }
        if dest.starts_with('#') {
            return Some(format!("{permalink}{dest}"));
        }
        let (path, fragment) = dest.split_once('#').map_or((dest, ""), |(p, f)| (p, f));
        let fragment = if fragment.is_empty() {
            String::new()
        } else {
            format!("#{fragment}")
        };
        let resolved = crate::markdown::resolve_relative(&dir, path)?;
        if path.ends_with(".md") {
            let target = site.links.documents.get(&resolved)?;
            let site_path = target.url.strip_prefix(base_path).unwrap_or(&target.url);
            return Some(format!("{}{fragment}", site.urls.absolute(site_path)));
        }
        Some(format!("{}{fragment}", site.urls.absolute(&resolved)))
    };
    crate::markdown::rewrite_link_destinations(markdown, absolute)
        .trim()
        .to_string()
}

/// Adds a record per published incident that names a package, and
/// `osv/index.json` listing them (`[{id, modified}]`, by id), when there is
/// one. Two incidents whose ids give one file name are an error.
pub fn add(site: &Site, bodies: &Bodies, output: &mut Writer, diagnostics: &mut Diagnostics) {
    let mut records: BTreeMap<String, (String, Value)> = BTreeMap::new();
    let mut owners: BTreeMap<String, &Page> = BTreeMap::new();
    let mut incidents: Vec<(usize, &Page, &IncidentMeta)> =
        site.incidents().filter(|(_, _, i)| has_record(i)).collect();
    // Oldest first: of two that collide, the first published keeps its file.
    incidents.sort_by(|(_, a, _), (_, b, _)| {
        (a.doc.meta.date, &a.doc.path).cmp(&(b.doc.meta.date, &b.doc.path))
    });
    for (index, page, incident) in incidents {
        let path = record_path(page, incident);
        if let Some(other) = owners.get(&path) {
            // The front matter text is released by now: the place, not the line.
            let at = incident.id.as_ref().map_or_else(
                || Location::file(&page.doc.source),
                |id| Location {
                    line: id.line,
                    column: id.column,
                    ..Location::file(&page.doc.source)
                },
            );
            diagnostics.push(
                Diagnostic::error(Code::UrlCollision, format!("the OSV record of this incident would be /{path}, which is already {}'s", other.doc.source.display()))
                    .at(at)
                    .help("OSV file names are the id with characters other than letters, digits, `.`, `_` and `-` as `_`: give one incident a different `id:`"),
            );
            continue;
        }
        owners.insert(path.clone(), page);
        let value = record(site, page, incident, bodies.kept(index));
        let id = value["id"].as_str().unwrap_or_default().to_string();
        records.insert(path, (id, value));
    }
    if records.is_empty() {
        return;
    }
    let mut index: Vec<Value> = Vec::with_capacity(records.len());
    for (path, (id, value)) in records {
        index.push(json!({ "id": id, "modified": value["modified"] }));
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        output.put(path, text.into_bytes());
    }
    index.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    let mut text = serde_json::to_string_pretty(&Value::Array(index)).unwrap_or_default();
    text.push('\n');
    output.put(format!("{DIR}index.json"), text.into_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_ids_readable() {
        assert_eq!(file_name("GHSA-abcd-efgh-ijkl"), "GHSA-abcd-efgh-ijkl.json");
        assert_eq!(file_name("x_EXP:2025.7"), "x_EXP_2025.7.json");
    }

    #[test]
    fn registered_prefixes_are_kept_and_others_marked() {
        for id in [
            "GHSA-abcd-efgh-ijkl",
            "RUSTSEC-2024-0001",
            "GO-2024-1234",
            "PYSEC-2021-1",
            "CVE-2025-1",
            "SUSE-SU-2024:1",
        ] {
            assert!(registered_prefix().is_match(id), "{id}");
        }
        for id in ["INC-2026-0042", "GHSA", "ghsa-x", "GOX-1"] {
            assert!(!registered_prefix().is_match(id), "{id}");
        }
        assert_eq!(severity_type("CVSS:3.1/AV:N"), Some("CVSS_V3"));
        assert_eq!(severity_type("CVSS:4.0/AV:N"), Some("CVSS_V4"));
        assert_eq!(severity_type("AV:N/AC:L"), None);
    }
}
