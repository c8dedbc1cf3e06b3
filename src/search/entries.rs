//! What the search index holds, taken from the `Site` model (published pages
//! only, never the rendered HTML): one entry per document and one per FAQ
//! question, each with its display metadata and the text of each field.

use crate::content::{slugify, DocKind, Kind, Severity, Status};
use crate::markdown::inline_text;
use crate::site::{Body, Page};

/// One search result: a document, or one question of an FAQ.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Root-relative URL with the base path; `#anchor` for questions.
    pub url: String,
    pub title: String,
    pub kind: Kind,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    pub year: Option<i32>,
    pub severity: Option<Severity>,
    pub status: Option<Status>,
    /// (slug, display name).
    pub tags: Vec<(String, String)>,
    pub vendors: Vec<String>,
    /// The vendor facet's values: (slug, name), as the vendor term pages.
    pub vendor_terms: Vec<(String, String)>,
    /// Incident id, CVEs and CWEs.
    pub ids: Vec<String>,
    pub summary: String,
    /// The FAQ a question belongs to.
    pub parent: Option<String>,
    /// Words weighed like tags and vendors: products, versions, data exposed, actors.
    pub meta: Vec<String>,
    /// The body as plain text: indexed, and the source of result snippets.
    pub text: String,
}

/// The entries of one published page: the document, and each question of
/// an FAQ.
pub fn of_page(page: &Page, body: &Body) -> Vec<Entry> {
    let base = document(page, body);
    let mut entries = Vec::new();
    if page.kind() == Kind::Faq && !body.rendered.questions.is_empty() {
        entries.extend(body.rendered.questions.iter().map(|q| Entry {
            url: format!("{}#{}", page.url, q.anchor),
            title: q.question.clone(),
            summary: String::new(),
            parent: Some(page.doc.meta.title.clone()),
            meta: Vec::new(),
            text: q.answer_text.clone(),
            ..base.clone()
        }));
    }
    entries.push(base);
    entries
}

/// Each name with its slug (the URL of its term page), once per slug;
/// names without one are left out.
fn slugged(names: &[String]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for name in names {
        let slug = slugify(name);
        if !slug.is_empty() && !out.iter().any(|(s, _)| *s == slug) {
            out.push((slug, name.clone()));
        }
    }
    out
}

fn document(page: &Page, body: &Body) -> Entry {
    let doc = &page.doc;
    let tags = slugged(&doc.meta.tags);
    let mut entry = Entry {
        url: page.url.clone(),
        title: doc.meta.title.clone(),
        kind: page.kind(),
        date: doc.meta.date.map(|d| d.ymd()),
        year: doc.meta.date.map(|d| d.year()),
        severity: None,
        status: None,
        tags,
        vendors: Vec::new(),
        vendor_terms: Vec::new(),
        ids: Vec::new(),
        summary: body.summary.clone(),
        parent: None,
        meta: Vec::new(),
        text: String::new(),
    };
    // An FAQ split into questions: its own entry holds the questions, each
    // question entry its answer, so an answer is found once, at its anchor.
    entry.text = if body.rendered.questions.is_empty() {
        body.rendered.text.clone()
    } else {
        body.rendered
            .questions
            .iter()
            .map(|q| q.question.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    if let DocKind::Incident(inc) = &doc.kind {
        entry.severity = Some(inc.severity);
        entry.status = Some(inc.status);
        entry.vendors = inc.vendors().into_iter().map(str::to_string).collect();
        entry.vendor_terms = slugged(&entry.vendors);
        entry.ids = inc
            .id
            .iter()
            .map(|id| id.value.clone())
            .chain(inc.cves.iter().cloned())
            .chain(inc.cwes.iter().cloned())
            .chain(inc.advisory_ids.iter().cloned())
            .collect();
        for a in &inc.affected {
            entry.meta.extend(a.product.iter().cloned());
            entry.meta.extend(a.package.iter().map(|p| p.name.clone()));
            entry.meta.extend(a.versions.iter().cloned());
        }
        entry.meta.extend(inc.data_exposed.iter().cloned());
        entry.meta.extend(inc.actors.iter().cloned());
        let extra = inc
            .timeline
            .iter()
            .map(|t| inline_text(&t.event.value))
            .chain(inc.actions.iter().map(|a| inline_text(&a.value)))
            .chain(inc.references.iter().filter_map(|r| r.title.clone()));
        for line in extra {
            entry.text.push('\n');
            entry.text.push_str(&line);
        }
    }
    entry
}
