//! Every YAML call in seckb goes through this module, so the YAML crate can be
//! replaced (for example by a maintained fork with the same API) in one place.
//!
//! Besides parsing, it maps a path inside a YAML document (`timeline[2].date`)
//! back to a line and column of the source text. YAML parsers drop positions
//! once a value is built; authors need them in every error message.

pub mod depth;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::Deserialize;
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

pub use serde_yaml::{Mapping, Value};

/// Why YAML text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// Not YAML (or beyond the parser's own limits: alias expansion).
    Syntax,
    /// Nested deeper than `depth::MAX_DEPTH`, found before parsing.
    TooDeep,
}

/// YAML text that cannot be read, with the 1-based position of the problem.
#[derive(Debug)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// Parses YAML text into a generic value. The nesting depth is bounded
/// before the parser runs (see `depth`); aliases are expanded with the
/// crate's built-in limits, so an alias bomb fails instead of exhausting
/// memory. An integer wider than 64 bits is kept, marked, for `typed` to
/// report at its place as a type error.
pub fn parse(text: &str) -> Result<Value, ParseError> {
    if let Err(deep) = depth::check(text) {
        return Err(ParseError {
            kind: ParseErrorKind::TooDeep,
            message: format!(
                "YAML nested more than {} levels deep (`[`, `{{`, indentation and `- ` together)",
                depth::MAX_DEPTH
            ),
            line: deep.line,
            column: deep.column,
        });
    }
    serde_yaml::from_str::<Loaded>(text)
        .map(|l| l.0)
        .map_err(|e| syntax_error(text, &e))
}

/// A serde_yaml error as a positioned `ParseError`.
fn syntax_error(text: &str, e: &serde_yaml::Error) -> ParseError {
    let (mut line, mut column) = e
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((1, 1));
    // An error found at the end of the text (an unclosed bracket or quote)
    // belongs to the last line that has content.
    let last = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .last();
    if let Some((i, l)) = last.filter(|(i, _)| line > i + 1) {
        line = i + 1;
        column = l.trim_end().chars().count().max(1);
    }
    let message = strip_position(&e.to_string());
    // serde_yaml reports a duplicate key at the start of its mapping: point
    // at the second occurrence, which is the line to delete or rename.
    let repeat = duplicate_key(&message).and_then(|k| second_occurrence(text, line, &k));
    if let Some(repeat) = repeat {
        (line, column) = repeat;
    }
    ParseError {
        kind: ParseErrorKind::Syntax,
        message,
        line,
        column,
    }
}

/// The tag `parse` gives an integer wider than 64 bits (its digits as a
/// string): serde_yaml's `Value` has no room for one, and its own visitor
/// fails the whole text with a syntax error.
const WIDE_INTEGER: &str = "seckb-integer-wider-than-64-bits";

/// A `Value` built as serde_yaml builds one, except for wide integers.
struct Loaded(Value);

impl<'de> Deserialize<'de> for Loaded {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Loaded, D::Error> {
        deserializer.deserialize_any(LoadedVisitor).map(Loaded)
    }
}

struct LoadedVisitor;

fn wide_integer(digits: String) -> Value {
    Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
        tag: serde_yaml::value::Tag::new(WIDE_INTEGER),
        value: Value::String(digits),
    }))
}

impl<'de> Visitor<'de> for LoadedVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Number(i.into()))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(Value::Number(u.into()))
    }

    /// serde_yaml calls the 128-bit visits only past the 64-bit range.
    fn visit_i128<E>(self, i: i128) -> Result<Value, E> {
        Ok(wide_integer(i.to_string()))
    }

    fn visit_u128<E>(self, u: u128) -> Result<Value, E> {
        Ok(wide_integer(u.to_string()))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        Ok(Value::Number(f.into()))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Loaded::deserialize(deserializer).map(|l| l.0)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Loaded(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        use serde_yaml::mapping::Entry;
        let mut mapping = Mapping::new();
        while let Some(Loaded(key)) = map.next_key()? {
            let Loaded(value) = map.next_value()?;
            match mapping.entry(key) {
                Entry::Occupied(e) => {
                    return Err(de::Error::custom(duplicate_message(e.key())));
                }
                Entry::Vacant(e) => {
                    e.insert(value);
                }
            }
        }
        Ok(Value::Mapping(mapping))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        use de::VariantAccess;
        let (tag, contents): (String, _) = data.variant()?;
        if tag.is_empty() {
            return Err(de::Error::custom("empty YAML tag is not allowed"));
        }
        let Loaded(value) = contents.newtype_variant()?;
        Ok(Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
            tag: serde_yaml::value::Tag::new(tag),
            value,
        })))
    }
}

/// serde_yaml's message for a repeated key, which `duplicate_key` reads back.
fn duplicate_message(key: &Value) -> String {
    match key {
        Value::Null => "duplicate entry with null key".into(),
        Value::Bool(b) => format!("duplicate entry with key `{b}`"),
        Value::Number(n) => format!("duplicate entry with key {n}"),
        Value::String(s) => format!("duplicate entry with key {s:?}"),
        _ => "duplicate entry in YAML map".into(),
    }
}

/// The key named by serde_yaml's "[path: ]duplicate entry with key \"k\"" message.
fn duplicate_key(message: &str) -> Option<String> {
    let marker = "duplicate entry with key ";
    let start = message.find(marker)? + marker.len();
    Some(message[start..].trim_matches('"').to_string())
}

/// Line and column of the first key, from line `from` on, that repeats an
/// earlier `key:` at the same indentation (list item markers count as
/// indentation).
fn second_occurrence(text: &str, from: usize, key: &str) -> Option<(usize, usize)> {
    let mut seen: Vec<usize> = Vec::new();
    let lines = text.lines().enumerate().skip(from.saturating_sub(1));
    for (i, raw) in lines {
        let trimmed = raw.trim_start_matches([' ', '-', '\t']);
        let indent = raw.len() - trimmed.len();
        if key_of(trimmed.trim_end()) != Some(key) {
            continue;
        }
        if seen.contains(&indent) {
            return Some((i + 1, indent + 1));
        }
        seen.push(indent);
    }
    None
}

/// Converts a parsed value into a typed struct; the message has no position.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_yaml::from_value(value).map_err(|e| strip_position(&e.to_string()))
}

/// `text` as a YAML double-quoted scalar, safe to write into front matter
/// whatever it holds (`: `, `#`, quotes, a leading `-`). JSON string syntax
/// is a subset of YAML's double-quoted style; the Unicode line separators,
/// which YAML would fold, are escaped as well.
pub fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_string())
        .to_string()
        .replace('\u{85}', "\\u0085")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// A key of a mapping as text, when it is a string (or a scalar printed as one).
pub fn key_text(key: &Value) -> Option<String> {
    match key {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// serde_yaml appends " at line X column Y" to messages; seckb shows positions itself.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// Where a path points: the line, the column of its key (or `- ` item marker),
/// and the column where its inline value starts (the key column when the value
/// is on following lines). All 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub key_column: usize,
    pub value_column: usize,
}

#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    number: usize,
    indent: usize,
    text: &'a str,
}

/// Finds the position of `path` in block-style YAML `text`. Where a step cannot
/// be followed (flow style such as `[a, b]`, or a missing key) the deepest
/// position found so far is returned, so an error still points near its cause.
/// To locate many paths of one text, build an `Index` once.
pub fn locate(text: &str, path: &[Segment]) -> Position {
    Index::new(text).locate(path)
}

/// Positions of paths in one block-style YAML text. Each block's keys and
/// list items are indexed the first time a path enters it, and every block
/// is cut out once: locating all entries of a 100,000-item list, or 100,000
/// unknown keys, costs one pass over them, not one pass per entry.
pub struct Index<'a> {
    root: Block<'a>,
}

/// The lines of one block; the first may be an item line seen from after its
/// `- ` marker, or an inline value seen from after its key.
struct Block<'a> {
    lines: Vec<Line<'a>>,
    /// First line of each key at the block's indentation.
    keys: OnceCell<HashMap<&'a str, usize>>,
    /// Item lines (`- …`) at the block's indentation.
    items: OnceCell<Vec<usize>>,
    /// Blocks already cut out below this one, with their positions.
    children: RefCell<HashMap<Step<'a>, Rc<(Position, Block<'a>)>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

impl<'a> Block<'a> {
    fn new(lines: Vec<Line<'a>>) -> Block<'a> {
        Block {
            lines,
            keys: OnceCell::new(),
            items: OnceCell::new(),
            children: RefCell::new(HashMap::new()),
        }
    }

    fn indent(&self) -> Option<usize> {
        self.lines.first().map(|l| l.indent)
    }

    fn keys(&self) -> &HashMap<&'a str, usize> {
        self.keys.get_or_init(|| {
            let mut keys = HashMap::new();
            for (i, l) in self.lines.iter().enumerate() {
                if Some(l.indent) == self.indent() {
                    if let Some(k) = key_of(l.text) {
                        keys.entry(k).or_insert(i);
                    }
                }
            }
            keys
        })
    }

    fn items(&self) -> &[usize] {
        self.items.get_or_init(|| {
            (0..self.lines.len())
                .filter(|&i| {
                    Some(self.lines[i].indent) == self.indent() && is_item(self.lines[i].text)
                })
                .collect()
        })
    }

    /// The position and block one step below, cut out on first use.
    fn child(&self, segment: &Segment) -> Option<Rc<(Position, Block<'a>)>> {
        // The key as the text spells it, so the cache borrows only the text.
        let (step, line) = match segment {
            Segment::Key(key) => {
                let (&k, &i) = self.keys().get_key_value(*key)?;
                (Step::Key(k), i)
            }
            Segment::Index(n) => (Step::Index(*n), *self.items().get(*n)?),
        };
        if let Some(known) = self.children.borrow().get(&step) {
            return Some(known.clone());
        }
        let found = Rc::new(match step {
            Step::Key(_) => self.key_child(line),
            Step::Index(_) => self.item_child(line),
        });
        self.children.borrow_mut().insert(step, found.clone());
        Some(found)
    }

    fn key_child(&self, i: usize) -> (Position, Block<'a>) {
        let line = self.lines[i];
        let value_offset = value_offset(line.text);
        let position = Position {
            line: line.number,
            key_column: line.indent + 1,
            value_column: value_offset.map_or(line.indent + 1, |o| line.indent + o + 1),
        };
        let mut child = Vec::new();
        if let Some(o) = value_offset {
            // An inline value: it is the block's only line.
            child.push(Line {
                number: line.number,
                indent: line.indent + o,
                text: &line.text[o..],
            });
        }
        child.extend(self.lines[i + 1..].iter().copied().take_while(|l| {
            l.indent > line.indent || (l.indent == line.indent && is_item(l.text))
        }));
        (position, Block::new(child))
    }

    fn item_child(&self, i: usize) -> (Position, Block<'a>) {
        let line = self.lines[i];
        let rest = line.text[1..].trim_start();
        let offset = line.text.len() - rest.len();
        let position = Position {
            line: line.number,
            key_column: line.indent + 1,
            value_column: line.indent + offset + 1,
        };
        let mut child = Vec::new();
        if !rest.is_empty() {
            child.push(Line {
                number: line.number,
                indent: line.indent + offset,
                text: rest,
            });
        }
        child.extend(
            self.lines[i + 1..]
                .iter()
                .copied()
                .take_while(|l| l.indent > line.indent),
        );
        (position, Block::new(child))
    }
}

impl<'a> Index<'a> {
    pub fn new(text: &'a str) -> Index<'a> {
        let lines = text
            .lines()
            .enumerate()
            .filter_map(|(i, raw)| {
                let trimmed = raw.trim_start_matches([' ', '\t']);
                let body = trimmed.trim_end();
                (!body.is_empty() && !body.starts_with('#')).then(|| Line {
                    number: i + 1,
                    indent: raw.len() - trimmed.len(),
                    text: body,
                })
            })
            .collect();
        Index {
            root: Block::new(lines),
        }
    }

    /// The position of `path`, as `locate` finds it.
    pub fn locate(&self, path: &[Segment]) -> Position {
        let mut best = Position {
            line: 1,
            key_column: 1,
            value_column: 1,
        };
        let mut current: Option<Rc<(Position, Block<'a>)>> = None;
        for segment in path {
            let block = current.as_ref().map_or(&self.root, |c| &c.1);
            let Some(child) = block.child(segment) else {
                break;
            };
            best = child.0;
            current = Some(child);
        }
        best
    }
}

/// Finds the first occurrence of `needle` as a whole word in the lines that
/// belong to top-level `key` (its own line included), for errors that name a
/// value but not its path (an unknown nested field, an unknown variant).
pub fn find_in_key(text: &str, key: &str, needle: &str) -> Option<(usize, usize)> {
    find_in_block(text, key, |line| find_word(line, needle))
}

/// Finds `value` written whole as a scalar (a list entry, a value, an item
/// of a flow list, quoted or not) in the lines of top-level `key`: `C` is
/// not found in `[C++]`, nor `Acme` in `- Acme Corp`.
pub fn find_scalar_in_key(text: &str, key: &str, value: &str) -> Option<(usize, usize)> {
    find_in_block(text, key, |line| find_scalar(line, value))
}

/// The first line of top-level `key`'s block where `find` finds a byte
/// offset, as a 1-based line and column (in characters).
fn find_in_block(
    text: &str,
    key: &str,
    find: impl Fn(&str) -> Option<usize>,
) -> Option<(usize, usize)> {
    let start = locate(text, &[Segment::Key(key)]);
    let mut in_block = false;
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        if number == start.line {
            in_block = true;
        } else if in_block && !raw.is_empty() && !raw.starts_with([' ', '\t', '-', '#']) {
            break;
        }
        if in_block {
            if let Some(offset) = find(raw) {
                return Some((number, raw[..offset].chars().count() + 1));
            }
        }
    }
    None
}

fn find_scalar(line: &str, value: &str) -> Option<usize> {
    if value.is_empty() {
        return None;
    }
    line.match_indices(value).map(|(i, _)| i).find(|&i| {
        let before = line[..i].chars().next_back();
        let after = line[i + value.len()..].trim_start_matches([' ', '\t']);
        before.is_none_or(|c| " \t[{,\"'".contains(c))
            && (after.is_empty() || after.starts_with([',', ']', '}', '"', '\'', '#']))
    })
}

fn find_word(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    haystack.match_indices(needle).map(|(i, _)| i).find(|&i| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + needle.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ") || text.starts_with("-\t")
}

/// The key of a `key: value` line (quotes removed), if the line is one.
fn key_of(text: &str) -> Option<&str> {
    let end = key_end(text)?;
    Some(text[..end].trim().trim_matches(['"', '\'']))
}

fn key_end(text: &str) -> Option<usize> {
    if let Some(q) = text.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let close = text[1..].find(q)? + 1;
        return text[close + 1..].starts_with(':').then_some(close + 1);
    }
    text.match_indices(':')
        .map(|(i, _)| i)
        .find(|&i| text[i + 1..].is_empty() || text[i + 1..].starts_with([' ', '\t']))
}

/// Byte offset of an inline value after `key:`, if there is one.
fn value_offset(text: &str) -> Option<usize> {
    let end = key_end(text)? + 1;
    let rest = &text[end..];
    let value = rest.trim_start();
    (!value.is_empty() && !value.starts_with('#')).then(|| end + rest.len() - value.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Segment::{Index, Key};

    const DOC: &str = "title: Hello\nseverity: critcal\ntimeline:\n  - date: 2026-01-02\n    event: first\n  - date: 2026-01-01\n    event: second\ntags: [a, b]\naffected:\n- vendor: Acme\n  product: Widget\n";

    #[test]
    fn locates_top_level_keys_and_values() {
        let p = locate(DOC, &[Key("severity")]);
        assert_eq!((p.line, p.key_column, p.value_column), (2, 1, 11));
    }

    #[test]
    fn locates_items_and_nested_keys() {
        let p = locate(DOC, &[Key("timeline"), Index(1), Key("date")]);
        assert_eq!((p.line, p.key_column, p.value_column), (6, 5, 11));
        let p = locate(DOC, &[Key("timeline"), Index(0), Key("event")]);
        assert_eq!((p.line, p.value_column), (5, 12));
        let p = locate(DOC, &[Key("affected"), Index(0), Key("product")]);
        assert_eq!((p.line, p.key_column), (11, 3));
    }

    #[test]
    fn flow_style_falls_back_to_the_key() {
        let p = locate(DOC, &[Key("tags"), Index(1)]);
        assert_eq!((p.line, p.key_column), (8, 1));
    }

    #[test]
    fn finds_a_word_inside_a_key_block() {
        assert_eq!(find_in_key(DOC, "severity", "critcal"), Some((2, 11)));
        assert_eq!(find_in_key(DOC, "timeline", "second"), Some((7, 12)));
        assert_eq!(find_in_key(DOC, "timeline", "Acme"), None);
    }

    #[test]
    fn finds_a_whole_scalar_inside_a_key_block() {
        let doc =
            "tags: [C++, \"C\", C#]\naffected:\n  - Acme Corp\n  - vendor: 'Acme'\nthird: [Acme]\n";
        assert_eq!(find_scalar_in_key(doc, "tags", "C++"), Some((1, 8)));
        assert_eq!(find_scalar_in_key(doc, "tags", "C"), Some((1, 14)));
        assert_eq!(find_scalar_in_key(doc, "tags", "C#"), Some((1, 18)));
        assert_eq!(find_scalar_in_key(doc, "affected", "Acme"), Some((4, 14)));
        assert_eq!(
            find_scalar_in_key(doc, "affected", "Acme Corp"),
            Some((3, 5))
        );
        assert_eq!(find_scalar_in_key(doc, "tags", "Acme"), None);
    }

    #[test]
    fn duplicate_keys_point_at_the_repeat() {
        let e = parse("title: A\ndate: 2026-01-01\ntitle: B\n").unwrap_err();
        assert_eq!(e.message, "duplicate entry with key \"title\"");
        assert_eq!((e.line, e.column), (3, 1));
        let e = parse("timeline:\n  - date: a\n    event: x\n    date: b\n").unwrap_err();
        assert_eq!((e.line, e.column), (4, 5));
    }

    #[test]
    fn syntax_errors_carry_positions() {
        let e = parse("title: [unclosed\n").unwrap_err();
        assert_eq!(e.kind, ParseErrorKind::Syntax);
        assert!(e.line >= 1);
        assert!(!e.message.contains(" at line "));
    }
}

/// What is wrong with one key of a mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldErrorKind {
    /// A key the struct does not have.
    UnknownKey,
    /// A value of the wrong type (or an integer wider than 64 bits).
    WrongType,
    /// A key with no value (`tlp:`, `tlp: ~`).
    NoValue,
}

/// A problem with one key of a mapping, positioned in the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub kind: FieldErrorKind,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
}

/// The key whose value is free-form data (front matter and seckb.yaml):
/// null values are allowed inside it.
pub const FREE_FORM_KEY: &str = "extra";

/// Deserializes a mapping into `T`, reporting every unknown key (with a "did
/// you mean" among `allowed`), every key or list entry with no value, and
/// every ill-typed value, each at its position in `text`. `T` must accept
/// any subset of its keys (all fields optional), so each key can be checked
/// on its own when the whole mapping does not deserialize.
///
/// A null is an error rather than "not given": `tlp:` left empty must not
/// quietly publish at the default level. Only under `FREE_FORM_KEY` is a null
/// data like any other.
pub fn typed<T: DeserializeOwned>(
    text: &str,
    value: Value,
    allowed: &[&str],
) -> (Option<T>, Vec<FieldError>) {
    let typed = typed_partially::<T>(text, value, allowed);
    let whole = typed.errors.is_empty().then_some(typed.value).flatten();
    (whole, typed.errors)
}

/// What [`typed_partially`] makes of a mapping.
pub struct Partial<T> {
    /// `T` of the keys that are known and well typed (None only when the
    /// text is no mapping).
    pub value: Option<T>,
    pub errors: Vec<FieldError>,
    /// Known keys left out of `value` for their errors: a check of a
    /// missing key must not report one of them a second time.
    pub failed: Vec<String>,
}

/// [`typed`], keeping what is good: the value holds every known key whose
/// value is well typed, so the checks after typing can run on those and
/// one run reports every mistake of a file.
pub fn typed_partially<T: DeserializeOwned>(
    text: &str,
    value: Value,
    allowed: &[&str],
) -> Partial<T> {
    let mapping = match value {
        Value::Null => Mapping::new(),
        Value::Mapping(m) => m,
        _ => {
            let error = FieldError {
                kind: FieldErrorKind::WrongType,
                line: 1,
                column: 1,
                message: "expected a mapping of `key: value` lines".into(),
                help: None,
            };
            return Partial {
                value: None,
                errors: vec![error],
                failed: Vec::new(),
            };
        }
    };
    let mut errors = Vec::new();
    let mut failed = Vec::new();
    let mut known = Mapping::new();
    let index = Index::new(text);
    for (key, value) in mapping {
        let name = key_text(&key).unwrap_or_default();
        if !allowed.contains(&name.as_str()) {
            let pos = index.locate(&[Segment::Key(&name)]);
            let meant = crate::diagnostics::did_you_mean(&name, allowed.iter().copied());
            // `severty:` is `severity` misspelt, not missing: a check for a
            // missing `severity` would report the one mistake twice.
            failed.extend(meant.map(str::to_string));
            let help = meant
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| Some("free-form data goes under `extra:`".to_string()));
            errors.push(FieldError {
                kind: FieldErrorKind::UnknownKey,
                line: pos.line,
                column: pos.key_column,
                message: format!("unknown key `{name}`"),
                help,
            });
            continue;
        }
        let mut found = Vec::new();
        let mut path = vec![Place::Key(&key)];
        refused(&value, &mut path, name != FREE_FORM_KEY, &mut found);
        if found.is_empty() {
            known.insert(key, value);
            continue;
        }
        // The key is not deserialized: its refused values are its errors.
        for (path, what) in found {
            errors.push(refused_error::<T>(&index, &key, &path, what));
        }
        failed.push(name);
    }
    let value = match from_value::<T>(Value::Mapping(known.clone())) {
        Ok(t) => Some(t),
        Err(_) => {
            let mut good = Mapping::new();
            for (key, value) in known {
                let name = key_text(&key).unwrap_or_default();
                match from_value::<T>(single(key.clone(), value.clone())) {
                    Ok(_) => {
                        good.insert(key, value);
                    }
                    Err(message) => {
                        errors.push(field_type_error(text, &name, message));
                        failed.push(name);
                    }
                }
            }
            from_value::<T>(Value::Mapping(good)).ok()
        }
    };
    Partial {
        value,
        errors,
        failed,
    }
}

fn single(key: Value, value: Value) -> Value {
    let mut mapping = Mapping::new();
    mapping.insert(key, value);
    Value::Mapping(mapping)
}

/// One step of a path found while walking a value.
#[derive(Debug, Clone)]
enum Part {
    Key(String),
    Index(usize),
}

/// A step of the path `refused` walks: a key as the mapping holds it.
#[derive(Debug, Clone, Copy)]
enum Place<'v> {
    Key(&'v Value),
    Index(usize),
}

/// A value no key may hold.
#[derive(Debug)]
enum Refused {
    /// A null: a key or list entry written with no value.
    Null,
    /// An integer wider than 64 bits, by its digits.
    Wide(String),
}

/// Collects, below `path`, every null (when `nulls`) and every integer wider
/// than 64 bits in `value`. The path is named only for what is found: most
/// documents have nothing to report. The depth is bounded by
/// `depth::MAX_DEPTH`.
fn refused<'v>(
    value: &'v Value,
    path: &mut Vec<Place<'v>>,
    nulls: bool,
    found: &mut Vec<(Vec<Part>, Refused)>,
) {
    let named = |path: &[Place]| -> Vec<Part> {
        path.iter()
            .map(|place| match place {
                Place::Key(k) => Part::Key(key_text(k).unwrap_or_default()),
                Place::Index(i) => Part::Index(*i),
            })
            .collect()
    };
    match value {
        Value::Null if nulls => found.push((named(path), Refused::Null)),
        Value::Tagged(t) if t.tag == WIDE_INTEGER => {
            let digits = t.value.as_str().unwrap_or_default().to_string();
            found.push((named(path), Refused::Wide(digits)));
        }
        Value::Tagged(t) => refused(&t.value, path, nulls, found),
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Place::Index(i));
                refused(item, path, nulls, found);
                path.pop();
            }
        }
        Value::Mapping(m) => {
            for (k, v) in m {
                path.push(Place::Key(k));
                refused(v, path, nulls, found);
                path.pop();
            }
        }
        _ => {}
    }
}

/// `timeline[2].date`: a path as the author would name it.
fn path_name(path: &[Part]) -> String {
    let mut name = String::new();
    for part in path {
        match part {
            Part::Key(k) if name.is_empty() => name.push_str(k),
            Part::Key(k) => {
                name.push('.');
                name.push_str(k);
            }
            Part::Index(i) => name.push_str(&format!("[{i}]")),
        }
    }
    name
}

/// The error for a refused value of top-level `key` at `path`, at the place
/// of its value (just past `key:` or `-` when there is none).
fn refused_error<T: DeserializeOwned>(
    index: &Index,
    key: &Value,
    path: &[Part],
    what: Refused,
) -> FieldError {
    let segments: Vec<Segment> = path
        .iter()
        .map(|p| match p {
            Part::Key(k) => Segment::Key(k),
            Part::Index(i) => Segment::Index(*i),
        })
        .collect();
    let pos = index.locate(&segments);
    let name = path_name(path);
    match what {
        Refused::Null => {
            let help = match path.last() {
                Some(Part::Index(_)) => "write a value or delete the entry",
                _ => "write a value, or delete the line: an empty value does not mean the default",
            };
            FieldError {
                kind: FieldErrorKind::NoValue,
                line: pos.line,
                column: pos.value_column,
                message: format!("`{name}` has no value"),
                help: Some(format!("{help} (quote `null` or `~` meant as text)")),
            }
        }
        Refused::Wide(digits) => FieldError {
            kind: FieldErrorKind::WrongType,
            line: pos.line,
            column: pos.value_column,
            message: match path {
                [_] => wide_integer_message::<T>(key, &name, &digits),
                _ => format!("`{name}`: the integer {digits} does not fit in 64 bits"),
            },
            help: Some("quote the number if it is meant as text".into()),
        },
    }
}

/// What top-level `key` of `T` expected, for an integer wider than 64 bits
/// written there: the range of integers it takes, found by trying the edges
/// of each integer type, or what it takes instead of an integer.
fn wide_integer_message<T: DeserializeOwned>(key: &Value, name: &str, digits: &str) -> String {
    let takes = |n: Value| from_value::<T>(single(key.clone(), n)).is_ok();
    let zero = from_value::<T>(single(key.clone(), Value::from(0)));
    if let Err(message) = zero {
        let message = message.replace("integer `0`", &format!("integer `{digits}`"));
        return format!("`{name}`: {message}");
    }
    let lows = [i64::MIN, i32::MIN.into(), i16::MIN.into(), i8::MIN.into()];
    let low = lows.into_iter().find(|&n| takes(n.into())).unwrap_or(0);
    let highs = [
        u64::MAX,
        i64::MAX.unsigned_abs(),
        u32::MAX.into(),
        i32::MAX.unsigned_abs().into(),
        u16::MAX.into(),
        i16::MAX.unsigned_abs().into(),
        u8::MAX.into(),
    ];
    let high = highs.into_iter().find(|&n| takes(n.into())).unwrap_or(0);
    format!("`{name}`: expected an integer between {low} and {high}, found {digits}")
}

/// serde's names of integer types, as the ranges an author can act on.
fn integer_ranges(message: &str) -> String {
    let ranges: [(&str, String); 8] = [
        ("u64", format!("0 and {}", u64::MAX)),
        ("u32", format!("0 and {}", u32::MAX)),
        ("u16", format!("0 and {}", u16::MAX)),
        ("u8", format!("0 and {}", u8::MAX)),
        ("i64", format!("{} and {}", i64::MIN, i64::MAX)),
        ("i32", format!("{} and {}", i32::MIN, i32::MAX)),
        ("i16", format!("{} and {}", i16::MIN, i16::MAX)),
        ("i8", format!("{} and {}", i8::MIN, i8::MAX)),
    ];
    for (name, range) in ranges {
        let serde_name = format!("expected {name}");
        if message.ends_with(&serde_name) {
            let start = message.len() - serde_name.len();
            return format!("{}expected an integer between {range}", &message[..start]);
        }
    }
    message.to_string()
}

/// Turns a deserializer message about `key` into a positioned error, pointing
/// at the offending word and suggesting the nearest allowed one where possible.
fn field_type_error(text: &str, key: &str, message: String) -> FieldError {
    let pos = locate(text, &[Segment::Key(key)]);
    let (mut line, mut column) = (pos.line, pos.value_column);
    let mut help = None;
    let unknown = ["unknown variant `", "unknown field `"]
        .iter()
        .find_map(|prefix| message.find(prefix).map(|i| i + prefix.len()));
    if let Some(start) = unknown {
        let word: String = message[start..].chars().take_while(|c| *c != '`').collect();
        let expected: Vec<&str> = message.split('`').skip(3).step_by(2).collect();
        // A word in the wrong case (`semver` for `SEMVER`) is meant as itself.
        help = expected
            .iter()
            .copied()
            .find(|e| e.eq_ignore_ascii_case(&word))
            .or_else(|| crate::diagnostics::did_you_mean(&word, expected.iter().copied()))
            .map(|s| format!("did you mean `{s}`?"));
        if let Some((l, c)) = find_in_key(text, key, &word) {
            (line, column) = (l, c);
        }
    }
    // A misspelt key inside an entry (`affected: - vendr:`) is an unknown
    // key like one at the top.
    let kind = if message.contains("unknown field `") {
        FieldErrorKind::UnknownKey
    } else {
        FieldErrorKind::WrongType
    };
    let message = format!("`{key}`: {}", integer_ranges(&message));
    FieldError {
        kind,
        line,
        column,
        message,
        help,
    }
}

/// The field names of a struct deserialized with serde, read from its
/// `Deserialize` impl, so lists of allowed keys cannot drift from the types.
pub fn struct_fields<T: DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{self, Visitor};
    struct Capture(Option<&'static [&'static str]>);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> de::Deserializer<'de> for &mut Capture {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    let mut capture = Capture(None);
    let _ = T::deserialize(&mut capture);
    capture.0.unwrap_or(&[])
}
