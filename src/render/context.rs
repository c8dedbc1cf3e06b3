//! What templates see: the site-wide values built once and shared by every
//! page ([`Shared`]: navigation, document summaries, list fragments), and
//! each page's own context (a document, the home page, facets).

use super::templates::{render_capped, FRAGMENTS};
use super::CONTENT_SECURITY_POLICY;
use crate::content::{DocKind, IncidentMeta, Severity, Status, Tlp};
use crate::diagnostics::Diagnostic;
use crate::site::{Bodies, Body, Page, Site};
use crate::theme::Theme;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use tera::Tera;

/// Adds `key: value` to a JSON object by moving `value` in (`json!` would
/// serialize it, rebuilding every map of it).
pub(super) fn with(mut object: Value, key: &str, value: Value) -> Value {
    if let Value::Object(map) = &mut object {
        map.insert(key.to_string(), value);
    }
    object
}

/// Inserts a value built for one page into its context by moving it
/// (`Context::insert` serializes, i.e. deep-copies, its argument).
pub(super) fn insert_owned(ctx: &mut tera::Context, key: &str, value: Value) {
    let mut map = serde_json::Map::new();
    map.insert(key.to_string(), value);
    if let Ok(owned) = tera::Context::from_value(Value::Object(map)) {
        ctx.extend(owned);
    }
}

/// A term as lists show it: its name as the document spells it, and its
/// page (none when the term has none in this build).
pub(super) fn term_object(name: &str, url: Option<&str>) -> Value {
    object([("name", name.into()), ("url", url.into())])
}

pub(super) fn tlp_json(tlp: Tlp) -> Value {
    object([
        ("level", tlp.as_str().into()),
        ("label", tlp.label().into()),
    ])
}

/// A JSON object with room for exactly `entries` (their most, by
/// `size_hint`). `json!` lets a map grow as it inserts: a summary's 16 keys
/// ended with room for 28 (112 bytes each), each `{name, url}` with room
/// for 3, and a list page holds tens of thousands of summaries at once.
pub(super) fn object<'k>(entries: impl IntoIterator<Item = (&'k str, Value)>) -> Value {
    let entries = entries.into_iter();
    let (least, most) = entries.size_hint();
    let mut map = serde_json::Map::with_capacity(most.unwrap_or(least));
    for (key, value) in entries {
        map.insert(key.to_string(), value);
    }
    Value::Object(map)
}

/// How much of each document's summary a list page's context holds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every field (docs/templates.md).
    Full,
    /// Only `html`, the list fragments, for a page whose templates are the
    /// built-in theme's ([`Theme::is_builtin`]): they read nothing else of
    /// an entry that has its fragment (the rest is their fallback for one
    /// that has not). At 100,000 documents the lists hold 820,000 entries,
    /// and building, reading and dropping the other 14 fields was most of
    /// their time.
    Fragments,
}

impl Detail {
    pub(super) fn of(theme: &Theme, template: &str) -> Detail {
        if theme.is_builtin(template) {
            Detail::Fragments
        } else {
            Detail::Full
        }
    }
}

/// A document's list fragments: (key under `summary.html`, HTML).
pub type Fragments = Vec<(&'static str, Box<str>)>;

/// Values shared by every page, built once per site.
pub struct Shared {
    site: Value,
    config: Value,
    /// Every document's list fragments, by page index: set once the
    /// document pass has made them ([`Shared::set_listed`]).
    fragments: Vec<Fragments>,
    /// Term page URLs by (taxonomy, slug).
    term_urls: FxHashMap<(&'static str, String), String>,
    /// Each term's `{name, url}` as its list shows it, by taxonomy and that
    /// name: most documents spell a term that way, and one is copied for
    /// every tag and vendor of every entry of every list (800,000 entries
    /// at 100,000 documents), cheaper than looking its URL up and hashing
    /// both keys into a new map.
    term_objects: FxHashMap<&'static str, FxHashMap<String, Value>>,
    /// False for a build crawlers must stay out of: every page gets `noindex`.
    indexable: bool,
    /// `limits.page_bytes`: the most one page (or list fragment) may be.
    pub(super) page_bytes: usize,
}

impl Shared {
    pub fn new(site: &Site) -> Shared {
        let urls = &site.urls;
        let nav: Vec<Value> = site
            .lists
            .iter()
            .map(|l| json!({ "title": l.section.title, "url": l.url }))
            .collect();
        let mut term_urls = FxHashMap::default();
        let mut term_objects: FxHashMap<_, FxHashMap<_, _>> = FxHashMap::default();
        for tax in &site.taxonomies {
            for term in &tax.terms {
                let url = urls.path(&tax.term_path(term));
                term_objects
                    .entry(tax.name)
                    .or_default()
                    .insert(term.name.clone(), term_object(&term.name, Some(&url)));
                term_urls.insert((tax.name, crate::content::slugify(&term.name)), url);
            }
        }
        Shared {
            site: json!({
                "title": site.config.title,
                "description": site.config.description,
                "language": site.config.language,
                "base_url": urls.base_url(),
                "base_path": urls.base_path(),
                "nav": nav,
                "extra": site.config.extra,
                "author": site.config.author,
            }),
            config: json!({ "extra": site.config.extra }),
            fragments: Vec::new(),
            term_urls,
            term_objects,
            indexable: site.publication.is_indexable(),
            page_bytes: site.config.limits.page_bytes(),
        }
    }

    /// A document's list fragments (see [`FRAGMENTS`]), rendered from its
    /// summary.
    pub(super) fn listed(
        &self,
        page: &Page,
        summary: &str,
        tera: &Tera,
        theme: &Theme,
    ) -> Result<Fragments, Diagnostic> {
        // One context per document: the summary moves in and back out.
        let mut ctx = tera::Context::new();
        insert_owned(&mut ctx, "p", self.summary(page, summary, None));
        let mut html = Vec::new();
        let fragments = FRAGMENTS
            .iter()
            .filter(|f| f.wanted(page) && tera.get_template(f.template).is_ok());
        for fragment in fragments {
            let what = format!(
                "the list fragment of {} that macro `{}` of `macros.html` renders",
                page.url, fragment.macro_name
            );
            let rendered = render_capped(
                tera,
                theme,
                (fragment.template, "macros.html"),
                &what,
                &ctx,
                self.page_bytes,
            )?;
            html.push((fragment.key, rendered.into_boxed_str()));
        }
        Ok(html)
    }

    /// Takes the documents' list fragments, by page index.
    pub fn set_listed(&mut self, fragments: Vec<Fragments>) {
        self.fragments = fragments;
    }

    fn term(&self, taxonomy: &'static str, name: &str) -> Value {
        if let Some(Value::Object(object)) =
            self.term_objects.get(taxonomy).and_then(|t| t.get(name))
        {
            // Not `clone()`: that leaves room for a third entry (the map's
            // table holds 3 before it grows), 64 bytes more for each of
            // millions of terms shown.
            let mut copy = serde_json::Map::with_capacity(object.len());
            copy.clone_from(object);
            return Value::Object(copy);
        }
        let url = self
            .term_urls
            .get(&(taxonomy, crate::content::slugify(name)));
        term_object(name, url.map(String::as_str))
    }

    /// A document's summary; `html` (its list fragments) is left out when None.
    fn summary(&self, page: &Page, summary: &str, html: Option<Value>) -> Value {
        let doc = &page.doc;
        let inc = doc.kind.incident();
        let terms = |taxonomy, names: &[&str]| -> Value {
            names.iter().map(|t| self.term(taxonomy, t)).collect()
        };
        let tags: Vec<&str> = doc.meta.tags.iter().map(String::as_str).collect();
        let vendors = inc.map(|i| i.vendors()).unwrap_or_default();
        let fields = [
            ("kind", json!(page.kind())),
            ("title", doc.meta.title.as_str().into()),
            ("url", page.url.as_str().into()),
            ("date", doc.meta.date.map(|d| d.ymd()).into()),
            ("updated", doc.meta.updated.map(|d| d.ymd()).into()),
            ("summary", summary.into()),
            ("tlp", tlp_json(doc.meta.tlp)),
            ("tags", terms("tags", &tags)),
            (
                "id",
                inc.and_then(|i| i.id.as_ref())
                    .map(|id| id.value.as_str())
                    .into(),
            ),
            ("severity", json!(inc.map(|i| i.severity))),
            ("status", json!(inc.map(|i| i.status))),
            ("vendors", terms("vendors", &vendors)),
            ("draft", doc.meta.draft.into()),
            ("embargo", doc.meta.embargo.map(|d| d.rfc3339()).into()),
        ];
        object(fields.into_iter().chain(html.map(|html| ("html", html))))
    }

    /// The summaries of `site.pages[i]` for each of `indices`, with the list
    /// fragments the list `shows` (keys of [`FRAGMENTS`]) as `html`; only
    /// `html` when `detail` allows and every one of them has those. Built
    /// for each list page that shows them (a Tera context owns its values):
    /// kept for every document, these JSON trees took more memory than
    /// anything else in a build, and with every field a list of 60,000
    /// incidents takes several KB an entry.
    pub(super) fn list(
        &self,
        site: &Site,
        bodies: &Bodies,
        indices: &[usize],
        shows: &[&str],
        detail: Detail,
    ) -> Value {
        let fragments = |i: usize| self.fragments.get(i).into_iter().flatten();
        let only_html = detail == Detail::Fragments
            && indices.iter().all(|&i| {
                let shown =
                    fragments(i).filter(|(key, html)| shows.contains(key) && !html.is_empty());
                shown.count() == shows.len()
            });
        let summary = |i: usize| {
            let page = &site.pages[i];
            let mut html = serde_json::Map::with_capacity(shows.len());
            for (key, fragment) in fragments(i) {
                if shows.contains(key) {
                    html.insert(key.to_string(), fragment.as_ref().into());
                }
            }
            if only_html {
                return object([("html", Value::Object(html))]);
            }
            self.summary(page, bodies.summary(i), Some(Value::Object(html)))
        };
        // In parallel: a long list is rendered alone (see `render_lists`),
        // and building its summaries takes longer than rendering them.
        Value::Array(
            indices
                .par_iter()
                .with_min_len(1_000)
                .map(|&i| summary(i))
                .collect(),
        )
    }

    /// The variables every page has. `noindex` says this page must not be
    /// indexed (a document above TLP:CLEAR, the 404 page, a redirect); in a
    /// build crawlers must stay out of, every page says so.
    pub(super) fn context(
        &self,
        page_kind: &str,
        title: &str,
        canonical: String,
        noindex: bool,
    ) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("site", &self.site);
        ctx.insert("config", &self.config);
        ctx.insert("page_kind", page_kind);
        ctx.insert("title", title);
        ctx.insert("canonical", &canonical);
        ctx.insert("noindex", &(noindex || !self.indexable));
        ctx.insert("content_security_policy", CONTENT_SECURITY_POLICY);
        ctx
    }
}

pub(super) fn page_json(site: &Site, shared: &Shared, index: usize, body: &Body) -> Value {
    let page = &site.pages[index];
    let doc = &page.doc;
    let section = site
        .lists
        .iter()
        .find(|l| l.section.name == doc.section)
        .map(|l| json!({ "title": l.section.title, "url": l.url }));
    let words = body.rendered.text.split_whitespace().count();
    let mut value = json!({
        "kind": page.kind(),
        "title": doc.meta.title,
        "url": page.url,
        "permalink": site.urls.absolute(&doc.path),
        "slug": doc.slug,
        "section": section,
        "date": doc.meta.date.map(|d| d.ymd()),
        "updated": doc.meta.updated.map(|d| d.ymd()),
        "summary": body.summary,
        "tags": doc.meta.tags.iter().map(|t| shared.term("tags", t)).collect::<Vec<_>>(),
        "tlp": tlp_json(doc.meta.tlp),
        "draft": doc.meta.draft,
        "embargo": doc.meta.embargo.map(|d| d.rfc3339()),
        "content": body.rendered.html,
        "toc": body.rendered.toc,
        "word_count": words,
        "reading_minutes": words.div_ceil(220).max(1),
        "extra": doc.meta.extra,
        "jsonld": crate::jsonld::for_page(site, page, body),
    });
    let Some(obj) = value.as_object_mut() else {
        return value;
    };
    match &doc.kind {
        DocKind::Incident(inc) => {
            if let Value::Object(m) = incident_json(site, shared, index, inc, body) {
                obj.extend(m);
            }
        }
        DocKind::Faq(_) => faq_fields(site, index, body, obj),
        DocKind::Page => {}
    }
    value
}

/// A link to `site.pages[i]` as templates get it (related pages, FAQs).
fn page_link(site: &Site, i: usize) -> Value {
    let p = &site.pages[i];
    json!({
        "title": p.doc.meta.title,
        "url": p.url,
        "kind": p.kind(),
        "id": p.doc.kind.incident().and_then(|x| x.id.as_ref()).map(|id| id.value.clone()),
    })
}

/// The incident fields of a document page's `page`.
fn incident_json(
    site: &Site,
    shared: &Shared,
    index: usize,
    inc: &crate::content::IncidentMeta,
    body: &Body,
) -> Value {
    let page = &site.pages[index];
    let link = |i: &usize| page_link(site, *i);
    json!({
        "id": inc.id.as_ref().map(|id| id.value.clone()),
        "severity": inc.severity,
        "status": inc.status,
        "cvss": inc.cvss,
        "affected": inc.affected.iter().map(|a| json!({
            "vendor": a.vendor,
            "vendor_url": a.vendor.as_deref().map(|v| shared.term("vendors", v)["url"].clone()),
            "product": a.product,
            "versions": a.versions,
            "package": a.package,
            "fixed": a.fixed,
            "osv": a.osv(),
        })).collect::<Vec<_>>(),
        "advisory_ids": inc.advisory_ids,
        "third_parties": inc.third_parties.iter().map(|t| shared.term("vendors", t)).collect::<Vec<_>>(),
        "data_exposed": inc.data_exposed,
        "actors": inc.actors,
        "records_affected": inc.records_affected,
        "cves": inc.cves.iter().map(|c| json!({"id": c, "url": format!("https://www.cve.org/CVERecord?id={c}")})).collect::<Vec<_>>(),
        "cwes": inc.cwes.iter().map(|c| json!({"id": c, "url": format!("https://cwe.mitre.org/data/definitions/{}.html", c.trim_start_matches("CWE-"))})).collect::<Vec<_>>(),
        "timeline": inc.timeline.iter().zip(&body.timeline_html).map(|(t, html)| json!({
            "date": if t.date.has_time { t.date.instant.format("%Y-%m-%d %H:%M UTC").to_string() } else { t.date.ymd() },
            "datetime": t.date.rfc3339(),
            "event": html,
        })).collect::<Vec<_>>(),
        "actions": body.actions_html,
        "references": inc.references.iter().map(|r| json!({"title": r.title.clone().unwrap_or_else(|| r.url.clone()), "url": r.url})).collect::<Vec<_>>(),
        "related": page.related.iter().map(link).collect::<Vec<_>>(),
        "faqs": page.backlinks.iter().map(link).collect::<Vec<_>>(),
    })
}

/// A FAQ page's questions (the whole answer as one when it has no `##`
/// headings) and the incidents it is about.
fn faq_fields(site: &Site, index: usize, body: &Body, obj: &mut serde_json::Map<String, Value>) {
    let page = &site.pages[index];
    let doc = &page.doc;
    let link = |i: &usize| page_link(site, *i);
    let mut questions: Vec<Value> = body
        .rendered
        .questions
        .iter()
        .map(|q| json!({"question": q.question, "anchor": q.anchor, "answer": q.answer}))
        .collect();
    let mut content = body.rendered.html.clone();
    if questions.is_empty() {
        questions.push(json!({"question": doc.meta.title, "anchor": "answer", "answer": content}));
        content = String::new();
    }
    obj.insert("questions".into(), Value::Array(questions));
    obj.insert("content".into(), Value::String(content));
    obj.insert(
        "incidents".into(),
        Value::Array(page.backlinks.iter().map(link).collect()),
    );
}

/// The severities and statuses (in their order) and the years (newest
/// first) that occur among `site.pages[i]` for each of `indices`, for a
/// list page's links and filters: worked out in a template, they cost a
/// pass over every summary, alone on one core at 60,000 incidents.
pub(super) fn facets(site: &Site, indices: &[usize]) -> Value {
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
    json!({
        "severities": severities.iter().rev().collect::<Vec<_>>(),
        "statuses": statuses,
        "years": years.iter().rev().map(|y| format!("{y:04}")).collect::<Vec<_>>(),
    })
}

pub(super) fn home_json(site: &Site, bodies: &Bodies, theme: &Theme, shared: &Shared) -> Value {
    let mut open: Vec<(usize, &IncidentMeta)> = site
        .pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.doc.kind.incident().map(|inc| (i, inc)))
        .filter(|(_, inc)| inc.status != Status::Resolved)
        .collect();
    open.sort_by(|&(a, inc_a), &(b, inc_b)| {
        inc_b.severity.cmp(&inc_a.severity).then_with(|| {
            site.pages[b]
                .doc
                .meta
                .date
                .cmp(&site.pages[a].doc.meta.date)
        })
    });
    let open: Vec<usize> = open.into_iter().map(|(i, _)| i).collect();
    let mut latest: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.pages[i].doc.last_changed().is_some())
        .collect();
    latest.sort_by(|&a, &b| {
        site.pages[b]
            .doc
            .last_changed()
            .cmp(&site.pages[a].doc.last_changed())
            .then_with(|| {
                site.pages[a]
                    .doc
                    .meta
                    .title
                    .cmp(&site.pages[b].doc.meta.title)
            })
    });
    latest.truncate(10);
    let count = |name: &str, key: &str| {
        let tax = site.taxonomies.iter().find(|t| t.name == name);
        let term = tax.and_then(|t| t.terms.iter().find(|x| x.slug == key).map(|x| (t, x)));
        json!({
            "name": key,
            "count": term.map_or(0, |(_, x)| x.pages.len()),
            "url": term.map(|(t, x)| site.urls.path(&t.term_path(x))),
        })
    };
    let home = json!({
        "content": site.home_intro,
        "severity_counts": Severity::ALL.iter().map(|s| count("severity", s.as_str())).collect::<Vec<_>>(),
        "status_counts": Status::ALL.iter().map(|s| count("status", s.as_str())).collect::<Vec<_>>(),
        "total_incidents": site.incidents().count(),
        "charts": crate::charts::dashboard(site),
    });
    // The latest documents' summaries are full: index.html shows fields of
    // them besides their fragments.
    let home = with(
        home,
        "open_incidents",
        shared.list(
            site,
            bodies,
            &open,
            &["card"],
            Detail::of(theme, "index.html"),
        ),
    );
    with(
        home,
        "latest",
        shared.list(site, bodies, &latest, &["item"], Detail::Full),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_of_builtin_templates_get_fragments_alone() {
        let site = tempfile::tempdir().unwrap();
        let theme = crate::theme::load(site.path(), "default").unwrap();
        assert!(Detail::of(&theme, "section.html") == Detail::Fragments);
        assert!(Detail::of(&theme, "term.html") == Detail::Fragments);
        // term.html includes summary_items.html, which imports macros.html:
        // a site's own macros.html changes what both list pages read.
        let templates = site.path().join("templates");
        std::fs::create_dir(&templates).unwrap();
        std::fs::write(
            templates.join("macros.html"),
            "{% macro x() %}{% endmacro x %}",
        )
        .unwrap();
        let theme = crate::theme::load(site.path(), "default").unwrap();
        assert!(Detail::of(&theme, "section.html") == Detail::Full);
        assert!(Detail::of(&theme, "term.html") == Detail::Full);
    }
}
