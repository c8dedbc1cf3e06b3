//! A document as lists show it ([`Summary`]), the list fragments rendered
//! from it once per document, and the lists of them list pages hold.

use super::super::templates::{render_capped, FRAGMENTS};
use super::{Fragments, Shared, Term, TlpContext};
use crate::diagnostics::Diagnostic;
use crate::site::{Bodies, Page, Site};
use crate::template_fields::{Field, FieldSet, Reads};
use crate::theme::Theme;
use rayon::prelude::*;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value;
use tera::Tera;

/// A document summary, an entry of `section.pages`, `term.pages`,
/// `home.latest` and `home.open_incidents`: the [`Field`]s of `fields`
/// (docs/templates.md, "Document summaries"), in their order. Built as it
/// is serialized, so a field no template reads costs nothing
/// ([`crate::template_fields`]).
pub(super) struct Summary<'a> {
    shared: &'a Shared,
    page: &'a Page,
    /// Front matter `summary:`, or the body's start, as plain text.
    summary: &'a str,
    /// The list fragments its list shows; absent while they are rendered.
    html: Option<Html<'a>>,
    fields: FieldSet,
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

impl<'a> Serialize for Summary<'a> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (shared, doc) = (self.shared, &self.page.doc);
        let inc = doc.kind.incident();
        let terms = |taxonomy, names: Vec<&'a str>| -> Vec<Term<'a>> {
            names
                .into_iter()
                .map(|t| shared.term(taxonomy, t))
                .collect()
        };
        let mut map = serializer.serialize_map(None)?;
        for field in Field::ALL.into_iter().filter(|f| self.fields.contains(*f)) {
            let key = field.name();
            match field {
                Field::Kind => map.serialize_entry(key, &self.page.kind())?,
                Field::Title => map.serialize_entry(key, &doc.meta.title)?,
                Field::Url => map.serialize_entry(key, &self.page.url)?,
                Field::Date => map.serialize_entry(key, &doc.meta.date.map(|d| d.ymd()))?,
                Field::Updated => map.serialize_entry(key, &doc.meta.updated.map(|d| d.ymd()))?,
                Field::Summary => map.serialize_entry(key, self.summary)?,
                Field::Tlp => map.serialize_entry(key, &TlpContext::from(doc.meta.tlp))?,
                Field::Tags => {
                    let tags = doc.meta.tags.iter().map(String::as_str).collect();
                    map.serialize_entry(key, &terms("tags", tags))?
                }
                Field::Id => {
                    let id = inc.and_then(|i| i.id.as_ref()).map(|id| id.value.as_str());
                    map.serialize_entry(key, &id)?
                }
                Field::Severity => map.serialize_entry(key, &inc.map(|i| i.severity))?,
                Field::Status => map.serialize_entry(key, &inc.map(|i| i.status))?,
                Field::Vendors => {
                    let vendors = inc.map(|i| i.vendors()).unwrap_or_default();
                    map.serialize_entry(key, &terms("vendors", vendors))?
                }
                Field::Draft => map.serialize_entry(key, &doc.meta.draft)?,
                Field::Embargo => {
                    map.serialize_entry(key, &doc.meta.embargo.map(|d| d.rfc3339()))?
                }
                Field::Html => {
                    if let Some(html) = &self.html {
                        map.serialize_entry(key, html)?
                    }
                }
            }
        }
        map.end()
    }
}

impl Shared {
    /// A document's list fragments (see [`FRAGMENTS`]), rendered from its
    /// summary.
    pub(in crate::render) fn listed(
        &self,
        (index, page): (usize, &Page),
        summary: &str,
        tera: &Tera,
        theme: &Theme,
    ) -> Result<Fragments, Diagnostic> {
        // One context per document, the summary serialized into it once.
        let mut ctx = tera::Context::new();
        let every = Summary {
            shared: self,
            page,
            summary,
            html: None,
            fields: FieldSet::ALL,
        };
        super::insert(&mut ctx, "p", &every);
        let mut html = Vec::new();
        let fragments = FRAGMENTS.iter().filter(|f| {
            f.wanted(page, self.home_open.contains(&index)) && tera.get_template(f.template).is_ok()
        });
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
    /// fragments the list `shows` (keys of [`FRAGMENTS`]) as `html`, each
    /// with the fields its list page's templates read (`reads`, of
    /// [`crate::template_fields`]): those of an entry that has its fragments
    /// when every one of them has all of them, else those of one without.
    /// Built for each list page that shows them (a Tera context owns its
    /// values): kept for every document, these JSON trees took more memory
    /// than anything else in a build, and with every field a list of
    /// 60,000 incidents takes several KB an entry.
    pub(super) fn list(
        &self,
        site: &Site,
        bodies: &Bodies,
        indices: &[usize],
        shows: &[&str],
        reads: Reads,
    ) -> Value {
        let fragments = |i: usize| self.fragments.get(i).into_iter().flatten();
        let (with, without) = (reads.fields(shows), reads.fields(&[]));
        let all_shown = with != without
            && indices.iter().all(|&i| {
                let shown =
                    fragments(i).filter(|(key, html)| shows.contains(key) && !html.is_empty());
                shown.count() == shows.len()
            });
        let fields = if all_shown { with } else { without };
        let summary = |i: usize| {
            let html = Html(
                fragments(i)
                    .filter(|(key, _)| shows.contains(key))
                    .map(|(key, fragment)| (*key, fragment.as_ref()))
                    .collect(),
            );
            let entry = Summary {
                shared: self,
                page: &site.pages[i],
                summary: bodies.summary(i),
                html: Some(html),
                fields,
            };
            serde_json::to_value(entry).unwrap_or(Value::Null)
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
