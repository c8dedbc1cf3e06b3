//! A bound on how deeply a document may nest (block quotes, lists, emphasis,
//! raw HTML elements), checked before a document is rendered.
//!
//! pulldown-cmark and seckb's renderer handle any depth iteratively, but the
//! HTML sanitizer does not scale with it: html5ever walks the stack of open
//! elements for every tag, so a 1 MB document of `>` or `<div>` would take
//! hours to sanitize. Browsers stop nesting at 512 levels anyway, and no real
//! advisory comes near the limit, so a deeper document is an error that names
//! the line where the limit is crossed.

use pulldown_cmark::Event;

/// The deepest nesting a document may have, Markdown and raw HTML together.
pub(crate) const MAX_DEPTH: usize = 256;

/// HTML elements that never have content, so never nest.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Follows the nesting depth through a document's events.
#[derive(Debug, Default)]
pub(crate) struct Depth {
    markdown: usize,
    /// Raw HTML elements still open, innermost last (lower-case names).
    html: Vec<String>,
}

impl Depth {
    /// The current depth: open Markdown containers plus open raw HTML elements.
    pub(crate) fn current(&self) -> usize {
        self.markdown + self.html.len()
    }

    /// Takes one event into account and returns the deepest nesting reached
    /// while it applied; `count_html` is false when raw HTML is not emitted as
    /// HTML (the `deny` policy turns it into text).
    pub(crate) fn event(&mut self, event: &Event, count_html: bool) -> usize {
        match event {
            Event::Start(_) => self.markdown += 1,
            Event::End(_) => self.markdown = self.markdown.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) if count_html => return self.html(html),
            _ => {}
        }
        self.current()
    }

    /// Applies the tags of a raw HTML fragment: a start tag opens an element
    /// (unless void or self-closed), an end tag closes the innermost open
    /// element of its name and everything opened inside it, as HTML parsers do.
    /// Returns the deepest nesting reached inside the fragment.
    fn html(&mut self, html: &str) -> usize {
        let mut deepest = self.current();
        let mut rest = html;
        while let Some(i) = rest.find('<') {
            rest = &rest[i + 1..];
            let closing = rest.starts_with('/');
            let tag = if closing { &rest[1..] } else { rest };
            let name_len = tag
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                .unwrap_or(tag.len());
            if name_len == 0 || !tag.starts_with(|c: char| c.is_ascii_alphabetic()) {
                continue;
            }
            let name = tag[..name_len].to_ascii_lowercase();
            let end = tag.find('>');
            if closing {
                if let Some(open) = self.html.iter().rposition(|n| *n == name) {
                    self.html.truncate(open);
                }
            } else if !VOID.contains(&name.as_str())
                && !end.is_some_and(|e| tag[..e].ends_with('/'))
            {
                self.html.push(name);
                deepest = deepest.max(self.current());
            }
        }
        deepest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn max_depth(markdown: &str) -> usize {
        let mut depth = Depth::default();
        let mut max = 0;
        for event in Parser::new_ext(markdown, Options::empty()) {
            max = max.max(depth.event(&event, true));
        }
        max
    }

    #[test]
    fn markdown_containers_nest() {
        assert_eq!(max_depth("text\n"), 1);
        assert_eq!(max_depth("> > quote\n"), 3);
        assert_eq!(max_depth("- a\n  - b\n    - *c*\n"), 7);
        assert_eq!(max_depth(&format!("{}x", "> ".repeat(300))), 301);
    }

    #[test]
    fn raw_html_elements_nest_until_closed() {
        // An HTML block is a Markdown container of its own.
        assert_eq!(max_depth("<div><div><div>x</div></div></div>\n"), 4);
        assert_eq!(
            max_depth("<div>\n\n<span>a</span> <br> <img src=x/> <x-y/>\n\n</div>\n"),
            3
        );
        // An end tag closes what was opened inside its element; stray ones do nothing.
        assert_eq!(max_depth("<div><b><i>x</div></span></p>\n\n<p>y</p>\n"), 4);
        assert_eq!(max_depth(&"<div>".repeat(1000)), 1001);
        assert_eq!(max_depth("a < b and <3 and <!-- c -->\n"), 1);
    }
}
