//! How bytes read: HTML (or XML, or Markdown's raw HTML) and JSON decoded
//! as a browser or a JSON reader would, entities, escapes and invisible
//! characters included, so the secret scan sees the text a reader sees.

use super::reader::is_inline;
use super::reader::is_invisible;
use super::reader::Builder;
use super::reader::Layer;
use std::borrow::Cow;

/// One HTML (or XML) rendering step over `input`. Attribute values that
/// hold an entity are decoded and appended after the text (a tooltip is
/// read too); the rest of an attribute is in the text as written.
pub(super) fn html(input: &[u8], markdown: bool, mapped: bool) -> Layer {
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
pub(super) struct Next {
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
pub(super) fn append_decoded(out: &mut Builder, input: &[u8], from: usize, to: usize) {
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
pub(super) fn has_invisible(text: &[u8]) -> bool {
    memchr::memchr_iter(0xE2, text).any(|at| invisible(text, at).is_some())
}

/// Zero-width space, non-joiner, joiner and word joiner (U+200B–U+200D,
/// U+2060) at `at`: invisible, so a reader joins the text around them.
pub(super) fn invisible(input: &[u8], at: usize) -> Option<usize> {
    match input.get(at..at + 3)? {
        [0xE2, 0x80, 0x8B..=0x8D] | [0xE2, 0x81, 0xA0] => Some(at + 3),
        _ => None,
    }
}

/// The markup at `input[at] == '<'`: where it ends, and whether it leaves a
/// gap. None when `<` is text (`a < b`). Attribute values holding `&` are
/// pushed to `attributes`.
pub(super) fn tag(
    input: &[u8],
    at: usize,
    attributes: &mut Vec<(usize, usize)>,
) -> Option<(usize, bool)> {
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
pub(super) fn tag_end(
    input: &[u8],
    from: usize,
    attributes: &mut Vec<(usize, usize)>,
) -> Option<usize> {
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
pub(super) fn entity(input: &[u8], at: usize) -> Option<(usize, Cow<'static, [u8]>)> {
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
pub(super) fn named(name: &[u8], semicolon: bool) -> Option<&'static [u8]> {
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
pub(super) fn json(input: &[u8], mapped: bool) -> Layer {
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
pub(super) fn escape(input: &[u8], at: usize) -> Option<(usize, Option<char>)> {
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

pub(super) fn hex(digits: &[u8]) -> Option<u32> {
    std::str::from_utf8(digits)
        .ok()
        .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
        .and_then(|d| u32::from_str_radix(d, 16).ok())
}
