//! Typed front matter, key by key: a document's mapping turned into a
//! struct so that one bad value does not hide the others, with every
//! refused key located and explained in the author's terms.

use super::{find_in_key, from_value, key_text, locate, Index, Segment, WIDE_INTEGER};
use super::{Mapping, Value};
use serde::de::DeserializeOwned;

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

pub(super) fn single(key: Value, value: Value) -> Value {
    let mut mapping = Mapping::new();
    mapping.insert(key, value);
    Value::Mapping(mapping)
}

/// One step of a path found while walking a value.
#[derive(Debug, Clone)]
pub(super) enum Part {
    Key(String),
    Index(usize),
}

/// A step of the path `refused` walks: a key as the mapping holds it.
#[derive(Debug, Clone, Copy)]
pub(super) enum Place<'v> {
    Key(&'v Value),
    Index(usize),
}

/// A value no key may hold.
#[derive(Debug)]
pub(super) enum Refused {
    /// A null: a key or list entry written with no value.
    Null,
    /// An integer wider than 64 bits, by its digits.
    Wide(String),
}

/// Collects, below `path`, every null (when `nulls`) and every integer wider
/// than 64 bits in `value`. The path is named only for what is found: most
/// documents have nothing to report. The depth is bounded by
/// `depth::MAX_DEPTH`.
pub(super) fn refused<'v>(
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
pub(super) fn path_name(path: &[Part]) -> String {
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
pub(super) fn refused_error<T: DeserializeOwned>(
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
pub(super) fn wide_integer_message<T: DeserializeOwned>(
    key: &Value,
    name: &str,
    digits: &str,
) -> String {
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
pub(super) fn integer_ranges(message: &str) -> String {
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
pub(super) fn field_type_error(text: &str, key: &str, message: String) -> FieldError {
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
