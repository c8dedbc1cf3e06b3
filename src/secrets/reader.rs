//! The text as a reader sees it. A key can be published whole without ever
//! being written whole: `&#65;KIA…` (an entity), `AKIA<!-- -->…` (a
//! comment), `AKIA<span></span>…` or `AKIA**…**` (markup with no gap), or
//! `\u0041KIA…` in JSON. The scan reads each file twice: as written, and as
//! this module renders it — comments and inline tags dropped without a gap,
//! other tags replaced by a space, entities and escapes decoded, invisible
//! characters (soft hyphens, zero-width spaces) dropped.
//!
//! A rendering may keep a map back to the bytes as written, so a finding in
//! it is located, and masked, where it is in the file.
//!
//! HTML and JSON, most of a build's output, are rendered only where the
//! reader's text can differ in a way that matters ([`windows`]): around
//! each join, and where a key's value is behind markup. Rendering every
//! page whole was the largest part of the scan.

use super::decode::entity;
use super::decode::escape;
use super::decode::has_invisible;
use super::decode::html;
use super::decode::invisible;
use super::decode::json;
use super::decode::tag;

/// How a reader gets from a file's bytes to its text: by its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Shown as written (plain text, CSS, YAML, source code).
    Text,
    /// Markdown: HTML inside it counts, and `*`, `` ` `` and `~` marks
    /// vanish into emphasis, code and strike-through.
    Markdown,
    /// HTML: tags, comments and entities.
    Html,
    /// XML (feeds, sitemaps, SVG): markup and entities, and HTML escaped
    /// inside it (an Atom `content type="html"`).
    Xml,
    /// JSON and JavaScript: string escapes, and HTML inside strings.
    Json,
}

impl Format {
    /// The format of a file, by its name.
    pub fn of_path(path: &str) -> Format {
        let name = path.rsplit('/').next().unwrap_or(path);
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "html" | "htm" | "xhtml" => Format::Html,
            "xml" | "svg" | "atom" | "rss" | "xsl" | "xslt" => Format::Xml,
            "json" | "jsonld" | "geojson" | "webmanifest" | "map" | "js" | "mjs" | "cjs" => {
                Format::Json
            }
            "md" | "markdown" => Format::Markdown,
            _ => Format::Text,
        }
    }
}

/// A piece of a rendering and where it came from.
#[derive(Debug, Clone, Copy)]
struct Seg {
    /// Where the piece starts in the rendering.
    out: usize,
    /// The bytes of the input it renders.
    from: usize,
    to: usize,
    /// Copied byte for byte (else decoded: an entity, an escape).
    copied: bool,
}

/// One rendering step's output and, when asked for, its map.
pub struct Layer {
    pub text: Vec<u8>,
    segs: Option<Vec<Seg>>,
}

impl Layer {
    /// The input span a span of this layer's text renders.
    fn source(&self, start: usize, end: usize) -> (usize, usize) {
        let Some(segs) = &self.segs else {
            return (start, end);
        };
        let at = |p: usize| segs.partition_point(|s| s.out <= p).checked_sub(1);
        let from = at(start).map_or(0, |i| {
            let s = segs[i];
            if s.copied {
                s.from + (start - s.out)
            } else {
                s.from
            }
        });
        let to = at(end.saturating_sub(1).max(start)).map_or(from, |i| {
            let s = segs[i];
            if s.copied {
                (s.from + (end - s.out)).min(s.to)
            } else {
                s.to
            }
        });
        (from, to.max(from))
    }
}

/// Builds a layer: copies and replacements, recorded when a map is wanted.
pub(super) struct Builder {
    text: Vec<u8>,
    segs: Option<Vec<Seg>>,
}

impl Builder {
    pub(super) fn new(capacity: usize, mapped: bool) -> Builder {
        Builder {
            text: Vec::with_capacity(capacity),
            segs: mapped.then(Vec::new),
        }
    }

    pub(super) fn copy(&mut self, input: &[u8], from: usize, to: usize) {
        if from >= to {
            return;
        }
        if let Some(segs) = &mut self.segs {
            segs.push(Seg {
                out: self.text.len(),
                from,
                to,
                copied: true,
            });
        }
        self.text.extend_from_slice(&input[from..to]);
    }

    /// `bytes` stands for input `from..to` (empty: the input vanishes).
    pub(super) fn replace(&mut self, bytes: &[u8], from: usize, to: usize) {
        if bytes.is_empty() {
            return;
        }
        if let Some(segs) = &mut self.segs {
            segs.push(Seg {
                out: self.text.len(),
                from,
                to,
                copied: false,
            });
        }
        self.text.extend_from_slice(bytes);
    }

    pub(super) fn finish(self) -> Layer {
        Layer {
            text: self.text,
            segs: self.segs,
        }
    }
}

/// The reader's rendering of `raw`, as layers applied in order (JSON
/// escapes, then the HTML inside strings), or none when the reader sees the
/// bytes as written.
pub struct Rendering {
    layers: Vec<Layer>,
}

impl Rendering {
    /// The reader's text (the last layer).
    pub fn text(&self) -> Option<&[u8]> {
        self.layers.last().map(|l| l.text.as_slice())
    }

    /// The span of the original bytes a span of the reader's text comes
    /// from (exact only for a mapped rendering).
    pub fn source(&self, start: usize, end: usize) -> (usize, usize) {
        self.layers
            .iter()
            .rev()
            .fold((start, end), |(s, e), layer| layer.source(s, e))
    }
}

/// Renders `raw` as a reader of `format` sees it; `mapped` keeps the map
/// back to `raw` (only needed once something was found).
pub fn render(raw: &[u8], format: Format, mapped: bool) -> Rendering {
    fn last<'a>(raw: &'a [u8], layers: &'a [Layer]) -> &'a [u8] {
        layers.last().map_or(raw, |l| l.text.as_slice())
    }
    let mut layers: Vec<Layer> = Vec::new();
    let markup = |text: &[u8]| memchr::memchr2(b'<', b'&', text).is_some() || has_invisible(text);
    match format {
        Format::Text => {}
        Format::Markdown => {
            if markup(raw) || memchr::memchr3(b'*', b'`', b'~', raw).is_some() {
                layers.push(html(raw, true, mapped));
            }
        }
        Format::Html => {
            if markup(raw) {
                layers.push(html(raw, false, mapped));
            }
        }
        Format::Xml => {
            // The XML markup, then HTML escaped inside it.
            for _ in 0..2 {
                if markup(last(raw, &layers)) {
                    let layer = html(last(raw, &layers), false, mapped);
                    layers.push(layer);
                }
            }
        }
        Format::Json => {
            if memchr::memchr(b'\\', raw).is_some() {
                layers.push(json(raw, mapped));
            }
            if markup(last(raw, &layers)) {
                let layer = html(last(raw, &layers), false, mapped);
                layers.push(layer);
            }
        }
    }
    Rendering { layers }
}

/// How far around a join the reader's text is read: a key longer than this
/// that markup splits far from its start is not joined (the docs say so).
pub const REACH: usize = 1024;

/// A byte a key can hold: where two of them meet across vanishing markup,
/// the reader's text may hold a key the bytes as written do not.
fn key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+' | b'/' | b'=' | b'.' | b'~')
}

/// The spans of `raw` (HTML or JSON) whose reader's text may hold a key
/// the bytes as written do not show whole: around each join — markup that
/// vanishes (an inline tag, a comment, an invisible character) between two
/// key characters, or a reference or escape that decodes to a key
/// character or to nothing — and from each of `misses` (where a key's
/// value, a token after `Bearer` or a private key header has markup in its
/// way: a table cell, `&quot;`). Each reaches [`REACH`] bytes around, out
/// to a line end or tag edge; overlapping spans are merged.
pub fn windows(raw: &[u8], format: Format, misses: &[usize]) -> Vec<(usize, usize)> {
    let json = format == Format::Json;
    let mut spans: Vec<(usize, usize)> = joins(raw, json)
        .into_iter()
        .map(|p| (p.saturating_sub(REACH), p + REACH))
        .chain(misses.iter().map(|&m| (m.saturating_sub(64), m + REACH)))
        .map(|(from, to)| widen(raw, from, to.min(raw.len())))
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (from, to) in spans {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

/// `from..to` widened to start after a line end or `>` and end before one
/// or a `<` (within 256 bytes), so a span does not begin inside a tag.
fn widen(raw: &[u8], from: usize, to: usize) -> (usize, usize) {
    let back = from.saturating_sub(256);
    let from = memchr::memrchr2(b'\n', b'>', &raw[back..from]).map_or(back, |i| back + i + 1);
    let ahead = raw.len().min(to + 256);
    let to = memchr::memchr2(b'\n', b'<', &raw[to..ahead]).map_or(ahead, |i| to + i);
    (from, to)
}

/// Where joins are in `raw`. Only markup right after a key character can
/// start one, so most tags are passed over unread: a page is one pass of
/// `memchr`, not a parse.
fn joins(raw: &[u8], json: bool) -> Vec<usize> {
    let mut points = Vec::new();
    let mut i = 0;
    loop {
        let rest = &raw[i..];
        let found = if json {
            memchr::memchr3(b'\\', b'<', b'&', rest)
        } else {
            memchr::memchr3(b'<', b'&', 0xE2, rest)
        };
        let Some(p) = found else {
            break;
        };
        let at = i + p;
        let (end, joined) = vanishing(raw, at, json);
        if joined {
            points.push(at);
        }
        i = end.max(at + 1);
    }
    if json {
        // Raw invisible characters, which JSON does not escape.
        points.extend(
            memchr::memchr_iter(0xE2, raw)
                .filter(|&at| invisible(raw, at).is_some() && at > 0 && key_char(raw[at - 1])),
        );
        points.sort_unstable();
    }
    points
}

/// Whether the markup at `at` joins: where the run of what a reader drops
/// there ends, and whether key characters meet across it (or it decodes to
/// one). A tag is read only after a key character.
fn vanishing(raw: &[u8], at: usize, json: bool) -> (usize, bool) {
    let left = at > 0 && key_char(raw[at - 1]);
    let mut scratch = Vec::new();
    let mut i = at;
    loop {
        match raw.get(i) {
            Some(b'<') if left => match tag(raw, i, &mut scratch) {
                Some((end, false)) => i = end,
                _ => return (i + 1, false),
            },
            Some(b'&') => match entity(raw, i) {
                Some((end, decoded)) if decoded.is_empty() => i = end,
                Some((end, decoded)) => return (end, decoded.len() == 1 && key_char(decoded[0])),
                None => return (i + 1, false),
            },
            Some(b'\\') if json => match escape(raw, i) {
                Some((end, None)) => i = end,
                Some((end, Some(c))) if is_invisible(c) => i = end,
                // Escaped markup, which the HTML inside the string drops.
                Some((end, Some('<' | '&'))) => return (end, left),
                Some((end, Some(c))) => return (end, c.is_ascii() && key_char(c as u8)),
                None => return (i + 1, false),
            },
            Some(0xE2) if left => match invisible(raw, i) {
                Some(end) => i = end,
                None => return (i + 1, false),
            },
            _ => break,
        }
    }
    let right = raw.get(i).is_some_and(|&b| key_char(b));
    (i, i > at && left && right)
}

/// Characters a reader does not see: soft hyphen, zero-width space,
/// non-joiner and joiner, word joiner, byte order mark.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Tags a browser renders without a gap between the text around them.
pub(super) fn is_inline(name: &[u8]) -> bool {
    if name.len() > 8 {
        return false;
    }
    let mut lower = [0u8; 8];
    for (l, b) in lower.iter_mut().zip(name) {
        *l = b.to_ascii_lowercase();
    }
    matches!(
        &lower[..name.len()],
        b"a" | b"abbr"
            | b"b"
            | b"bdi"
            | b"bdo"
            | b"big"
            | b"cite"
            | b"code"
            | b"data"
            | b"del"
            | b"dfn"
            | b"em"
            | b"font"
            | b"i"
            | b"ins"
            | b"kbd"
            | b"label"
            | b"mark"
            | b"nobr"
            | b"q"
            | b"s"
            | b"samp"
            | b"small"
            | b"span"
            | b"strike"
            | b"strong"
            | b"sub"
            | b"sup"
            | b"time"
            | b"tt"
            | b"u"
            | b"var"
            | b"wbr"
    )
}
