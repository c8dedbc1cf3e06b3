//! `api/incidents.json`: the metadata of every published incident, for
//! ticketing systems, SIEMs and vendor-risk trackers. The format is versioned
//! (`version`) and documented in docs/api.md, with a JSON Schema in
//! docs/api-incidents.schema.json; a test validates the output against it.

use super::csaf;
use crate::markdown::inline_text;
use crate::output::Output;
use crate::site::{Page, Site};
use serde_json::{json, Value};

pub const PATH: &str = "api/incidents.json";

/// Raised on any change a consumer could trip over (a field removed,
/// renamed or retyped); added fields keep the version.
pub const VERSION: u32 = 1;

pub fn add(site: &Site, output: &mut Output) {
    let mut incidents: Vec<&Page> = site.incidents().collect();
    // Newest first; the site path breaks ties, so the order never depends on
    // the order files were found in.
    incidents.sort_by(|a, b| {
        b.doc
            .meta
            .date
            .cmp(&a.doc.meta.date)
            .then_with(|| a.doc.path.cmp(&b.doc.path))
    });
    let value = json!({
        "version": VERSION,
        "title": site.config.title,
        "base_url": site.urls.base_url(),
        "incidents": incidents.iter().map(|p| incident(site, p)).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    output.insert_bytes(PATH, text.into_bytes());
}

fn incident(site: &Site, page: &Page) -> Value {
    let doc = &page.doc;
    let urls = &site.urls;
    let Some(inc) = &doc.incident else {
        return Value::Null;
    };
    let link = |i: &usize| {
        let p = &site.pages[*i];
        json!({
            "title": p.doc.meta.title,
            "url": urls.absolute(&p.doc.path),
            "kind": p.doc.kind,
            "id": p.doc.incident.as_ref().and_then(|x| x.id.as_ref()).map(|id| id.value.clone()),
        })
    };
    json!({
        "id": inc.id.as_ref().map(|id| id.value.clone()),
        "slug": doc.slug,
        "title": doc.meta.title,
        "url": urls.absolute(&doc.path),
        "date": doc.meta.date.map(|d| d.rfc3339()),
        "updated": doc.meta.updated.map(|d| d.rfc3339()),
        "summary": page.summary,
        "severity": inc.severity,
        "status": inc.status,
        "tlp": doc.meta.tlp.label(),
        "cvss": inc.cvss,
        "tags": doc.meta.tags,
        "affected": inc.affected,
        "third_parties": inc.third_parties,
        "cves": inc.cves,
        "cwes": inc.cwes,
        "data_exposed": inc.data_exposed,
        "actors": inc.actors,
        "records_affected": inc.records_affected,
        "timeline": inc.timeline.iter().map(|t| json!({
            "date": t.date.rfc3339(),
            "event": inline_text(&t.event.value),
        })).collect::<Vec<_>>(),
        "actions": inc.actions.iter().map(|a| inline_text(&a.value)).collect::<Vec<_>>(),
        "references": inc.references,
        "related": page.related.iter().map(link).collect::<Vec<_>>(),
        "faqs": page.backlinks.iter().map(link).collect::<Vec<_>>(),
        "csaf": site.config.csaf.as_ref().map(|_| urls.absolute(&csaf::document_path(page))),
    })
}
