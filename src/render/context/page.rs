//! `page`: a document's own context (incident, FAQ and page templates).

use super::{FolderLink, Shared, Term, TlpContext};
use crate::content::{CvssScore, DocKind, IncidentMeta, Kind, Severity, Status};
use crate::markdown::TocEntry;
use crate::site::{Body, Site};
use serde::Serialize;
use serde_json::Value;

/// `page`: the fields every document page has, then its kind's.
#[derive(Serialize)]
pub(in crate::render) struct PageContext<'a> {
    /// `incident`, `faq` or `page`.
    kind: Kind,
    /// The document's title.
    title: &'a str,
    /// Its URL, with the base path.
    url: &'a str,
    /// Its absolute URL.
    permalink: String,
    /// The last part of its URL.
    slug: &'a str,
    /// Its folder, or null for a document at the root of `content/`.
    section: Option<FolderLink<'a>>,
    /// `date:` as `YYYY-MM-DD`, or null.
    date: Option<String>,
    /// `updated:` as `YYYY-MM-DD`, or null.
    updated: Option<String>,
    /// Front matter `summary:`, or the body's start, as plain text.
    summary: &'a str,
    /// Its tags, each with its term page.
    tags: Vec<Term<'a>>,
    /// Its TLP marking.
    tlp: TlpContext,
    /// Whether it is a draft.
    draft: bool,
    /// The end of its embargo (RFC 3339), or null.
    embargo: Option<String>,
    /// The body as HTML; empty on a FAQ without `##` headings, whose body
    /// is its one answer.
    content: &'a str,
    /// The body's headings, only for long documents, else empty.
    toc: &'a [TocEntry],
    /// The body's words.
    word_count: usize,
    /// Minutes to read it, at 220 words a minute, at least 1.
    reading_minutes: usize,
    /// Front matter `extra:`, untouched.
    extra: &'a Value,
    /// The page's schema.org JSON-LD, escaped for a `<script>` element.
    jsonld: String,
    /// `owners:`, as written.
    owners: &'a [String],
    /// `reviewed:` as `{by, date}`, or null.
    reviewed: Option<ReviewedContext<'a>>,
    /// Its kind's fields.
    #[serde(flatten)]
    fields: KindFields<'a>,
}

/// The fields only one kind of document has.
#[derive(Serialize)]
#[serde(untagged)]
enum KindFields<'a> {
    /// Boxed: it is most of the size, and a page's context is built once.
    Incident(Box<IncidentFields<'a>>),
    Faq(FaqFields<'a>),
    Page,
}

/// Another document as a page links to it (`related`, `faqs`, `incidents`).
#[derive(Serialize)]
struct PageLink<'a> {
    /// Its title.
    title: &'a str,
    /// Its URL, with the base path.
    url: &'a str,
    /// `incident`, `faq` or `page`.
    kind: Kind,
    /// Its incident id, or null.
    id: Option<&'a str>,
}

/// The fields of an incident's `page`.
#[derive(Serialize)]
struct IncidentFields<'a> {
    /// `id:`, or null.
    id: Option<&'a str>,
    /// `low` … `critical`.
    severity: Severity,
    /// `investigating`, `identified`, `monitoring` or `resolved`.
    status: Status,
    /// `{vector, score, rating}`, or null.
    cvss: Option<&'a CvssScore>,
    /// What is affected.
    affected: Vec<AffectedContext<'a>>,
    /// `advisory_ids:`.
    advisory_ids: &'a [String],
    /// The third parties involved, each with its vendor term page.
    third_parties: Vec<Term<'a>>,
    /// `data_exposed:`.
    data_exposed: &'a [String],
    /// `actors:`.
    actors: &'a [String],
    /// `records_affected:`, or null.
    records_affected: Option<u64>,
    /// Its CVEs, each with its cve.org record.
    cves: Vec<Identifier<'a>>,
    /// Its CWEs, each with its cwe.mitre.org definition.
    cwes: Vec<Identifier<'a>>,
    /// What happened when.
    timeline: Vec<Event<'a>>,
    /// Its updates, newest first.
    changes: Vec<ChangeContext<'a>>,
    /// The URL of its own Atom feed (its updates), with the base path.
    feed_url: String,
    /// The recommended actions, as HTML.
    actions: &'a [String],
    /// `references:`.
    references: Vec<ReferenceContext<'a>>,
    /// The documents it names as related.
    related: Vec<PageLink<'a>>,
    /// The FAQs that point at it.
    faqs: Vec<PageLink<'a>>,
}

/// An entry of an incident's `affected`.
#[derive(Serialize)]
struct AffectedContext<'a> {
    /// The vendor, or null.
    vendor: Option<&'a str>,
    /// The vendor's term page, or null.
    vendor_url: Option<&'a str>,
    /// The product, or null.
    product: Option<&'a str>,
    /// The versions as written, for display, or null.
    versions: Option<&'a str>,
    /// `{ecosystem, name, purl}`, or null.
    package: Option<&'a crate::affected::Package>,
    /// The versions that fix it.
    fixed: &'a [String],
    /// The entry as an OSV `affected` object, or null.
    osv: Option<Value>,
}

/// A CVE or CWE and the page that defines it.
#[derive(Serialize)]
struct Identifier<'a> {
    /// `CVE-2025-1234`, `CWE-79`.
    id: &'a str,
    /// Its record's URL.
    url: String,
}

/// A document's last review.
#[derive(Serialize)]
struct ReviewedContext<'a> {
    /// Who reviewed it.
    by: &'a str,
    /// When, as `YYYY-MM-DD`.
    date: String,
}

/// A change of status or severity, `{from, to}`.
#[derive(Serialize)]
struct Transition<T> {
    /// The value before the update, or null before the first that gives one.
    from: Option<T>,
    /// The value from the update on.
    to: T,
}

/// An entry of an incident's `changes` (its `updates`, newest first).
#[derive(Serialize)]
struct ChangeContext<'a> {
    /// For display: `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM UTC` with a time.
    date: String,
    /// RFC 3339, for `<time datetime>`.
    datetime: String,
    /// `{from, to}` when the update changed the status, else null.
    status: Option<Transition<Status>>,
    /// `{from, to}` when the update changed the severity, else null.
    severity: Option<Transition<Severity>>,
    /// What changed, as HTML.
    text: &'a str,
    /// The id of its element on the page (`update-1` is the oldest), which
    /// the feeds' entries link to.
    anchor: String,
}

/// An entry of an incident's `timeline`.
#[derive(Serialize)]
struct Event<'a> {
    /// For display: `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM UTC` with a time.
    date: String,
    /// RFC 3339, for `<time datetime>`.
    datetime: String,
    /// What happened, as HTML.
    event: &'a str,
}

/// An entry of an incident's `references`.
#[derive(Serialize)]
struct ReferenceContext<'a> {
    /// Its title, or its URL when it has none.
    title: &'a str,
    /// Its URL.
    url: &'a str,
}

/// The fields of a FAQ's `page`.
#[derive(Serialize)]
struct FaqFields<'a> {
    /// Its questions: one per `##` heading, or the title alone.
    questions: Vec<QuestionContext<'a>>,
    /// The incidents it is about.
    incidents: Vec<PageLink<'a>>,
}

/// An entry of a FAQ's `questions`.
#[derive(Serialize)]
struct QuestionContext<'a> {
    /// The question.
    question: &'a str,
    /// Its heading's anchor (`answer` for a FAQ without headings).
    anchor: &'a str,
    /// The answer, as HTML.
    answer: &'a str,
}

impl<'a> PageContext<'a> {
    /// The `page` of `site.pages[index]`, rendered as `body`.
    pub(in crate::render) fn new(
        site: &'a Site,
        shared: &'a Shared,
        index: usize,
        body: &'a Body,
    ) -> PageContext<'a> {
        let page = &site.pages[index];
        let doc = &page.doc;
        let section = site
            .lists
            .iter()
            .find(|l| l.section.name == doc.section)
            .map(|l| FolderLink {
                title: &l.section.title,
                url: &l.url,
            });
        let words = word_count(&body.rendered.text);
        let (fields, content) = kind_fields(site, shared, index, body);
        PageContext {
            kind: page.kind(),
            title: &doc.meta.title,
            url: &page.url,
            permalink: site.urls.absolute(&doc.path),
            slug: &doc.slug,
            section,
            date: doc.meta.date.map(|d| d.ymd()),
            updated: doc.meta.updated.map(|d| d.ymd()),
            summary: &body.summary,
            tags: doc
                .meta
                .tags
                .iter()
                .map(|t| shared.term("tags", t))
                .collect(),
            tlp: doc.meta.tlp.into(),
            draft: doc.meta.draft,
            embargo: doc.meta.embargo.map(|d| d.rfc3339()),
            content,
            toc: &body.rendered.toc,
            word_count: words,
            reading_minutes: words.div_ceil(220).max(1),
            extra: &doc.meta.extra,
            jsonld: crate::jsonld::for_page(site, page, body),
            owners: &doc.meta.owners,
            reviewed: doc.meta.reviewed.as_ref().map(|r| ReviewedContext {
                by: &r.by,
                date: r.date.value.ymd(),
            }),
            fields,
        }
    }
}

/// `text.split_whitespace().count()`, reading ASCII byte by byte: the
/// reading time counts the words of every page's text, and decoding each
/// character of it was a measurable part of the page context.
fn word_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut words, mut in_word, mut i) = (0, false, 0);
    while i < bytes.len() {
        let (space, len) = match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' => (true, 1),
            0..=0x7f => (false, 1),
            _ => text
                .get(i..)
                .and_then(|rest| rest.chars().next())
                .map_or((false, 1), |c| (c.is_whitespace(), c.len_utf8())),
        };
        if !space && !in_word {
            words += 1;
        }
        in_word = !space;
        i += len;
    }
    words
}

/// The fields of the document's kind, and its `content` (a FAQ without
/// `##` headings has its body as its one answer instead).
fn kind_fields<'a>(
    site: &'a Site,
    shared: &'a Shared,
    index: usize,
    body: &'a Body,
) -> (KindFields<'a>, &'a str) {
    let doc = &site.pages[index].doc;
    let content = body.rendered.html.as_str();
    match &doc.kind {
        DocKind::Incident(inc) => (
            KindFields::Incident(Box::new(IncidentFields::new(
                site, shared, index, inc, body,
            ))),
            content,
        ),
        DocKind::Faq(_) => {
            let faq = FaqFields::new(site, index, body);
            let content = if body.rendered.questions.is_empty() {
                ""
            } else {
                content
            };
            (KindFields::Faq(faq), content)
        }
        DocKind::Page => (KindFields::Page, content),
    }
}

/// A link to `site.pages[i]`.
fn page_link(site: &Site, i: usize) -> PageLink<'_> {
    let p = &site.pages[i];
    PageLink {
        title: &p.doc.meta.title,
        url: &p.url,
        kind: p.kind(),
        id: p
            .doc
            .kind
            .incident()
            .and_then(|x| x.id.as_ref())
            .map(|id| id.value.as_str()),
    }
}

impl<'a> IncidentFields<'a> {
    fn new(
        site: &'a Site,
        shared: &'a Shared,
        index: usize,
        inc: &'a IncidentMeta,
        body: &'a Body,
    ) -> Self {
        let page = &site.pages[index];
        let links = |indices: &'a [usize]| indices.iter().map(|&i| page_link(site, i)).collect();
        IncidentFields {
            id: inc.id.as_ref().map(|id| id.value.as_str()),
            severity: inc.severity,
            status: inc.status,
            cvss: inc.cvss.as_ref(),
            affected: inc
                .affected
                .iter()
                .map(|a| AffectedContext {
                    vendor: a.vendor.as_deref(),
                    vendor_url: a
                        .vendor
                        .as_deref()
                        .and_then(|v| shared.term_url("vendors", v)),
                    product: a.product.as_deref(),
                    versions: a.versions.as_deref(),
                    package: a.package.as_ref(),
                    fixed: &a.fixed,
                    osv: a.osv(),
                })
                .collect(),
            advisory_ids: &inc.advisory_ids,
            third_parties: inc
                .third_parties
                .iter()
                .map(|t| shared.term("vendors", t))
                .collect(),
            data_exposed: &inc.data_exposed,
            actors: &inc.actors,
            records_affected: inc.records_affected,
            cves: inc
                .cves
                .iter()
                .map(|c| Identifier {
                    id: c,
                    url: format!("https://www.cve.org/CVERecord?id={c}"),
                })
                .collect(),
            cwes: inc
                .cwes
                .iter()
                .map(|c| Identifier {
                    id: c,
                    url: format!(
                        "https://cwe.mitre.org/data/definitions/{}.html",
                        c.trim_start_matches("CWE-")
                    ),
                })
                .collect(),
            timeline: timeline(inc, body),
            changes: changes(inc, body),
            feed_url: site.urls.path(&crate::site::feed_path(&page.doc.path)),
            actions: &body.actions_html,
            references: inc
                .references
                .iter()
                .map(|r| ReferenceContext {
                    title: r.title.as_deref().unwrap_or(&r.url),
                    url: &r.url,
                })
                .collect(),
            related: links(&page.related),
            faqs: links(&page.backlinks),
        }
    }
}

/// A date as pages show it: `YYYY-MM-DD`, with ` HH:MM UTC` when it has a time.
fn display_date(date: &crate::content::Date) -> String {
    if date.has_time {
        date.instant.format("%Y-%m-%d %H:%M UTC").to_string()
    } else {
        date.ymd()
    }
}

/// An incident's updates, newest first, their texts rendered as `body` holds them.
fn changes<'a>(inc: &'a IncidentMeta, body: &'a Body) -> Vec<ChangeContext<'a>> {
    let mut out: Vec<ChangeContext> = inc
        .changes()
        .into_iter()
        .map(|c| ChangeContext {
            date: display_date(&c.update.date),
            datetime: c.update.date.rfc3339(),
            status: c.status_changed().map(|(from, to)| Transition { from, to }),
            severity: c
                .severity_changed()
                .map(|(from, to)| Transition { from, to }),
            text: body.updates_html.get(c.index).map_or("", String::as_str),
            anchor: crate::site::update_anchor(c.index),
        })
        .collect();
    out.reverse();
    out
}

/// An incident's timeline, its events rendered as `body` holds them.
fn timeline<'a>(inc: &'a IncidentMeta, body: &'a Body) -> Vec<Event<'a>> {
    inc.timeline
        .iter()
        .zip(&body.timeline_html)
        .map(|(t, html)| Event {
            date: display_date(&t.date),
            datetime: t.date.rfc3339(),
            event: html,
        })
        .collect()
}

impl<'a> FaqFields<'a> {
    /// A FAQ's questions (the whole answer as one when it has no `##`
    /// headings) and the incidents it is about.
    fn new(site: &'a Site, index: usize, body: &'a Body) -> Self {
        let page = &site.pages[index];
        let mut questions: Vec<QuestionContext> = body
            .rendered
            .questions
            .iter()
            .map(|q| QuestionContext {
                question: &q.question,
                anchor: &q.anchor,
                answer: &q.answer,
            })
            .collect();
        if questions.is_empty() {
            questions.push(QuestionContext {
                question: &page.doc.meta.title,
                anchor: "answer",
                answer: &body.rendered.html,
            });
        }
        FaqFields {
            questions,
            incidents: page.backlinks.iter().map(|&i| page_link(site, i)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn word_count_is_split_whitespace_count() {
        for text in [
            "",
            " ",
            "one",
            "  two  words ",
            "tab\tsep\nnew\x0bvt\x0cff\rcr",
            "nbsp\u{a0}joins?\u{3000}ideographic space\u{2028}line",
            "é café naïve — dash…",
            "\u{85}next line\u{1680}ogham",
            "日本語のテキスト と 空白",
        ] {
            assert_eq!(
                super::word_count(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }
}
