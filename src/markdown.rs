//! Markdown to HTML with pulldown-cmark: one options factory, heading ids and
//! anchor links, a table of contents, `.md` links rewritten to page URLs,
//! highlighted code, raw HTML policy, plain text for summaries and search, and
//! FAQ questions split at `##` headings.

use crate::config::RawHtml;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::highlight::{self, escape};
use crate::nesting;

pub use crate::diagnostics::LineIndex;
use pulldown_cmark::{
    Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

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

/// Everything link rewriting needs to know about the site.
#[derive(Debug, Default)]
pub struct Links {
    /// Documents by path under `content/` (`faq/api-keys.md`).
    pub documents: rustc_hash::FxHashMap<String, LinkTarget>,
    /// Files next to documents that pages may use, by path under `content/`.
    pub assets: rustc_hash::FxHashSet<String>,
    /// Files of unpublished bundles ([`crate::attachments`]): linking to
    /// one is linking to unpublished material.
    pub withheld: rustc_hash::FxHashMap<String, crate::attachments::Withheld>,
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

/// Renders a document body.
pub fn render<'a>(
    markdown: &'a str,
    source: &'a Source<'a>,
    links: &'a Links,
    raw_html: RawHtml,
    split_questions: bool,
) -> (Rendered, Vec<Diagnostic>) {
    let mut r = Renderer::new(source, links, raw_html);
    r.run(markdown, split_questions);
    r.finish()
}

/// Renders one line of inline Markdown (timeline events, actions) without the
/// surrounding paragraph. `offset` is where the text starts in the file, for
/// locating errors (YAML values are located approximately).
pub fn render_inline(
    markdown: &str,
    source: &Source,
    links: &Links,
    raw_html: RawHtml,
) -> (String, Vec<LinkRecord>, Vec<Diagnostic>) {
    let (rendered, diagnostics) = render(markdown, source, links, raw_html, false);
    let html = rendered.html.trim();
    let inner = html
        .strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .filter(|h| !h.contains("<p>"))
        .unwrap_or(html);
    (inner.to_string(), rendered.links, diagnostics)
}

struct Renderer<'a> {
    source: &'a Source<'a>,
    links: &'a Links,
    raw_html: RawHtml,
    out: Rendered,
    diagnostics: Vec<Diagnostic>,
    ids: HashMap<String, usize>,
    has_raw_html: bool,
    table: TableCells,
}

/// Where the renderer is in a table: pulldown-cmark's HTML writer aligns
/// cells with `style="text-align: …"`, which the site's Content-Security-
/// Policy (`style-src 'self'`) refuses, so seckb writes cell tags itself
/// with an `align-*` class the theme styles.
#[derive(Default)]
struct TableCells {
    alignments: Vec<Alignment>,
    head: bool,
    cell: usize,
}

impl<'a> Renderer<'a> {
    fn new(source: &'a Source<'a>, links: &'a Links, raw_html: RawHtml) -> Renderer<'a> {
        Renderer {
            source,
            links,
            raw_html,
            out: Rendered::default(),
            diagnostics: Vec::new(),
            ids: HashMap::new(),
            has_raw_html: false,
            table: TableCells::default(),
        }
    }

    fn location(&self, offset: usize) -> Location {
        let lines = self.source.lines;
        let (line, column) = lines.position(self.source.text, self.source.offset + offset);
        lines.location(self.source.file, self.source.text, line, column)
    }

    /// A unique id on this page: `slug`, `slug-1`, `slug-2`, …
    fn unique_id(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section" } else { base };
        let mut id = base.to_string();
        while let Some(n) = self.ids.get(&id).copied() {
            self.ids.insert(id.clone(), n + 1);
            id = format!("{base}-{}", n + 1);
        }
        self.ids.insert(id.clone(), 0);
        self.out.ids.push(id.clone());
        id
    }

    fn run(&mut self, markdown: &'a str, split_questions: bool) {
        let events: Vec<(Event, std::ops::Range<usize>)> = Parser::new_ext(markdown, options())
            .into_offset_iter()
            .collect();
        if !self.within_depth(&events) {
            return;
        }
        let mut html_events: Vec<Event> = Vec::with_capacity(events.len());
        // The open question of an FAQ: (question, anchor, start in html_events).
        let mut question: Option<(String, String, usize)> = None;
        let mut in_first_paragraph = false;
        let mut first_done = false;
        let mut text = String::new();
        let mut i = 0;
        while i < events.len() {
            let (event, _) = &events[i];
            match event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    let end = find_end(&events, i);
                    let inner = &events[i + 1..end];
                    let title = plain_text(inner);
                    text.push_str(&title);
                    text.push('\n');
                    let base = id
                        .as_ref()
                        .map_or_else(|| crate::content::slugify(&title), |s| s.to_string());
                    let id = self.unique_id(&base);
                    if split_questions && *level == HeadingLevel::H2 {
                        self.close_question(&mut question, &mut html_events);
                        question = Some((title, id, html_events.len()));
                        i = end + 1;
                        continue;
                    }
                    let level_num = heading_number(*level);
                    if (2..=3).contains(&level_num) {
                        self.out.toc.push(TocEntry {
                            level: level_num,
                            id: id.clone(),
                            title: title.clone(),
                        });
                    }
                    let mut inner_html = String::new();
                    let inner_events = self.rewrite(inner);
                    pulldown_cmark::html::push_html(&mut inner_html, inner_events.into_iter());
                    // A `{#custom-id}` is author text: escaped like any attribute value.
                    let id = escape(&id);
                    html_events.push(Event::Html(CowStr::from(format!(
                        "<h{level_num} id=\"{id}\">{inner_html} <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to “{}”\">#</a></h{level_num}>\n",
                        escape(&title)
                    ))));
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let end = find_end(&events, i);
                    let mut code = String::new();
                    for (e, _) in &events[i + 1..end] {
                        if let Event::Text(t) = e {
                            code.push_str(t);
                        }
                    }
                    text.push_str(&code);
                    text.push('\n');
                    let lang = match kind {
                        CodeBlockKind::Fenced(l) => l.to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    html_events.push(Event::Html(CowStr::from(highlight::code_block(
                        &code, &lang,
                    ))));
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::Paragraph) if !first_done && question.is_none() => {
                    in_first_paragraph = true;
                }
                Event::End(TagEnd::Paragraph) if in_first_paragraph => {
                    in_first_paragraph = false;
                    first_done = true;
                    text.push('\n');
                }
                Event::Text(t) | Event::Code(t) => {
                    if in_first_paragraph {
                        self.out.first_paragraph.push_str(t);
                    }
                    text.push_str(t);
                }
                Event::SoftBreak | Event::HardBreak => {
                    if in_first_paragraph {
                        self.out.first_paragraph.push(' ');
                    }
                    text.push(' ');
                }
                Event::End(
                    TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
                ) => {
                    text.push('\n');
                }
                _ => {}
            }
            let rewritten = self.rewrite(std::slice::from_ref(&events[i]));
            html_events.extend(rewritten);
            i += 1;
        }
        self.close_question(&mut question, &mut html_events);
        let mut html = String::with_capacity(markdown.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, html_events.into_iter());
        if self.has_raw_html && self.raw_html == RawHtml::Sanitize {
            html = sanitize(&html);
            for q in &mut self.out.questions {
                q.answer = sanitize(&q.answer);
            }
        }
        self.out.html = html;
        self.out.text = text;
    }

    /// Refuses a document nested deeper than `nesting::MAX_DEPTH` before any
    /// work whose cost grows with depth (see `nesting`).
    fn within_depth(&mut self, events: &[(Event, std::ops::Range<usize>)]) -> bool {
        let mut depth = nesting::Depth::default();
        let count_html = self.raw_html != RawHtml::Deny;
        let Some((_, range)) = events
            .iter()
            .find(|(event, _)| depth.event(event, count_html) > nesting::MAX_DEPTH)
        else {
            return true;
        };
        self.diagnostics.push(
            Diagnostic::error(
                Code::NestingTooDeep,
                format!(
                    "the document nests more than {} levels deep (lists, block quotes, emphasis or HTML elements inside each other)",
                    nesting::MAX_DEPTH
                ),
            )
            .at(self.location(range.start))
            .help("flatten the structure; browsers stop nesting elements at 512 levels anyway"),
        );
        false
    }

    /// Ends the open FAQ question: its answer is the HTML emitted since it began.
    fn close_question(
        &mut self,
        question: &mut Option<(String, String, usize)>,
        html_events: &mut Vec<Event<'a>>,
    ) {
        if let Some((q, anchor, start)) = question.take() {
            let answer_events: Vec<Event> = html_events.drain(start..).collect();
            let answer_text = plain_text_of_events(&answer_events);
            let mut answer = String::new();
            pulldown_cmark::html::push_html(&mut answer, answer_events.into_iter());
            self.out.questions.push(Question {
                question: q,
                anchor,
                answer,
                answer_text,
            });
        }
    }

    /// Applies link rewriting, raw-HTML policy and task-list markup to events.
    fn rewrite(&mut self, events: &[(Event<'a>, std::ops::Range<usize>)]) -> Vec<Event<'a>> {
        let mut out = Vec::with_capacity(events.len());
        for (event, range) in events {
            let event = match event {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest = self.link(dest_url, range.start);
                    Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: dest,
                        title: title.clone(),
                        id: id.clone(),
                    })
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest = if is_external(dest_url.trim()) {
                        self.external_image(dest_url, range.start)
                    } else {
                        self.link(dest_url, range.start)
                    };
                    Event::Start(Tag::Image {
                        link_type: *link_type,
                        dest_url: dest,
                        title: title.clone(),
                        id: id.clone(),
                    })
                }
                Event::Html(h) | Event::InlineHtml(h) => {
                    match self.raw_html {
                        RawHtml::Allow => event.clone(),
                        RawHtml::Sanitize => {
                            self.has_raw_html = true;
                            event.clone()
                        }
                        RawHtml::Deny => {
                            self.diagnostics.push(
                            Diagnostic::error(Code::RawHtml, format!("raw HTML is not allowed: `{}`", h.trim()))
                                .at(self.location(range.start))
                                .help("use Markdown instead, or set `raw_html: sanitize` in seckb.yaml"),
                        );
                            Event::Text(h.clone())
                        }
                    }
                }
                Event::Start(Tag::Table(alignments)) => {
                    self.table.alignments.clone_from(alignments);
                    event.clone()
                }
                Event::Start(Tag::TableHead) => {
                    (self.table.head, self.table.cell) = (true, 0);
                    event.clone()
                }
                Event::End(TagEnd::TableHead) => {
                    self.table.head = false;
                    event.clone()
                }
                Event::Start(Tag::TableRow) => {
                    self.table.cell = 0;
                    event.clone()
                }
                Event::Start(Tag::TableCell) => {
                    let tag = if self.table.head { "th" } else { "td" };
                    let class = match self.table.alignments.get(self.table.cell) {
                        Some(Alignment::Left) => " class=\"align-left\"",
                        Some(Alignment::Center) => " class=\"align-center\"",
                        Some(Alignment::Right) => " class=\"align-right\"",
                        _ => "",
                    };
                    Event::Html(CowStr::from(format!("<{tag}{class}>")))
                }
                Event::End(TagEnd::TableCell) => {
                    self.table.cell += 1;
                    event.clone()
                }
                Event::TaskListMarker(done) => Event::Html(CowStr::from(if *done {
                    "<input type=\"checkbox\" checked disabled aria-label=\"done\"> "
                } else {
                    "<input type=\"checkbox\" disabled aria-label=\"not done\"> "
                })),
                Event::FootnoteReference(_) | Event::Start(Tag::FootnoteDefinition(_)) => {
                    if let Event::Start(Tag::FootnoteDefinition(name)) = event {
                        self.out.ids.push(name.to_string());
                    }
                    event.clone()
                }
                _ => event.clone(),
            };
            out.push(event);
        }
        out
    }

    /// An image from another origin would make every reader's browser contact
    /// it (and the CSP blocks it anyway): images must be files of the site.
    fn external_image(&mut self, dest: &CowStr<'a>, offset: usize) -> CowStr<'a> {
        self.diagnostics.push(
            Diagnostic::error(
                Code::InvalidUrl,
                format!("external image `{}`: the built site must not load anything from another origin", dest.trim()),
            )
            .at(self.location(offset))
            .help("save the image next to the document and link it by its file name"),
        );
        CowStr::from("")
    }

    /// Rewrites a link destination and records internal ones for checking.
    fn link(&mut self, dest: &CowStr<'a>, offset: usize) -> CowStr<'a> {
        let dest_str = dest.trim();
        let lower = dest_str.to_ascii_lowercase();
        if ["javascript:", "data:", "vbscript:", "file:"]
            .iter()
            .any(|s| lower.starts_with(s))
        {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::InvalidUrl,
                    format!(
                        "links with `{}` URLs are not allowed",
                        &lower[..lower.find(':').unwrap_or(0)]
                    ),
                )
                .at(self.location(offset))
                .help("link to an http(s) page or a document of the site"),
            );
            return CowStr::from("#");
        }
        if is_external(dest_str) || dest_str.is_empty() {
            return dest.clone();
        }
        let (path, fragment) = match dest_str.find('#') {
            Some(i) => (&dest_str[..i], &dest_str[i..]),
            None => (dest_str, ""),
        };
        let (line, column) = self
            .source
            .lines
            .position(self.source.text, self.source.offset + offset);
        if path.is_empty() {
            self.out.links.push(LinkRecord {
                href: dest_str.to_string(),
                line,
                column,
            });
            return dest.clone();
        }
        let resolved = resolve_relative(self.source.dir, path);
        let href = if path.ends_with(".md") {
            match resolved.as_ref().and_then(|p| self.links.documents.get(p)) {
                Some(LinkTarget {
                    state: TargetState::Published,
                    url,
                }) => format!("{url}{fragment}"),
                Some(LinkTarget {
                    state: TargetState::Invalid,
                    ..
                }) => return CowStr::from("#"),
                Some(LinkTarget {
                    state: TargetState::Unpublished(reason),
                    ..
                }) => {
                    let target = resolved.as_deref().unwrap_or(path);
                    self.diagnostics.push(
                        Diagnostic::error(
                            Code::LinkToUnpublished,
                            format!(
                                "{} links to content/{target}, which is {reason} and not published in this build",
                                self.source.file.display()
                            ),
                        )
                        .at(self.location(offset))
                        .help("remove the link, or publish the target at this TLP level"),
                    );
                    return CowStr::from("#");
                }
                None => {
                    self.diagnostics.push(
                        Diagnostic::error(Code::BrokenLink, format!("link to `{path}`: no such document"))
                            .at(self.location(offset))
                            .help("links between documents are paths relative to this file, such as ../faq/api-keys.md"),
                    );
                    return CowStr::from("#");
                }
            }
        } else if let Some((file, withheld)) = resolved
            .as_ref()
            .and_then(|p| Some((p, self.links.withheld.get(p)?)))
        {
            if let TargetState::Unpublished(reason) = &withheld.state {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::LinkToUnpublished,
                        format!(
                            "{} links to content/{file}, a file of content/{}, which is {reason} and not published in this build",
                            self.source.file.display(),
                            withheld.owner
                        ),
                    )
                    .at(self.location(offset))
                    .help("remove the link, move the file out of the bundle, or publish the bundle at this TLP level"),
                );
            }
            return CowStr::from("#");
        } else if let Some(asset) = resolved.filter(|p| self.links.assets.contains(p)) {
            format!("{}{asset}{fragment}", self.links.base_path)
        } else if let Some(site_path) = path.strip_prefix('/') {
            format!("{}{site_path}{fragment}", self.links.base_path)
        } else {
            dest_str.to_string()
        };
        self.out.links.push(LinkRecord {
            href: href.clone(),
            line,
            column,
        });
        CowStr::from(href)
    }

    fn finish(mut self) -> (Rendered, Vec<Diagnostic>) {
        if self.out.toc.len() < 3 {
            self.out.toc.clear();
        }
        (self.out, self.diagnostics)
    }
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

fn find_end(events: &[(Event, std::ops::Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn plain_text(events: &[(Event, std::ops::Range<usize>)]) -> String {
    let mut s = String::new();
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

fn plain_text_of_events(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item) => s.push(' '),
            _ => {}
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Plain text of inline Markdown (titles of timeline events in feeds and JSON).
pub fn inline_text(markdown: &str) -> String {
    let events: Vec<Event> = Parser::new_ext(markdown, options()).collect();
    plain_text_of_events(&events)
}

/// Cleans raw HTML with ammonia, keeping the markup seckb itself generates.
fn sanitize(html: &str) -> String {
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
mod tests {
    use super::*;

    fn links() -> Links {
        let mut l = Links {
            base_path: "/kb/".into(),
            ..Links::default()
        };
        l.documents.insert(
            "faq/api-keys.md".into(),
            LinkTarget {
                url: "/kb/faq/api-keys/".into(),
                state: TargetState::Published,
            },
        );
        l.documents.insert(
            "incidents/secret.md".into(),
            LinkTarget {
                url: "/kb/incidents/secret/".into(),
                state: TargetState::Unpublished("TLP:AMBER".into()),
            },
        );
        l.assets.insert("incidents/diagram.png".into());
        l
    }

    fn run(md: &str, split: bool) -> (Rendered, Vec<Diagnostic>) {
        let text = format!("---\ntitle: x\n---\n{md}");
        let lines = LineIndex::new(&text);
        let source = Source {
            file: Path::new("content/incidents/a.md"),
            text: &text,
            dir: "incidents",
            offset: 17,
            lines: &lines,
        };
        render(md, &source, &links(), RawHtml::Sanitize, split)
    }

    #[test]
    fn headings_get_unique_ids_and_anchor_links() {
        let (r, _) = run("## Rotate keys\n\n## Rotate keys\n\n### Why?\n", false);
        assert!(
            r.html.contains(
                "<h2 id=\"rotate-keys\">Rotate keys <a class=\"anchor\" href=\"#rotate-keys\""
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains("<h2 id=\"rotate-keys-1\">"));
        assert_eq!(
            r.toc.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
            ["rotate-keys", "rotate-keys-1", "why"]
        );
    }

    #[test]
    fn md_links_are_rewritten_and_broken_ones_located() {
        let (r, d) = run(
            "See [keys](../faq/api-keys.md#rotate) and [img](diagram.png).\n\n[x](nope.md)\n",
            false,
        );
        assert!(
            r.html.contains("href=\"/kb/faq/api-keys/#rotate\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("href=\"/kb/incidents/diagram.png\""));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::BrokenLink);
        let loc = d[0].location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (6, 1));
        assert_eq!(
            r.links[0],
            LinkRecord {
                href: "/kb/faq/api-keys/#rotate".into(),
                line: 4,
                column: 5
            }
        );
    }

    #[test]
    fn link_destinations_are_rewritten_where_written() {
        let md = "See [the FAQ](../faq/x.md#a \"t\") and ![d](d.png), [ref][r], <https://e.org/>, `[no](x.md)`.\n\n[r]: ../faq/y.md\n";
        let out = rewrite_link_destinations(md, |d| {
            (!is_external(d)).then(|| format!("https://kb.example/{}", d.trim_start_matches("../")))
        });
        assert_eq!(
            out,
            "See [the FAQ](https://kb.example/faq/x.md#a \"t\") and ![d](https://kb.example/d.png), [ref][r], <https://e.org/>, `[no](x.md)`.\n\n[r]: https://kb.example/faq/y.md\n"
        );
    }

    #[test]
    fn links_to_unpublished_documents_are_errors() {
        let (_, d) = run("[s](secret.md)\n", false);
        assert_eq!(d[0].code, Code::LinkToUnpublished);
    }

    #[test]
    fn faq_bodies_split_into_questions() {
        let (r, _) = run(
            "Intro.\n\n## Was my data exposed?\n\nNo.\n\n## What now?\n\nRotate.\n",
            true,
        );
        assert_eq!(r.html.trim(), "<p>Intro.</p>");
        assert_eq!(r.questions.len(), 2);
        assert_eq!(r.questions[0].anchor, "was-my-data-exposed");
        assert_eq!(r.questions[0].answer.trim(), "<p>No.</p>");
        assert_eq!(r.questions[1].answer_text, "Rotate.");
    }

    #[test]
    fn external_images_are_refused() {
        let (r, d) = run("![chart](https://cdn.example/chart.png)\n\n<img src=\"https://t.example/p.gif\" alt=\"p\">\n", false);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::InvalidUrl);
        assert!(
            !r.html.contains("cdn.example") && !r.html.contains("t.example"),
            "{}",
            r.html
        );
    }

    #[test]
    fn documents_nested_too_deep_are_refused_where_the_limit_is_crossed() {
        let (r, d) = run(&"> ".repeat(10_000), false);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::NestingTooDeep);
        let loc = d[0].location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (4, 2 * nesting::MAX_DEPTH + 1));
        assert!(r.html.is_empty());
        let (_, d) = run(&format!("{}x\n", "<div>".repeat(300)), false);
        assert_eq!(d[0].code, Code::NestingTooDeep);
        let (r, d) = run(
            &format!("{}x\n", "> ".repeat(nesting::MAX_DEPTH - 1)),
            false,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            r.html.matches("<blockquote>").count(),
            nesting::MAX_DEPTH - 1
        );
    }

    #[test]
    fn aligned_table_cells_get_classes_not_inline_styles() {
        // Regression (found by the markdown fuzz target): `style=` attributes
        // that the site's Content-Security-Policy refuses.
        let (r, _) = run(
            "| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n",
            false,
        );
        assert!(!r.html.contains("style="), "{}", r.html);
        assert!(
            r.html.contains("<th class=\"align-left\">a</th><th class=\"align-center\">b</th><th class=\"align-right\">c</th><th>d</th>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<td class=\"align-left\">1</td><td class=\"align-center\">2</td><td class=\"align-right\">3</td><td>4</td>"),
            "{}",
            r.html
        );
        // The same with raw HTML elsewhere in the body (sanitized).
        let (r, _) = run("<b>x</b>\n\n| a |\n|--:|\n| 1 |\n", false);
        assert!(
            r.html.contains("<td class=\"align-right\">1</td>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn custom_heading_ids_cannot_break_out_of_the_attribute() {
        // Regression (found by the hostile-input suite): `{#id}` was emitted unescaped.
        let (r, _) = run("## Title {#x\"onmouseover=\"alert(1)}\n", false);
        assert!(
            r.html.contains(
                "<h2 id=\"x&quot;onmouseover=&quot;alert(1)\">Title <a class=\"anchor\" href=\"#x&quot;onmouseover=&quot;alert(1)\""
            ),
            "{}",
            r.html
        );
    }

    #[test]
    fn raw_html_is_sanitized_and_scripts_refused() {
        let (r, _) = run(
            "<img src=x onerror=alert(1)><script>alert(1)</script>\n\n[x](javascript:alert(1))\n",
            false,
        );
        assert!(
            !r.html.contains("onerror") && !r.html.contains("<script"),
            "{}",
            r.html
        );
    }

    #[test]
    fn relative_paths_resolve_inside_content_only() {
        assert_eq!(
            resolve_relative("incidents", "../faq/a.md").as_deref(),
            Some("faq/a.md")
        );
        assert_eq!(
            resolve_relative("incidents", "/guides/b.md").as_deref(),
            Some("guides/b.md")
        );
        assert_eq!(resolve_relative("incidents", "../../x.md"), None);
        assert_eq!(resolve_relative("", "a%20b.md").as_deref(), Some("a b.md"));
        assert_eq!(percent_decode("%é%2"), "%é%2");
    }

    #[test]
    fn truncation_cuts_at_words() {
        assert_eq!(truncate("one two three four", 9), "one two…");
        assert_eq!(truncate("short", 200), "short");
    }

    #[test]
    fn plain_text_separates_every_paragraph() {
        // Search and word counts read `text`: "first.Second" would be one identifier.
        let (r, _) = run("First paragraph.\n\nSecond one.\n", false);
        assert_eq!(r.text, "First paragraph.\nSecond one.\n");
    }
}
