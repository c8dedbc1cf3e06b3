//! The "am I affected?" checker's site-wide page, `affected/`, and its
//! data, `affected/packages.json`: every published incident that names a
//! package, with the OSV `affected` entries of its packages. The page's
//! script (the default theme's `affected.js`) loads the data once and
//! checks a lock file the reader drops against it in the browser. Both
//! exist only when an incident names a package, so a site without package
//! data builds as it did; like every export, they read the published
//! `Site` only (no draft, embargoed or above-ceiling incident).

use crate::content::IncidentMeta;
use crate::output::Writer;
use crate::site::{Page, Site};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The page's site path (also a reserved folder, `site::RESERVED`).
pub(crate) const PAGE: &str = "affected/";

/// The data's site path.
pub(crate) const DATA: &str = "affected/packages.json";

/// The theme template that renders the page.
pub(crate) const TEMPLATE: &str = "affected.html";

/// The version of the data's format (docs/affected.md).
const VERSION: u32 = 1;

/// The published incidents the checker knows: those naming a package.
fn incidents(site: &Site) -> impl Iterator<Item = (&Page, &IncidentMeta)> {
    site.incidents()
        .filter(|(_, _, i)| crate::osv::has_record(i))
        .map(|(_, page, i)| (page, i))
}

/// Whether the build makes the page and its data.
pub(crate) fn has_page(site: &Site) -> bool {
    incidents(site).next().is_some()
}

/// One incident as the checker reads it: what names it (id, title, URL
/// with the base path), how bad it is, and its packages' OSV entries.
fn incident(page: &Page, inc: &IncidentMeta) -> Value {
    json!({
        "id": inc.id.as_ref().map(|id| id.value.as_str()),
        "title": page.doc.meta.title,
        "url": page.url,
        "severity": inc.severity,
        "status": inc.status,
        "affected": inc.affected.iter().filter_map(|a| a.osv()).collect::<Vec<_>>(),
    })
}

/// Adds `affected/packages.json` when the site has the page; compact, as
/// the browser is its only reader and it grows with every incident.
pub(crate) fn add(site: &Site, output: &mut Writer) {
    if !has_page(site) {
        return;
    }
    let data = json!({
        "version": VERSION,
        "incidents": incidents(site).map(|(p, i)| incident(p, i)).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string(&data).unwrap_or_default();
    text.push('\n');
    output.put(DATA, text.into_bytes());
}

/// What the page's template sees as `checker` (docs/templates.md).
#[derive(serde::Serialize)]
pub(crate) struct Context<'a> {
    /// The data's URL, with the base path.
    data_url: String,
    /// How many published incidents it holds (those naming a package).
    incidents: usize,
    /// Their packages' ecosystems, sorted.
    ecosystems: BTreeSet<&'a str>,
}

/// The page's [`Context`].
pub(crate) fn context(site: &Site) -> Context<'_> {
    let mut ecosystems = BTreeSet::new();
    let mut count = 0;
    for (_, incident) in incidents(site) {
        count += 1;
        ecosystems.extend(
            incident
                .affected
                .iter()
                .filter_map(|a| a.package.as_ref())
                .map(|p| p.ecosystem.as_str()),
        );
    }
    Context {
        data_url: site.urls.path(DATA),
        incidents: count,
        ecosystems,
    }
}
