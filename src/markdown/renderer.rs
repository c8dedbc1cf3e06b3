//! The renderer: pulldown-cmark's events walked once per document, with
//! heading ids, the table of contents, FAQ questions, tables, code blocks
//! and the raw HTML policy ([`super::links`] rewrites the links).

use crate::config::RawHtml;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::highlight;
use crate::html::escape;
use crate::nesting;

use super::{is_external, options, sanitize, Links, Question, Rendered, Source, TocEntry};
use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};
use std::collections::HashMap;

pub(super) struct Renderer<'a> {
    pub(super) source: &'a Source<'a>,
    pub(super) links: &'a Links,
    pub(super) raw_html: RawHtml,
    pub(super) out: Rendered,
    pub(super) diagnostics: Diagnostics,
    pub(super) ids: HashMap<String, usize>,
    pub(super) has_raw_html: bool,
    pub(super) table: TableCells,
}

/// Where the renderer is in a table: pulldown-cmark's HTML writer aligns
/// cells with `style="text-align: …"`, which the site's Content-Security-
/// Policy (`style-src 'self'`) refuses, so seckb writes cell tags itself
/// with an `align-*` class the theme styles.
#[derive(Default)]
pub(super) struct TableCells {
    alignments: Vec<Alignment>,
    head: bool,
    cell: usize,
}

impl<'a> Renderer<'a> {
    pub(super) fn new(source: &'a Source<'a>, links: &'a Links, raw_html: RawHtml) -> Renderer<'a> {
        Renderer {
            source,
            links,
            raw_html,
            out: Rendered::default(),
            diagnostics: Diagnostics::new(),
            ids: HashMap::new(),
            has_raw_html: false,
            table: TableCells::default(),
        }
    }

    pub(super) fn location(&self, offset: usize) -> Location {
        let lines = self.source.lines;
        let (line, column) = lines.position(self.source.text, self.source.offset + offset);
        lines.location(self.source.file, self.source.text, line, column)
    }

    /// A unique id on this page: `slug`, `slug-1`, `slug-2`, …
    pub(super) fn unique_id(&mut self, base: &str) -> String {
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

    pub(super) fn run(&mut self, markdown: &'a str, split_questions: bool) {
        let events: Vec<(Event, std::ops::Range<usize>)> = Parser::new_ext(markdown, options())
            .into_offset_iter()
            .collect();
        if !self.within_depth(&events) {
            return;
        }
        let mut walk = Walk {
            html: Vec::with_capacity(events.len()),
            ..Walk::default()
        };
        let mut i = 0;
        while i < events.len() {
            match &events[i].0 {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    i = self.heading(
                        &events,
                        i,
                        (*level, id.as_ref()),
                        split_questions,
                        &mut walk,
                    );
                    continue;
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    i = code_block(&events, i, kind, &mut walk);
                    continue;
                }
                event => walk.note(event, &mut self.out.first_paragraph),
            }
            let rewritten = self.rewrite(std::slice::from_ref(&events[i]));
            walk.html.extend(rewritten);
            i += 1;
        }
        self.close_question(&mut walk.question, &mut walk.html);
        let mut html = String::with_capacity(markdown.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, walk.html.into_iter());
        if self.has_raw_html && self.raw_html == RawHtml::Sanitize {
            html = sanitize(&html);
            for q in &mut self.out.questions {
                q.answer = sanitize(&q.answer);
            }
        }
        self.out.html = html;
        self.out.text = walk.text;
    }

    /// The heading that starts at `events[i]`: its id (unique on the page),
    /// its table-of-contents entry and its anchor link; in a FAQ an `##`
    /// heading starts a question instead. Returns the index after it.
    fn heading(
        &mut self,
        events: &[(Event<'a>, std::ops::Range<usize>)],
        i: usize,
        (level, id): (HeadingLevel, Option<&CowStr<'a>>),
        split_questions: bool,
        walk: &mut Walk<'a>,
    ) -> usize {
        let end = find_end(events, i);
        let inner = &events[i + 1..end];
        let title = plain_text(inner);
        walk.text.push_str(&title);
        walk.text.push('\n');
        let base = id.map_or_else(|| crate::content::slugify(&title), |s| s.to_string());
        let id = self.unique_id(&base);
        if split_questions && level == HeadingLevel::H2 {
            self.close_question(&mut walk.question, &mut walk.html);
            walk.question = Some((title, id, walk.html.len()));
            return end + 1;
        }
        let level_num = heading_number(level);
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
        walk.html.push(Event::Html(CowStr::from(format!(
            "<h{level_num} id=\"{id}\">{inner_html} <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to “{}”\">#</a></h{level_num}>\n",
            escape(&title)
        ))));
        end + 1
    }

    /// Refuses a document nested deeper than `nesting::MAX_DEPTH` before any
    /// work whose cost grows with depth (see `nesting`).
    pub(super) fn within_depth(&mut self, events: &[(Event, std::ops::Range<usize>)]) -> bool {
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
    pub(super) fn close_question(
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
    pub(super) fn rewrite(
        &mut self,
        events: &[(Event<'a>, std::ops::Range<usize>)],
    ) -> Vec<Event<'a>> {
        events
            .iter()
            .map(|(event, range)| self.rewrite_one(event, range.start))
            .collect()
    }

    /// One event as the page writes it: links and images resolved, raw
    /// HTML under the site's policy, table cells classed, task markers and
    /// footnotes noted.
    fn rewrite_one(&mut self, event: &Event<'a>, offset: usize) -> Event<'a> {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type: *link_type,
                dest_url: self.link(dest_url, offset),
                title: title.clone(),
                id: id.clone(),
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = if is_external(dest_url.trim()) {
                    self.external_image(dest_url, offset)
                } else {
                    self.link(dest_url, offset)
                };
                Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                })
            }
            Event::Html(h) | Event::InlineHtml(h) => self.raw_html_event(event, h, offset),
            Event::Start(Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell)
            | Event::End(TagEnd::TableHead | TagEnd::TableCell) => self.table_event(event),
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
        }
    }

    /// Raw HTML under the site's `raw_html` policy: kept, kept for the
    /// sanitizer, or refused (an error, and the HTML shown as text).
    fn raw_html_event(&mut self, event: &Event<'a>, h: &CowStr<'a>, offset: usize) -> Event<'a> {
        match self.raw_html {
            RawHtml::Allow => event.clone(),
            RawHtml::Sanitize => {
                self.has_raw_html = true;
                event.clone()
            }
            RawHtml::Deny => {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::RawHtml,
                        format!("raw HTML is not allowed: `{}`", h.trim()),
                    )
                    .at(self.location(offset))
                    .help("use Markdown instead, or set `raw_html: sanitize` in seckb.yaml"),
                );
                Event::Text(h.clone())
            }
        }
    }

    /// A table event, with the cell tags written with an `align-*` class
    /// ([`TableCells`]).
    fn table_event(&mut self, event: &Event<'a>) -> Event<'a> {
        match event {
            Event::Start(Tag::Table(alignments)) => {
                self.table.alignments.clone_from(alignments);
            }
            Event::Start(Tag::TableHead) => (self.table.head, self.table.cell) = (true, 0),
            Event::End(TagEnd::TableHead) => self.table.head = false,
            Event::Start(Tag::TableRow) => self.table.cell = 0,
            Event::Start(Tag::TableCell) => {
                let tag = if self.table.head { "th" } else { "td" };
                let class = match self.table.alignments.get(self.table.cell) {
                    Some(Alignment::Left) => " class=\"align-left\"",
                    Some(Alignment::Center) => " class=\"align-center\"",
                    Some(Alignment::Right) => " class=\"align-right\"",
                    _ => "",
                };
                return Event::Html(CowStr::from(format!("<{tag}{class}>")));
            }
            Event::End(TagEnd::TableCell) => self.table.cell += 1,
            _ => {}
        }
        event.clone()
    }

    pub(super) fn finish(mut self) -> (Rendered, Diagnostics) {
        if self.out.toc.len() < 3 {
            self.out.toc.clear();
        }
        (self.out, self.diagnostics)
    }
}

/// What the walk over a document's events has made so far.
#[derive(Default)]
pub(super) struct Walk<'a> {
    /// The events to write as HTML.
    html: Vec<Event<'a>>,
    /// The open question of an FAQ: (question, anchor, start in `html`).
    question: Option<(String, String, usize)>,
    in_first_paragraph: bool,
    first_done: bool,
    /// The plain text, for search and word counts.
    text: String,
}

impl Walk<'_> {
    /// Notes what `event` adds to the plain text and the first paragraph.
    fn note(&mut self, event: &Event, first_paragraph: &mut String) {
        match event {
            Event::Start(Tag::Paragraph) if !self.first_done && self.question.is_none() => {
                self.in_first_paragraph = true;
            }
            Event::End(TagEnd::Paragraph) if self.in_first_paragraph => {
                self.in_first_paragraph = false;
                self.first_done = true;
                self.text.push('\n');
            }
            Event::Text(t) | Event::Code(t) => {
                if self.in_first_paragraph {
                    first_paragraph.push_str(t);
                }
                self.text.push_str(t);
            }
            Event::SoftBreak | Event::HardBreak => {
                if self.in_first_paragraph {
                    first_paragraph.push(' ');
                }
                self.text.push(' ');
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) => {
                self.text.push('\n');
            }
            _ => {}
        }
    }
}

/// The code block that starts at `events[i]`, highlighted. Returns the
/// index after it.
fn code_block<'a>(
    events: &[(Event<'a>, std::ops::Range<usize>)],
    i: usize,
    kind: &CodeBlockKind,
    walk: &mut Walk<'a>,
) -> usize {
    let end = find_end(events, i);
    let mut code = String::new();
    for (e, _) in &events[i + 1..end] {
        if let Event::Text(t) = e {
            code.push_str(t);
        }
    }
    walk.text.push_str(&code);
    walk.text.push('\n');
    let lang = match kind {
        CodeBlockKind::Fenced(l) => l.to_string(),
        CodeBlockKind::Indented => String::new(),
    };
    walk.html
        .push(Event::Html(CowStr::from(highlight::code_block(
            &code, &lang,
        ))));
    end + 1
}

/// The index of the event that closes the one that opens at `start`.
pub(super) fn find_end(events: &[(Event, std::ops::Range<usize>)], start: usize) -> usize {
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

pub(super) fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

pub(super) fn plain_text(events: &[(Event, std::ops::Range<usize>)]) -> String {
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

pub(super) fn plain_text_of_events(events: &[Event]) -> String {
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
