//! Markdown to HTML with pulldown-cmark: one options factory, heading ids and
//! anchor links, a table of contents, `.md` links rewritten to page URLs,
//! highlighted code, raw HTML policy, plain text for summaries and search, and
//! FAQ questions split at `##` headings.

use crate::config::RawHtml;
use crate::diagnostics::Diagnostics;

pub use crate::diagnostics::LineIndex;
use pulldown_cmark::{Event, Options, Parser, Tag};
use serde::Serialize;
use std::path::Path;

mod links;
mod renderer;

use renderer::{plain_text_of_events, Renderer};

/// The one set of Markdown extensions every caller uses.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Whether a document a link points at is in this build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetState {
    Published,
    /// Draft, embargoed or above the TLP ceiling (the reason, for the message):
    /// linking to it is an error.
    Unpublished(String),
    /// The document has errors of its own, already reported: links to it are
    /// not reported again.
    Invalid,
}

/// Where a `.md` link may point: a document's page and its state in this build.
#[derive(Debug, Clone)]
pub struct LinkTarget {
    /// Root-relative URL with the base path (`/kb/faq/api-keys/`).
    pub url: String,
    pub state: TargetState,
}

/// A file of an unpublished bundle: the bundle's document (its path under
/// `content/`) and that document's state in this build.
#[derive(Debug, Clone)]
pub struct Withheld {
    pub owner: String,
    pub state: TargetState,
}

/// Everything link rewriting needs to know about the site.
#[derive(Debug, Default)]
pub struct Links {
    /// Documents by path under `content/` (`faq/api-keys.md`).
    pub documents: rustc_hash::FxHashMap<String, LinkTarget>,
    /// Files next to documents that pages may use, by path under `content/`.
    pub assets: rustc_hash::FxHashSet<String>,
    /// Files of unpublished bundles ([`crate::attachments`]): linking to
    /// one is linking to unpublished material.
    pub withheld: rustc_hash::FxHashMap<String, Withheld>,
    pub base_path: String,
}

/// Where the Markdown came from, for rewriting relative links and locating errors.
pub struct Source<'a> {
    /// The document file, relative to the site root (for messages).
    pub file: &'a Path,
    /// The whole file text (for showing the offending line).
    pub text: &'a str,
    /// Folder of the document under `content/` (`incidents`), for relative links.
    pub dir: &'a str,
    /// Byte offset of the Markdown within `text`.
    pub offset: usize,
    /// Line starts of `text`, made once per file: a document renders its
    /// body and every timeline event and action against the same text.
    pub lines: &'a LineIndex,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Question {
    pub question: String,
    pub anchor: String,
    pub answer: String,
    /// Plain text of the answer, for search and JSON-LD.
    #[serde(skip)]
    pub answer_text: String,
}

/// An internal link emitted into the HTML, remembered so the final link check
/// can report a broken one at its place in the Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRecord {
    pub href: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Plain text of the whole body (search, word count).
    pub text: String,
    pub first_paragraph: String,
    /// With `split_questions`: the `##` sections; `html` is then the text before the first.
    pub questions: Vec<Question>,
    pub links: Vec<LinkRecord>,
    /// Every `id` the body defines (headings, footnotes).
    pub ids: Vec<String>,
}

/// Renders a document body; its broken links and unsafe HTML are reported.
pub fn render<'a>(
    markdown: &'a str,
    source: &'a Source<'a>,
    links: &'a Links,
    raw_html: RawHtml,
    split_questions: bool,
    diagnostics: &mut Diagnostics,
) -> Rendered {
    let mut r = Renderer::new(source, links, raw_html);
    r.run(markdown, split_questions);
    let (rendered, found) = r.finish();
    diagnostics.append(found);
    rendered
}

/// Renders one line of inline Markdown (timeline events, actions) without the
/// surrounding paragraph. `offset` is where the text starts in the file, for
/// locating errors (YAML values are located approximately).
pub fn render_inline(
    markdown: &str,
    source: &Source,
    links: &Links,
    raw_html: RawHtml,
    diagnostics: &mut Diagnostics,
) -> (String, Vec<LinkRecord>) {
    let rendered = render(markdown, source, links, raw_html, false, diagnostics);
    let html = rendered.html.trim();
    let inner = html
        .strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .filter(|h| !h.contains("<p>"))
        .unwrap_or(html);
    (inner.to_string(), rendered.links)
}

/// True for URLs with a scheme (`https:`, `mailto:`) or protocol-relative ones.
pub fn is_external(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !url[..i].contains('/')
        }
        None => false,
    }
}

/// Resolves `path` (relative to `dir`, or to content/ when it starts with `/`)
/// to a normalised path under content/; None when it climbs out.
pub fn resolve_relative(dir: &str, path: &str) -> Option<String> {
    let decoded = percent_decode(path);
    let mut parts: Vec<&str> = if decoded.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// `markdown` with the destination of every link, image and link reference
/// definition replaced by what `rewrite` makes of it (None keeps it): the
/// body as Markdown outside the site (OSV `details`), its relative links
/// made absolute. A destination is replaced where the source spells it as
/// parsed (one with escapes or entities stays as written).
pub fn rewrite_link_destinations(
    markdown: &str,
    rewrite: impl Fn(&str) -> Option<String>,
) -> String {
    let parser = Parser::new_ext(markdown, options()).into_offset_iter();
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut spans: Vec<(std::ops::Range<usize>, String)> = parser
        .reference_definitions()
        .iter()
        .map(|(_, def)| (def.span.clone(), def.dest.to_string()))
        .collect();
    for (event, range) in parser {
        if let Event::Start(
            Tag::Link {
                dest_url,
                link_type,
                ..
            }
            | Tag::Image {
                dest_url,
                link_type,
                ..
            },
        ) = &event
        {
            use pulldown_cmark::LinkType;
            // Reference links take their destination from a definition.
            if matches!(
                link_type,
                LinkType::Inline | LinkType::Autolink | LinkType::Email
            ) {
                spans.push((range, dest_url.to_string()));
            }
        }
    }
    for (span, dest) in spans {
        let Some(new) = rewrite(dest.trim()).filter(|n| *n != dest) else {
            continue;
        };
        let Some(text) = markdown.get(span.clone()) else {
            continue;
        };
        // The destination comes last in `[text](dest "title")`, and after
        // the label in a definition: its last occurrence in the span.
        if let Some(at) = text.rfind(dest.as_str()).filter(|_| !dest.is_empty()) {
            let start = span.start + at;
            edits.push((start..start + dest.len(), new));
        }
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(markdown.len());
    let mut done = 0;
    for (range, new) in edits {
        if range.start < done {
            continue;
        }
        out.push_str(&markdown[done..range.start]);
        out.push_str(&new);
        done = range.end;
    }
    out.push_str(&markdown[done..]);
    out
}

/// Decodes `%XX` escapes (links to files with spaces are written `a%20b.md`).
pub fn percent_decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            ) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Plain text of inline Markdown (titles of timeline events in feeds and JSON).
pub fn inline_text(markdown: &str) -> String {
    let events: Vec<Event> = Parser::new_ext(markdown, options()).collect();
    plain_text_of_events(&events)
}

/// Cleans raw HTML with ammonia, keeping the markup seckb itself generates.
pub(crate) fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id", "class", "aria-label", "data-lang"])
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        // Images and other embedded resources load from the site only.
        .attribute_filter(|element, attribute, value| {
            if attribute == "src" && element != "a" && is_external(value.trim()) {
                None
            } else {
                Some(value.into())
            }
        })
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

/// Cuts plain text to about `max` characters at a word boundary, adding "…".
pub fn truncate(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

#[cfg(test)]
mod tests;
