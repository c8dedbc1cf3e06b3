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

use std::borrow::Cow;

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
struct Builder {
    text: Vec<u8>,
    segs: Option<Vec<Seg>>,
}

impl Builder {
    fn new(capacity: usize, mapped: bool) -> Builder {
        Builder {
            text: Vec::with_capacity(capacity),
            segs: mapped.then(Vec::new),
        }
    }

    fn copy(&mut self, input: &[u8], from: usize, to: usize) {
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
    fn replace(&mut self, bytes: &[u8], from: usize, to: usize) {
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

    fn finish(self) -> Layer {
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
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Tags a browser renders without a gap between the text around them.
fn is_inline(name: &[u8]) -> bool {
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

/// One HTML (or XML) rendering step over `input`. Attribute values that
/// hold an entity are decoded and appended after the text (a tooltip is
/// read too); the rest of an attribute is in the text as written.
fn html(input: &[u8], markdown: bool, mapped: bool) -> Layer {
    let mut out = Builder::new(input.len(), mapped);
    let mut attributes: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    let mut copied = 0;
    let mut next = Next::new(markdown);
    while let Some(found) = next.from(input, i) {
        let at = found;
        let (skip_to, replacement): (usize, Cow<[u8]>) = match input[at] {
            b'&' => match entity(input, at) {
                Some((end, decoded)) => (end, decoded),
                None => {
                    i = at + 1;
                    continue;
                }
            },
            b'<' => match tag(input, at, &mut attributes) {
                Some((end, gap)) => (end, Cow::Borrowed(if gap { b" " } else { b"" })),
                None => {
                    i = at + 1;
                    continue;
                }
            },
            b'*' | b'`' | b'~' => (at + 1, Cow::Borrowed(b"")),
            _ => match invisible(input, at) {
                Some(end) => (end, Cow::Borrowed(b"")),
                None => {
                    i = at + 1;
                    continue;
                }
            },
        };
        out.copy(input, copied, at);
        out.replace(&replacement, at, skip_to);
        i = skip_to;
        copied = skip_to;
    }
    out.copy(input, copied, input.len());
    for (from, to) in attributes {
        out.replace(b"\n", from, from);
        append_decoded(&mut out, input, from, to);
    }
    out.finish()
}

/// The next byte that may start markup: `<`, `&`, a zero-width
/// character's first byte, and in Markdown the emphasis and code marks.
/// Each kind's next position is kept until passed, so text without marks
/// is not searched to its end again at every tag (quadratic).
struct Next {
    markup: Option<Option<usize>>,
    marks: Option<Option<usize>>,
}

impl Next {
    fn new(markdown: bool) -> Next {
        Next {
            markup: None,
            marks: if markdown { None } else { Some(None) },
        }
    }

    fn from(&mut self, input: &[u8], from: usize) -> Option<usize> {
        let find = |cached: &mut Option<Option<usize>>, search: &dyn Fn(&[u8]) -> Option<usize>| {
            match *cached {
                Some(Some(at)) if at >= from => Some(at),
                Some(None) => None,
                _ => {
                    let found = input.get(from..).and_then(search).map(|p| from + p);
                    *cached = Some(found);
                    found
                }
            }
        };
        let markup = find(&mut self.markup, &|rest| {
            memchr::memchr3(b'<', b'&', 0xE2, rest)
        });
        let marks = find(&mut self.marks, &|rest| {
            memchr::memchr3(b'*', b'`', b'~', rest)
        });
        match (markup, marks) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// Copies `input[from..to]` decoding entities (an attribute value).
fn append_decoded(out: &mut Builder, input: &[u8], from: usize, to: usize) {
    let mut copied = from;
    let mut i = from;
    while let Some(rel) = memchr::memchr(b'&', &input[i..to]) {
        let at = i + rel;
        match entity(&input[..to], at) {
            Some((end, decoded)) => {
                out.copy(input, copied, at);
                out.replace(&decoded, at, end);
                copied = end;
                i = end;
            }
            None => i = at + 1,
        }
    }
    out.copy(input, copied, to);
}

/// Whether `text` holds a character [`invisible`] drops.
fn has_invisible(text: &[u8]) -> bool {
    memchr::memchr_iter(0xE2, text).any(|at| invisible(text, at).is_some())
}

/// Zero-width space, non-joiner, joiner and word joiner (U+200B–U+200D,
/// U+2060) at `at`: invisible, so a reader joins the text around them.
fn invisible(input: &[u8], at: usize) -> Option<usize> {
    match input.get(at..at + 3)? {
        [0xE2, 0x80, 0x8B..=0x8D] | [0xE2, 0x81, 0xA0] => Some(at + 3),
        _ => None,
    }
}

/// The markup at `input[at] == '<'`: where it ends, and whether it leaves a
/// gap. None when `<` is text (`a < b`). Attribute values holding `&` are
/// pushed to `attributes`.
fn tag(input: &[u8], at: usize, attributes: &mut Vec<(usize, usize)>) -> Option<(usize, bool)> {
    let rest = &input[at..];
    if rest.starts_with(b"<!--") {
        // A comment vanishes; one left open runs to the end, as in a browser.
        let end = memchr::memmem::find(&rest[4..], b"-->").map_or(input.len(), |e| at + 4 + e + 3);
        return Some((end, false));
    }
    if rest.starts_with(b"<![CDATA[") {
        // The marker vanishes and the section is read on as text (its
        // `]]>` stays, a gap a key cannot span anyway).
        return Some((at + 9, false));
    }
    let name_start = match rest.get(1)? {
        b'/' => 2,
        b'!' | b'?' => {
            let end = memchr::memchr(b'>', rest).map_or(input.len(), |e| at + e + 1);
            return Some((end, true));
        }
        _ => 1,
    };
    let name_len = rest[name_start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
        .count();
    if name_len == 0 || !rest[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name = &rest[name_start..name_start + name_len];
    let end = tag_end(input, at + name_start + name_len, attributes)?;
    Some((end, !is_inline(name)))
}

/// Where a tag whose attributes start at `from` ends (after its `>`), with
/// quoted values skipped; None when it never ends (then `<` was text).
fn tag_end(input: &[u8], from: usize, attributes: &mut Vec<(usize, usize)>) -> Option<usize> {
    let mut i = from;
    loop {
        i += memchr::memchr3(b'>', b'"', b'\'', input.get(i..)?)?;
        match input[i] {
            b'>' => return Some(i + 1),
            quote => {
                let close = i + 1 + memchr::memchr(quote, &input[i + 1..])?;
                if memchr::memchr(b'&', &input[i + 1..close]).is_some() {
                    attributes.push((i + 1, close));
                }
                i = close + 1;
            }
        }
    }
}

/// The character reference at `input[at] == '&'`: where it ends and what it
/// stands for. Numeric references (`&#65;`, `&#x41;`, also without `;` as
/// browsers read them) and the named ones that stand for ASCII, a space or
/// nothing. None when `&` is text.
fn entity(input: &[u8], at: usize) -> Option<(usize, Cow<'static, [u8]>)> {
    let rest = &input[at + 1..];
    if rest.first() == Some(&b'#') {
        let (hex, digits_at) = match rest.get(1) {
            Some(b'x' | b'X') => (true, 2),
            _ => (false, 1),
        };
        let digits = rest[digits_at..]
            .iter()
            .take_while(|b| {
                if hex {
                    b.is_ascii_hexdigit()
                } else {
                    b.is_ascii_digit()
                }
            })
            .count();
        if digits == 0 {
            return None;
        }
        let mut value: u32 = 0;
        for &b in &rest[digits_at..digits_at + digits] {
            let d = (b as char).to_digit(16).unwrap_or(0);
            value = value
                .saturating_mul(if hex { 16 } else { 10 })
                .saturating_add(d);
        }
        let mut end = at + 1 + digits_at + digits;
        if input.get(end) == Some(&b';') {
            end += 1;
        }
        let c = char::from_u32(value)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{FFFD}');
        let decoded: Cow<[u8]> = match c {
            // Invisible: a reader joins the text around it.
            c if is_invisible(c) => Cow::Borrowed(b""),
            '\u{A0}' => Cow::Borrowed(b" "),
            c => Cow::Owned(c.to_string().into_bytes()),
        };
        return Some((end, decoded));
    }
    let name_len = rest
        .iter()
        .take(32)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let name = &rest[..name_len];
    let semicolon = rest.get(name_len) == Some(&b';');
    let end = at + 1 + name_len + usize::from(semicolon);
    let value = named(name, semicolon)?;
    Some((end, Cow::Borrowed(value)))
}

/// The named references that stand for ASCII (all of HTML's), a space
/// (`&nbsp;`) or nothing (`&shy;`, `&ZeroWidthSpace;`…). Others stand for
/// characters no key is made of, and stay as written. Without `;` only the
/// legacy names count, as in a browser.
fn named(name: &[u8], semicolon: bool) -> Option<&'static [u8]> {
    let legacy: Option<&'static [u8]> = match name {
        b"amp" | b"AMP" => Some(b"&"),
        b"lt" | b"LT" => Some(b"<"),
        b"gt" | b"GT" => Some(b">"),
        b"quot" | b"QUOT" => Some(b"\""),
        b"nbsp" => Some(b" "),
        b"shy" => Some(b""),
        _ => None,
    };
    if !semicolon {
        return legacy;
    }
    legacy.or(match name {
        b"Tab" => Some(b"\t"),
        b"NewLine" => Some(b"\n"),
        b"excl" => Some(b"!"),
        b"num" => Some(b"#"),
        b"dollar" => Some(b"$"),
        b"percnt" => Some(b"%"),
        b"apos" => Some(b"'"),
        b"lpar" => Some(b"("),
        b"rpar" => Some(b")"),
        b"ast" | b"midast" => Some(b"*"),
        b"plus" => Some(b"+"),
        b"comma" => Some(b","),
        b"period" => Some(b"."),
        b"sol" => Some(b"/"),
        b"colon" => Some(b":"),
        b"semi" => Some(b";"),
        b"equals" => Some(b"="),
        b"quest" => Some(b"?"),
        b"commat" => Some(b"@"),
        b"lsqb" | b"lbrack" => Some(b"["),
        b"bsol" => Some(b"\\"),
        b"rsqb" | b"rbrack" => Some(b"]"),
        b"Hat" => Some(b"^"),
        b"lowbar" | b"UnderBar" => Some(b"_"),
        b"grave" | b"DiacriticalGrave" => Some(b"`"),
        b"lcub" | b"lbrace" => Some(b"{"),
        b"verbar" | b"vert" | b"VerticalLine" => Some(b"|"),
        b"rcub" | b"rbrace" => Some(b"}"),
        b"fjlig" => Some(b"fj"),
        b"ZeroWidthSpace"
        | b"NegativeVeryThinSpace"
        | b"NegativeThinSpace"
        | b"NegativeMediumSpace"
        | b"NegativeThickSpace"
        | b"zwj"
        | b"zwnj"
        | b"NoBreak" => Some(b""),
        _ => None,
    })
}

/// One JSON (or JavaScript) string-escape step: `\uXXXX` (surrogate pairs
/// joined), `\xHH`, `\n`, `\"`, `\/` and the rest.
fn json(input: &[u8], mapped: bool) -> Layer {
    let mut out = Builder::new(input.len(), mapped);
    let mut copied = 0;
    let mut i = 0;
    while let Some(rel) = memchr::memchr(b'\\', &input[i..]) {
        let at = i + rel;
        match escape(input, at) {
            Some((end, decoded)) => {
                out.copy(input, copied, at);
                let mut buf = [0u8; 4];
                let bytes: &[u8] = match decoded {
                    Some(c) if !is_invisible(c) => c.encode_utf8(&mut buf).as_bytes(),
                    _ => b"",
                };
                out.replace(bytes, at, end);
                copied = end;
                i = end;
            }
            None => i = at + 2,
        }
        if i >= input.len() {
            break;
        }
    }
    out.copy(input, copied.min(input.len()), input.len());
    out.finish()
}

/// The escape at `input[at] == '\\'`: where it ends and the character it
/// stands for (None: an unpaired surrogate, which stands for nothing).
fn escape(input: &[u8], at: usize) -> Option<(usize, Option<char>)> {
    let simple = |c: char| Some((at + 2, Some(c)));
    match input.get(at + 1)? {
        b'"' => simple('"'),
        b'\\' => simple('\\'),
        b'/' => simple('/'),
        b'\'' => simple('\''),
        b'b' => simple('\u{8}'),
        b'f' => simple('\u{c}'),
        b'n' => simple('\n'),
        b'r' => simple('\r'),
        b't' => simple('\t'),
        b'x' => {
            let value = hex(input.get(at + 2..at + 4)?)?;
            Some((at + 4, char::from_u32(value)))
        }
        b'u' => {
            let high = hex(input.get(at + 2..at + 6)?)?;
            if (0xD800..0xDC00).contains(&high) {
                let low = input
                    .get(at + 6..at + 8)
                    .filter(|p| *p == b"\\u")
                    .and_then(|_| hex(input.get(at + 8..at + 12)?))
                    .filter(|l| (0xDC00..0xE000).contains(l));
                if let Some(low) = low {
                    let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    return Some((at + 12, char::from_u32(c)));
                }
            }
            Some((at + 6, char::from_u32(high)))
        }
        _ => None,
    }
}

fn hex(digits: &[u8]) -> Option<u32> {
    std::str::from_utf8(digits)
        .ok()
        .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
        .and_then(|d| u32::from_str_radix(d, 16).ok())
}
