//! A document as lists show it ([`Summary`]), the list fragments rendered
//! from it once per document, and the lists of them list pages hold.

use super::super::templates::{render_capped, FRAGMENTS};
use super::{Detail, Fragments, Shared, Term, TlpContext};
use crate::content::{Kind, Severity, Status};
use crate::diagnostics::Diagnostic;
use crate::site::{Bodies, Page, Site};
use crate::theme::Theme;
use rayon::prelude::*;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value;
use tera::Tera;

/// A document summary, an entry of `section.pages`, `term.pages`,
/// `home.latest` and `home.open_incidents`.
#[derive(Serialize)]
pub(super) struct Summary<'a> {
    /// `incident`, `faq` or `page`.
    kind: Kind,
    /// The document's title.
    title: &'a str,
    /// Its page, with the base path.
    url: &'a str,
    /// `date:` as `YYYY-MM-DD`, or null.
    date: Option<String>,
    /// `updated:` as `YYYY-MM-DD`, or null.
    updated: Option<String>,
    /// Front matter `summary:`, or the body's start, as plain text.
    summary: &'a str,
    /// Its TLP marking.
    tlp: TlpContext,
    /// Its tags, each with its term page.
    tags: Vec<Term<'a>>,
    /// The incident's id; null on an incident without one and on other documents.
    id: Option<&'a str>,
    /// The incident's severity; null on other documents.
    severity: Option<Severity>,
    /// The incident's status; null on other documents.
    status: Option<Status>,
    /// The incident's vendors (affected and third parties), each with its
    /// term page; empty on other documents.
    vendors: Vec<Term<'a>>,
    /// Whether it is a draft.
    draft: bool,
    /// The end of its embargo (RFC 3339), or null.
    embargo: Option<String>,
    /// The list fragments its list shows; absent while they are rendered.
    #[serde(skip_serializing_if = "Option::is_none")]
    html: Option<Html<'a>>,
}

/// An entry of a list whose templates read nothing but its fragments
/// ([`Detail::Fragments`]).
#[derive(Serialize)]
struct FragmentsOnly<'a> {
    /// As [`Summary`]'s.
    html: Html<'a>,
}

/// `summary.html`: the list fragments one list shows, by key
/// (`item`, `row`, `card`).
struct Html<'a>(Vec<(&'static str, &'a str)>);

impl Serialize for Html<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, html) in &self.0 {
            map.serialize_entry(key, html)?;
        }
        map.end()
    }
}

impl<'a> Summary<'a> {
    /// The summary of `page`; `html` (its list fragments) is left out when None.
    fn new(shared: &'a Shared, page: &'a Page, summary: &'a str, html: Option<Html<'a>>) -> Self {
        let doc = &page.doc;
        let inc = doc.kind.incident();
        let terms = |taxonomy, names: Vec<&'a str>| -> Vec<Term<'a>> {
            names
                .into_iter()
                .map(|t| shared.term(taxonomy, t))
                .collect()
        };
        Summary {
            kind: page.kind(),
            title: &doc.meta.title,
            url: &page.url,
            date: doc.meta.date.map(|d| d.ymd()),
            updated: doc.meta.updated.map(|d| d.ymd()),
            summary,
            tlp: doc.meta.tlp.into(),
            tags: terms("tags", doc.meta.tags.iter().map(String::as_str).collect()),
            id: inc.and_then(|i| i.id.as_ref()).map(|id| id.value.as_str()),
            severity: inc.map(|i| i.severity),
            status: inc.map(|i| i.status),
            vendors: terms("vendors", inc.map(|i| i.vendors()).unwrap_or_default()),
            draft: doc.meta.draft,
            embargo: doc.meta.embargo.map(|d| d.rfc3339()),
            html,
        }
    }
}

impl Shared {
    /// A document's list fragments (see [`FRAGMENTS`]), rendered from its
    /// summary.
    pub(in crate::render) fn listed(
        &self,
        page: &Page,
        summary: &str,
        tera: &Tera,
        theme: &Theme,
    ) -> Result<Fragments, Diagnostic> {
        // One context per document, the summary serialized into it once.
        let mut ctx = tera::Context::new();
        super::insert(&mut ctx, "p", &Summary::new(self, page, summary, None));
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
            let html = Html(
                fragments(i)
                    .filter(|(key, _)| shows.contains(key))
                    .map(|(key, fragment)| (*key, fragment.as_ref()))
                    .collect(),
            );
            let entry = if only_html {
                serde_json::to_value(FragmentsOnly { html })
            } else {
                serde_json::to_value(Summary::new(self, page, bodies.summary(i), Some(html)))
            };
            entry.unwrap_or(Value::Null)
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
}
