//! `api/incidents.json`: the metadata of every published incident, for
//! ticketing systems, SIEMs and vendor-risk trackers. The format is versioned
//! (`version`) and documented in docs/api.md, with a JSON Schema in
//! docs/api-incidents.schema.json; a test validates the output against it.

use super::csaf;
use crate::content::IncidentMeta;
use crate::markdown::inline_text;
use crate::output::Writer;
use crate::site::{Bodies, Page, Site};
use rayon::prelude::*;
use serde_json::{json, Value};

pub(crate) const PATH: &str = "api/incidents.json";

/// Raised on any change a consumer could trip over (a field removed,
/// renamed or retyped); added fields keep the version.
pub(crate) const VERSION: u32 = 1;

pub(crate) fn add(site: &Site, bodies: &Bodies, output: &mut Writer) {
    let mut incidents: Vec<(usize, &Page, &IncidentMeta)> = site.incidents().collect();
    // Newest first; the site path breaks ties, so the order never depends on
    // the order files were found in.
    incidents.sort_by(|(_, a, _), (_, b, _)| {
        b.doc
            .meta
            .date
            .cmp(&a.doc.meta.date)
            .then_with(|| a.doc.path.cmp(&b.doc.path))
    });
    // Written incident by incident (in parallel blocks): one JSON tree of
    // every incident took gigabytes at 100,000 documents. Compact JSON, an
    // incident a line: a quarter smaller than indented JSON, and still read
    // (and diffed, and grepped) an incident at a time.
    let mut text = output.sink().stream(PATH);
    text.push("{\"base_url\":");
    text.push(&compact(&json!(site.urls.base_url())));
    text.push(",\"incidents\":[");
    for (n, block) in incidents.chunks(1024).enumerate() {
        let items: Vec<String> = block
            .par_iter()
            .map(|&(index, p, i)| compact(&incident(site, p, i, bodies.summary(index))))
            .collect();
        for (i, item) in items.iter().enumerate() {
            text.push(if n == 0 && i == 0 { "\n" } else { ",\n" });
            text.push(item);
        }
    }
    if !incidents.is_empty() {
        text.push("\n");
    }
    text.push("],\"title\":");
    text.push(&compact(&json!(site.config.title)));
    text.push(&format!(",\"version\":{VERSION}}}\n"));
    let (path, content) = text.finish();
    output.insert(path, content);
}

/// `value` as compact JSON (JSON strings hold no raw line breaks, so an
/// incident stays on its line).
fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn incident(site: &Site, page: &Page, inc: &IncidentMeta, summary: &str) -> Value {
    let doc = &page.doc;
    let urls = &site.urls;
    let link = |i: &usize| {
        let p = &site.pages[*i];
        json!({
            "title": p.doc.meta.title,
            "url": urls.absolute(&p.doc.path),
            "kind": p.kind(),
            "id": p.doc.kind.incident().and_then(|x| x.id.as_ref()).map(|id| id.value.clone()),
        })
    };
    json!({
        "id": inc.id.as_ref().map(|id| id.value.clone()),
        "slug": doc.slug,
        "title": doc.meta.title,
        "url": urls.absolute(&doc.path),
        "date": doc.meta.date.map(|d| d.rfc3339()),
        "updated": doc.meta.updated.map(|d| d.rfc3339()),
        "summary": summary,
        "severity": inc.severity,
        "status": inc.status,
        "tlp": doc.meta.tlp.label(),
        "cvss": inc.cvss,
        "tags": doc.meta.tags,
        "affected": inc.affected.iter().filter_map(|a| {
            let vendor = a.vendor.as_ref()?;
            Some(json!({ "vendor": vendor, "product": a.product, "versions": a.versions }))
        }).collect::<Vec<_>>(),
        "packages": inc.affected.iter().filter_map(|a| a.osv()).collect::<Vec<_>>(),
        "advisory_ids": inc.advisory_ids,
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
        "csaf": site.config.csaf.as_ref().map(|_| urls.absolute(&csaf::document_path(page, inc))),
        "osv": crate::osv::has_record(inc).then(|| urls.absolute(&crate::osv::record_path(page, inc))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_incident_is_one_line_whatever_its_strings_hold() {
        let item = json!({"event": "line one\nline two\r\u{2028}", "list": [{"a": "x"}]});
        let text = compact(&item);
        assert_eq!(text.lines().count(), 1, "{text}");
        assert_eq!(serde_json::from_str::<Value>(&text).ok(), Some(item));
    }
}
