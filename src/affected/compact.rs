//! The compact syntax of affected versions (`>= 1.2.0, < 1.4.3 || >= 2.0.0`):
//! parsed into OSV events, each version read with its ecosystem's scheme.

use super::ecosystem::Scheme;
use super::ecosystem::Version;
use super::Event;
use super::EventKind;
use super::Problem;
use std::cmp::Ordering;

/// Ranges written in the compact syntax, as events and exact versions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compact {
    /// The events of one range, in the order of the intervals.
    pub events: Vec<Event>,
    /// Versions given alone (`= 1.0.3`), affected one by one.
    pub exact: Vec<String>,
    /// The exclusive upper bounds (`< X`): the versions that fix it.
    pub fixed: Vec<String>,
}

/// The compact syntax, for messages.
pub const COMPACT_SYNTAX: &str = "intervals separated by `||`, each of `>= V`, `< V` or `<= V` joined by `,` (`>= 1.2.0, < 1.4.3 || >= 2.0.0, < 2.0.5`), `= V` for one version, or `*` for every version";

/// One comparator of the compact syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    AtLeast,
    Below,
    AtMost,
    Exactly,
}

/// A word of the text with its byte offset.
pub(super) type Word<'a> = (usize, &'a str);

/// Parses the compact syntax into OSV events: `>= a` is `introduced: a`
/// (`0` when an interval has no lower bound), `< b` is `fixed: b`, `<= b`
/// is `last_affected: b`. Intervals must ascend and not overlap, each
/// lower bound below its upper one, so the events are one well-formed OSV
/// range. Every version is read with `scheme`.
pub fn parse_compact(text: &str, scheme: Scheme) -> Result<Compact, Problem> {
    let mut out = Compact::default();
    if !scheme.is_ordered() {
        return Err(Problem {
            offset: 0,
            message: "versions of this ecosystem have no order seckb knows, so they cannot be given as a range".into(),
            help: "list the affected versions (`versions: [1.0.1, 1.0.2]`), or give OSV `ranges:` events".into(),
        });
    }
    // The upper bound of the interval before, to check the order.
    let mut previous: Option<(Version, &str, bool)> = None;
    let mut open_ended = false;
    for (start, interval) in split_with_offsets(text, "||") {
        let interval_offset = start + leading_space(interval);
        let interval = interval.trim();
        if interval.is_empty() {
            return Err(problem(
                interval_offset,
                "an empty interval",
                COMPACT_SYNTAX,
            ));
        }
        if open_ended {
            return Err(problem(interval_offset, "an interval after one with no upper bound: that one already covers every later version", "give the open interval (`>= V` alone) last, or bound it"));
        }
        if interval == "*" {
            if previous.is_some() || !out.exact.is_empty() {
                return Err(problem(
                    interval_offset,
                    "`*` (every version) with other intervals",
                    "write `*` alone",
                ));
            }
            out.events.push(Event {
                kind: EventKind::Introduced,
                version: "0".into(),
            });
            open_ended = true;
            continue;
        }
        let Bounds {
            lower,
            upper,
            exact,
        } = bounds(interval, interval_offset, scheme)?;
        if let Some((word, version)) = exact {
            check_after(&previous, &version, word)?;
            out.exact.push(scheme.canonical(word.1));
            previous = Some((version, word.1, true));
            continue;
        }
        if let (Some((lw, lv)), Some((_, uw, uv))) = (&lower, &upper) {
            if lv.compare(uv) != Some(Ordering::Less) {
                return Err(problem(
                    uw.0,
                    &format!(
                        "the interval is empty: `{}` is not above its lower bound `{}`",
                        uw.1, lw.1
                    ),
                    "an interval reads `>= LOW, < HIGH` with LOW below HIGH",
                ));
            }
        }
        open_ended = add_interval(
            &mut out,
            &mut previous,
            (lower, upper),
            interval_offset,
            scheme,
        )?;
    }
    if out.events.iter().any(|e| e.kind == EventKind::Fixed)
        && out.events.iter().any(|e| e.kind == EventKind::LastAffected)
    {
        let at = text.find("<=").unwrap_or(0);
        return Err(problem(at, "`<` and `<=` bounds in one set of ranges: OSV ranges have `fixed` or `last_affected` events, not both", "write every upper bound with `<` (the first fixed version) or every one with `<=` (the last affected one)"));
    }
    Ok(out)
}

/// The events of one bounded or open interval, in `out`; `previous` is the
/// upper bound of the interval before. Returns whether this one is open
/// (no upper bound).
pub(super) fn add_interval<'t>(
    out: &mut Compact,
    previous: &mut Option<(Version, &'t str, bool)>,
    (lower, upper): (Lower<'t>, Upper<'t>),
    interval_offset: usize,
    scheme: Scheme,
) -> Result<bool, Problem> {
    match &lower {
        Some((word, version)) => {
            check_after(previous, version, *word)?;
            out.events.push(Event {
                kind: EventKind::Introduced,
                version: scheme.canonical(word.1),
            });
        }
        None if previous.is_some() => {
            return Err(problem(
                interval_offset,
                "only the first interval may have no lower bound",
                "start the interval with `>= V`",
            ));
        }
        None => out.events.push(Event {
            kind: EventKind::Introduced,
            version: "0".into(),
        }),
    }
    match upper {
        Some((op, word, version)) => {
            let kind = if op == Op::Below {
                EventKind::Fixed
            } else {
                EventKind::LastAffected
            };
            if kind == EventKind::Fixed {
                out.fixed.push(scheme.canonical(word.1));
            }
            out.events.push(Event {
                kind,
                version: scheme.canonical(word.1),
            });
            *previous = Some((version, word.1, op == Op::AtMost));
        }
        None => return Ok(true),
    }
    Ok(false)
}

/// The bounds of one interval of the compact syntax: at most one lower
/// (`>=`) and one upper (`<`, `<=`), or one exact version (`=`).
pub(super) struct Bounds<'t> {
    lower: Lower<'t>,
    upper: Upper<'t>,
    exact: Lower<'t>,
}

/// A lower (or exact) bound: where its version is written, and the version.
pub(super) type Lower<'t> = Option<(Word<'t>, Version)>;

/// An upper bound: `<` or `<=`, where its version is written, the version.
pub(super) type Upper<'t> = Option<(Op, Word<'t>, Version)>;

/// Reads the comparators of `interval` (which starts at `interval_offset`
/// of the whole text), each version with `scheme`.
pub(super) fn bounds(
    interval: &str,
    interval_offset: usize,
    scheme: Scheme,
) -> Result<Bounds<'_>, Problem> {
    let mut lower: Option<(Word, Version)> = None;
    let mut upper: Option<(Op, Word, Version)> = None;
    let mut exact: Option<(Word, Version)> = None;
    for (cstart, comparator) in split_with_offsets(interval, ",") {
        let offset = interval_offset + cstart + leading_space(comparator);
        let (op, word) = comparator_parts(comparator.trim(), offset)?;
        let version = scheme.parse(word.1).map_err(|why| Problem {
            offset: word.0,
            message: format!("`{}` is not a {} version: {why}", word.1, scheme.name()),
            help: format!("expected {}", scheme.expected()),
        })?;
        let taken = match op {
            Op::AtLeast => lower.replace((word, version)).is_some(),
            Op::Below | Op::AtMost => upper.replace((op, word, version)).is_some(),
            Op::Exactly => exact.replace((word, version)).is_some(),
        };
        if taken || (exact.is_some() && (lower.is_some() || upper.is_some())) {
            return Err(problem(offset, "an interval has at most one lower bound (`>=`) and one upper bound (`<` or `<=`), or is one version (`= V`)", "separate intervals with `||`"));
        }
    }
    Ok(Bounds {
        lower,
        upper,
        exact,
    })
}

pub(super) fn problem(offset: usize, message: &str, help: &str) -> Problem {
    Problem {
        offset,
        message: message.to_string(),
        help: help.to_string(),
    }
}

/// The interval starting at `version` must begin above the one before.
pub(super) fn check_after(
    previous: &Option<(Version, &str, bool)>,
    version: &Version,
    word: Word,
) -> Result<(), Problem> {
    let Some((before, text, inclusive)) = previous else {
        return Ok(());
    };
    let order = version.compare(before);
    let after = match order {
        Some(Ordering::Greater) => true,
        Some(Ordering::Equal) => !inclusive,
        _ => false,
    };
    if after {
        Ok(())
    } else {
        Err(problem(word.0, &format!("intervals must ascend without overlapping: `{}` is not above `{text}`, where the interval before ends", word.1), "list the intervals from the oldest versions to the newest"))
    }
}

/// `>= 1.2.0` as its operator and version word (offset into the whole text).
pub(super) fn comparator_parts(comparator: &str, offset: usize) -> Result<(Op, Word<'_>), Problem> {
    let (op, rest) = if let Some(r) = comparator.strip_prefix(">=") {
        (Op::AtLeast, r)
    } else if let Some(r) = comparator.strip_prefix("<=") {
        (Op::AtMost, r)
    } else if let Some(r) = comparator.strip_prefix('<') {
        (Op::Below, r)
    } else if let Some(r) = comparator.strip_prefix('=') {
        (Op::Exactly, r)
    } else if comparator.starts_with('>') {
        return Err(problem(
            offset,
            "`>` is not a bound seckb writes: an OSV range starts at a version it includes",
            "write `>= V` with the first affected version",
        ));
    } else if comparator.starts_with(|c: char| c.is_ascii_alphanumeric())
        && !comparator.contains(char::is_whitespace)
    {
        (Op::Exactly, comparator)
    } else {
        return Err(problem(
            offset,
            &format!("`{comparator}` is no comparator"),
            COMPACT_SYNTAX,
        ));
    };
    let version = rest.trim_start();
    let at = offset + (comparator.len() - rest.len()) + (rest.len() - version.len());
    if version.is_empty() {
        return Err(problem(
            at,
            "a comparator without a version",
            COMPACT_SYNTAX,
        ));
    }
    if version.starts_with(['<', '>', '=']) {
        return Err(problem(
            at,
            &format!("`{}` is no comparator", comparator.trim()),
            COMPACT_SYNTAX,
        ));
    }
    Ok((op, (at, version)))
}

pub(super) fn split_with_offsets<'a>(text: &'a str, separator: &str) -> Vec<(usize, &'a str)> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices(separator) {
        parts.push((start, &text[start..i]));
        start = i + separator.len();
    }
    parts.push((start, &text[start..]));
    parts
}

pub(super) fn leading_space(text: &str) -> usize {
    text.len() - text.trim_start().len()
}
