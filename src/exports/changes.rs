//! `api/changes.json`: every update of every published incident (what
//! changed, when), newest first, for webhooks and chat bots that post each
//! change once. Versioned like `api/incidents.json` and documented in
//! docs/api.md, with a JSON Schema in docs/api-changes.schema.json that a
//! test validates the output against.

use crate::content::{Change, Date};
use crate::markdown::inline_text;
use crate::output::Writer;
use crate::site::Site;
use serde_json::{json, Value};

pub(crate) const PATH: &str = "api/changes.json";

/// Raised on any change a consumer could trip over; added fields keep it.
pub(crate) const VERSION: u32 = 1;

pub(crate) fn add(site: &Site, output: &mut Writer) {
    // (date, site path, update index, entry): sorted newest first, the
    // path and the later update breaking ties, so the order never depends
    // on the order files were found in.
    let mut changes: Vec<(Date, &str, usize, Value)> = Vec::new();
    for (index, page, inc) in site.incidents() {
        for change in inc.changes() {
            let entry = entry(site, index, &change);
            changes.push((change.update.date, &page.doc.path, change.index, entry));
        }
    }
    changes.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)).then(b.2.cmp(&a.2)));
    let value = json!({
        "version": VERSION,
        "title": site.config.title,
        "base_url": site.urls.base_url(),
        "changes": changes.into_iter().map(|c| c.3).collect::<Vec<_>>(),
    });
    let text = serde_json::to_string_pretty(&value).unwrap_or_default() + "\n";
    output.put(PATH, text.into_bytes());
}

/// `{from, to}` of a change, or null when the update changed nothing of it.
fn transition<T: serde::Serialize>(changed: Option<(Option<T>, T)>) -> Value {
    changed.map_or(Value::Null, |(from, to)| json!({ "from": from, "to": to }))
}

/// One change of the incident `site.pages[index]`.
fn entry(site: &Site, index: usize, change: &Change) -> Value {
    let page = &site.pages[index];
    let doc = &page.doc;
    let Some(inc) = doc.kind.incident() else {
        return Value::Null;
    };
    let page_url = site.urls.absolute(&doc.path);
    json!({
        "id": super::feeds::update_id(site, index, inc, change.index),
        "incident": inc.id.as_ref().map(|i| i.value.clone()),
        "title": doc.meta.title,
        "page": page_url,
        "url": format!("{page_url}#{}", crate::site::update_anchor(change.index)),
        "date": change.update.date.rfc3339(),
        "status": transition(change.status_changed()),
        "severity": transition(change.severity_changed()),
        "text": inline_text(&change.update.text.value),
    })
}
