//! Positions: a path inside a YAML document (`timeline[2].date`) mapped
//! back to a line and column of its text, and values found inside a key.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

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
pub(super) struct Line<'a> {
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
pub(super) struct Block<'a> {
    lines: Vec<Line<'a>>,
    /// First line of each key at the block's indentation.
    keys: OnceCell<HashMap<&'a str, usize>>,
    /// Item lines (`- …`) at the block's indentation.
    items: OnceCell<Vec<usize>>,
    /// Blocks already cut out below this one, with their positions.
    children: RefCell<HashMap<Step<'a>, Rc<(Position, Block<'a>)>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Step<'a> {
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
pub(super) fn find_in_block(
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

pub(super) fn find_scalar(line: &str, value: &str) -> Option<usize> {
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

pub(super) fn find_word(haystack: &str, needle: &str) -> Option<usize> {
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

pub(super) fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ") || text.starts_with("-\t")
}

/// The key of a `key: value` line (quotes removed), if the line is one.
pub(super) fn key_of(text: &str) -> Option<&str> {
    let end = key_end(text)?;
    Some(text[..end].trim().trim_matches(['"', '\'']))
}

pub(super) fn key_end(text: &str) -> Option<usize> {
    if let Some(q) = text.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let close = text[1..].find(q)? + 1;
        return text[close + 1..].starts_with(':').then_some(close + 1);
    }
    text.match_indices(':')
        .map(|(i, _)| i)
        .find(|&i| text[i + 1..].is_empty() || text[i + 1..].starts_with([' ', '\t']))
}

/// Byte offset of an inline value after `key:`, if there is one.
pub(super) fn value_offset(text: &str) -> Option<usize> {
    let end = key_end(text)? + 1;
    let rest = &text[end..];
    let value = rest.trim_start();
    (!value.is_empty() && !value.starts_with('#')).then(|| end + rest.len() - value.len())
}
