//! The incident lists as compact JSON chunks, which `site.js` fetches to
//! filter and sort a whole list in the browser (its pages, a page of rows
//! each, being what works without JavaScript). For each folder of
//! incidents, `<folder>/list.json` says how many entries and chunks there
//! are, and `<folder>/list-<n>.json` (from 0) holds the entries in list
//! order (newest first), each an array of what the incident table shows:
//! `[path, title, id, severity, status, date, updated, tlp, vendors]`;
//! `path` is the page's site path without the base path, `tlp` the level
//! or empty for TLP:CLEAR, `vendors` `[[name, slug], …]` (their pages are
//! `vendors/<slug>/`). Docs: docs/templates.md, "List data".

use crate::content::Tlp;
use crate::output::Writer;
use crate::site::paging::{chunk_manifest_path, chunk_path};
use crate::site::{ListPage, Page, Site};
use serde_json::{json, Value};

/// The bytes a chunk is filled up to: one more entry (a few hundred bytes;
/// a title is at most a line) ends it, so every chunk stays far under the
/// 1 MiB a file of the site is meant to stay under, and a list of 100,000
/// incidents is some fifty requests.
const CHUNK_BYTES: usize = 256 * 1024;

/// Adds the chunks and manifest of every list of incidents.
pub(crate) fn add(site: &Site, output: &mut Writer) {
    for list in &site.lists {
        if list.section.kind == crate::content::Kind::Incident {
            add_list(site, list, output);
        }
    }
}

/// The chunks of `list`, then its manifest.
fn add_list(site: &Site, list: &ListPage, output: &mut Writer) {
    let mut chunks = 0;
    let mut chunk = String::from("[");
    for &i in &list.pages {
        let Some(entry) = entry(&site.pages[i]) else {
            continue;
        };
        if chunk.len() > 1 {
            chunk.push(',');
        }
        chunk.push_str(&entry.to_string());
        if chunk.len() >= CHUNK_BYTES {
            chunk.push(']');
            output.put(chunk_path(&list.path, chunks), chunk.into_bytes());
            chunks += 1;
            chunk = String::from("[");
        }
    }
    if chunk.len() > 1 || chunks == 0 {
        chunk.push(']');
        output.put(chunk_path(&list.path, chunks), chunk.into_bytes());
        chunks += 1;
    }
    let manifest = json!({"total": list.pages.len(), "chunks": chunks});
    output.put(
        chunk_manifest_path(&list.path),
        manifest.to_string().into_bytes(),
    );
}

/// The entry of an incident's page (None for any other document).
fn entry(page: &Page) -> Option<Value> {
    let doc = &page.doc;
    let incident = doc.kind.incident()?;
    let ymd = |d: Option<crate::content::Date>| d.map(|d| d.ymd()).unwrap_or_default();
    let tlp = match doc.meta.tlp {
        Tlp::Clear => "",
        other => other.as_str(),
    };
    let vendors: Vec<Value> = incident
        .vendors()
        .into_iter()
        .map(|v| json!([v, crate::content::slugify(v)]))
        .collect();
    Some(json!([
        doc.path,
        doc.meta.title,
        incident.id.as_ref().map_or("", |id| id.value.as_str()),
        incident.severity,
        incident.status,
        ymd(doc.meta.date),
        ymd(doc.meta.updated),
        tlp,
        vendors,
    ]))
}
