//! Every YAML call in seckb goes through this module, so the YAML crate can be
//! replaced (for example by a maintained fork with the same API) in one place.
//!
//! Besides parsing, it maps a path inside a YAML document (`timeline[2].date`)
//! back to a line and column of the source text. YAML parsers drop positions
//! once a value is built; authors need them in every error message.

pub mod depth;
mod fields;
mod locate;

pub use fields::{
    struct_fields, typed, typed_partially, FieldError, FieldErrorKind, Partial, FREE_FORM_KEY,
};
use locate::key_of;
pub use locate::{find_in_key, find_scalar_in_key, locate, Index, Position, Segment};

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::Deserialize;

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
pub(crate) const WIDE_INTEGER: &str = "seckb-integer-wider-than-64-bits";

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

#[cfg(test)]
mod tests;
