//! Links: what every document's links and references resolve against
//! (each document's URL and publication state), the cross references
//! between documents (`related:`, a FAQ's `incidents:`), and Markdown
//! rendered against them.

use super::{content_dir, content_path, loc, Body, Invalid, Publication};
use crate::content::{DocKind, Document, Located, Section};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::markdown::{self, LinkRecord, Links, Source, TargetState};
use crate::urls::Urls;
use rustc_hash::FxHashMap;

/// Link targets: every document, with whether it is published; a document
/// whose front matter is unusable is a target whose links are not reported.
pub(super) fn targets(
    published: &[Document],
    unpublished: &[Document],
    invalid: &Invalid,
    publication: &Publication,
    urls: &Urls,
) -> Links {
    let mut links = Links {
        base_path: urls.base_path().to_string(),
        ..Links::default()
    };
    let states =
        published
            .iter()
            .map(|d| (d, TargetState::Published))
            .chain(unpublished.iter().map(|d| {
                let reason = publication
                    .check(d)
                    .err()
                    .map_or_else(String::new, |r| r.to_string());
                (d, TargetState::Unpublished(reason))
            }));
    for (doc, state) in states {
        links.documents.insert(
            content_path(doc),
            markdown::LinkTarget {
                url: urls.path(&doc.path),
                state,
            },
        );
    }
    for path in &invalid.paths {
        let under = path
            .strip_prefix("content")
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        links.documents.insert(
            under,
            markdown::LinkTarget {
                url: String::new(),
                state: TargetState::Invalid,
            },
        );
    }
    links
}

/// The documents each published document refers to: (related, backlinks),
/// indices into `published`. A reference to an unpublished document, or to
/// none, is an error at the reference.
pub(super) fn cross_references(
    published: &[Document],
    unpublished: &[Document],
    invalid: &Invalid,
    links: &Links,
    publication: &Publication,
    diagnostics: &mut Diagnostics,
) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let resolver = Resolver::new(published, unpublished, invalid, links, publication);
    let mut related: Vec<Vec<usize>> = vec![Vec::new(); published.len()];
    let mut backlinks: Vec<Vec<usize>> = vec![Vec::new(); published.len()];
    for (i, doc) in published.iter().enumerate() {
        match &doc.kind {
            DocKind::Incident(incident) => {
                for entry in &incident.related {
                    if let Some(j) = resolver.resolve(doc, entry, false, diagnostics) {
                        if j != i && !related[i].contains(&j) {
                            related[i].push(j);
                        }
                    }
                }
            }
            DocKind::Faq(faq) => {
                for entry in &faq.incidents {
                    if let Some(j) = resolver.resolve(doc, entry, true, diagnostics) {
                        if !backlinks[i].contains(&j) {
                            backlinks[i].push(j);
                        }
                        if !backlinks[j].contains(&i) {
                            backlinks[j].push(i);
                        }
                    }
                }
            }
            DocKind::Page => {}
        }
    }
    (related, backlinks)
}

/// What a reference (an incident id, or a path under content/) may name.
struct Resolver<'a> {
    by_path: FxHashMap<String, usize>,
    unpublished_by_path: FxHashMap<String, &'a Document>,
    ids: FxHashMap<&'a str, usize>,
    unpublished_ids: FxHashMap<&'a str, &'a Document>,
    invalid: &'a Invalid,
    links: &'a Links,
    publication: &'a Publication,
}

/// An incident's id, if it has one.
fn id_of(doc: &Document) -> Option<&str> {
    doc.kind.incident()?.id.as_ref().map(|id| id.value.as_str())
}

impl<'a> Resolver<'a> {
    fn new(
        published: &'a [Document],
        unpublished: &'a [Document],
        invalid: &'a Invalid,
        links: &'a Links,
        publication: &'a Publication,
    ) -> Resolver<'a> {
        let numbered = || published.iter().enumerate();
        Resolver {
            by_path: numbered().map(|(i, d)| (content_path(d), i)).collect(),
            unpublished_by_path: unpublished.iter().map(|d| (content_path(d), d)).collect(),
            ids: numbered()
                .filter_map(|(i, d)| Some((id_of(d)?, i)))
                .collect(),
            unpublished_ids: unpublished
                .iter()
                .filter_map(|d| Some((id_of(d)?, d)))
                .collect(),
            invalid,
            links,
            publication,
        }
    }

    /// The published document `entry` of `doc` names (only by id when
    /// `ids_only`); else an error at the entry, unless its target has
    /// errors of its own.
    fn resolve(
        &self,
        doc: &Document,
        entry: &Located<String>,
        ids_only: bool,
        diagnostics: &mut Diagnostics,
    ) -> Option<usize> {
        let value = entry.value.as_str();
        if let Some(&j) = self.ids.get(value) {
            return Some(j);
        }
        let path = if value.starts_with("./") || value.starts_with("../") {
            markdown::resolve_relative(&content_dir(doc), value)
        } else {
            markdown::resolve_relative("", value)
        };
        if !ids_only {
            if let Some(&j) = path.as_ref().and_then(|p| self.by_path.get(p)) {
                return Some(j);
            }
        }
        // A reference to a document with errors of its own is not reported again.
        let to_invalid = self.invalid.ids.contains(value)
            || path.as_ref().is_some_and(|p| {
                self.links
                    .documents
                    .get(p)
                    .is_some_and(|t| t.state == TargetState::Invalid)
            });
        if !to_invalid {
            let hidden = self.unpublished_ids.get(value).copied().or_else(|| {
                path.as_ref()
                    .and_then(|p| self.unpublished_by_path.get(p).copied())
                    .filter(|_| !ids_only)
            });
            diagnostics.push(self.unresolved(doc, entry, hidden, ids_only));
        }
        None
    }

    /// The error of a reference that names an unpublished document
    /// (`hidden`) or none.
    fn unresolved(
        &self,
        doc: &Document,
        entry: &Located<String>,
        hidden: Option<&Document>,
        ids_only: bool,
    ) -> Diagnostic {
        let at = loc(doc, entry.line, entry.column);
        match hidden {
            Some(target) => Diagnostic::error(
                Code::LinkToUnpublished,
                format!(
                    "{} refers to {}, which is {}",
                    doc.source.display(),
                    target.source.display(),
                    self.publication
                        .check(target)
                        .err()
                        .map_or_else(String::new, |r| r.to_string())
                ),
            )
            .at(at)
            .help("remove the reference, or publish both at the same level"),
            None => Diagnostic::error(
                Code::UnresolvedRelated,
                format!("`{}` does not match any document", entry.value),
            )
            .at(at)
            .help(if ids_only {
                "expected an incident id such as INC-2026-0042".to_string()
            } else {
                "expected an incident id or a path under content/ such as faq/api-keys.md"
                    .to_string()
            }),
        }
    }
}

pub(super) fn render_section_intro(
    section: &Section,
    links: &Links,
    raw_html: crate::config::RawHtml,
    diagnostics: &mut Diagnostics,
) -> (String, Vec<LinkRecord>) {
    let Some(file) = &section.source else {
        return (String::new(), Vec::new());
    };
    let lines = markdown::LineIndex::new(&section.text);
    let source = Source {
        file,
        text: &section.text,
        dir: &section.name,
        offset: section.body_offset,
        lines: &lines,
    };
    let r = markdown::render(
        &section.text[section.body_offset..],
        &source,
        links,
        raw_html,
        false,
        diagnostics,
    );
    (r.html, r.links)
}

/// Renders a published document's Markdown (body, front matter Markdown and
/// summary) against `links`; `text` is the whole file `doc` was validated from.
pub fn render_body(
    doc: &Document,
    text: &str,
    links: &Links,
    raw_html: crate::config::RawHtml,
    diagnostics: &mut Diagnostics,
) -> Body {
    let dir = content_dir(doc);
    let lines = markdown::LineIndex::new(text);
    let source = Source {
        file: &doc.source,
        text,
        dir: &dir,
        offset: doc.body_offset,
        lines: &lines,
    };
    let markdown = text.get(doc.body_offset..).unwrap_or_default();
    let rendered = markdown::render(
        markdown,
        &source,
        links,
        raw_html,
        matches!(doc.kind, DocKind::Faq(_)),
        diagnostics,
    );
    let mut page_links = rendered.links.clone();
    let mut inline = |md: &Located<String>, diagnostics: &mut Diagnostics| {
        // Inline Markdown from front matter: errors point at its YAML line.
        let line_start = lines.line_start(md.line).unwrap_or(0);
        let inline_source = Source {
            file: &doc.source,
            text,
            dir: &dir,
            offset: line_start + md.column.saturating_sub(1),
            lines: &lines,
        };
        let (html, mut records) =
            markdown::render_inline(&md.value, &inline_source, links, raw_html, diagnostics);
        for r in &mut records {
            r.line = md.line;
            r.column = md.column;
        }
        page_links.extend(records);
        html
    };
    let (timeline_html, actions_html, updates_html) = match &doc.kind {
        DocKind::Incident(i) => (
            i.timeline
                .iter()
                .map(|t| inline(&t.event, diagnostics))
                .collect(),
            i.actions.iter().map(|a| inline(a, diagnostics)).collect(),
            i.updates
                .iter()
                .map(|u| inline(&u.text, diagnostics))
                .collect(),
        ),
        DocKind::Faq(_) | DocKind::Page => (Vec::new(), Vec::new(), Vec::new()),
    };
    let summary = doc.meta.summary.clone().unwrap_or_else(|| {
        let first = if rendered.first_paragraph.is_empty() {
            rendered
                .questions
                .first()
                .map(|q| q.answer_text.as_str())
                .unwrap_or("")
        } else {
            rendered.first_paragraph.as_str()
        };
        markdown::truncate(first, 200)
    });
    Body {
        rendered,
        timeline_html,
        actions_html,
        updates_html,
        summary,
        links: page_links,
        markdown: None,
    }
}
