//! Affected packages and their version ranges: the model OSV, CSAF and the
//! "am I affected?" checker share.
//!
//! A range is OSV's: a type (SEMVER, ECOSYSTEM or GIT) and a list of events
//! (`introduced`, `fixed`, `last_affected`, `limit`); a version is affected
//! when, walking the events sorted by version, the last one at or below it
//! opened an interval. Front matter writes ranges either so or in a compact
//! syntax (`>= 1.2.0, < 1.4.3 || >= 2.0.0, < 2.0.5`), which [`parse_compact`]
//! turns into events. The JSON of a range is OSV's (`Range` serialises as
//! OSV does), so the checker in the browser reads OSV and the shared test
//! vectors (`tests/fixtures/range-cases.json`) are OSV `affected` entries.

pub mod ecosystem;
pub mod maven;

pub use ecosystem::{Scheme, Version};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// A package as OSV names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Package {
    pub ecosystem: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// The type of a range: how its versions are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum RangeType {
    /// SemVer 2.0 precedence, whatever the ecosystem.
    #[serde(rename = "SEMVER")]
    Semver,
    /// The ecosystem's own order.
    #[serde(rename = "ECOSYSTEM")]
    Ecosystem,
    /// Commits of a Git repository (`repo`), by full hash.
    #[serde(rename = "GIT")]
    Git,
}

impl RangeType {
    pub fn as_str(self) -> &'static str {
        match self {
            RangeType::Semver => "SEMVER",
            RangeType::Ecosystem => "ECOSYSTEM",
            RangeType::Git => "GIT",
        }
    }

    /// The default type of an ecosystem's ranges: SEMVER where its versions
    /// are SemVer, else ECOSYSTEM.
    pub fn default_for(scheme: Scheme) -> RangeType {
        match scheme {
            Scheme::SemVer | Scheme::Go => RangeType::Semver,
            _ => RangeType::Ecosystem,
        }
    }

    /// The scheme the versions of a range of this type are read with.
    pub fn scheme(self, ecosystem: Scheme) -> Option<Scheme> {
        match self {
            RangeType::Semver if ecosystem == Scheme::Go => Some(Scheme::Go),
            RangeType::Semver => Some(Scheme::SemVer),
            RangeType::Ecosystem => Some(ecosystem),
            RangeType::Git => None,
        }
    }
}

/// What an event says of the versions from its own on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

impl EventKind {
    pub const ALL: [EventKind; 4] = [
        EventKind::Introduced,
        EventKind::Fixed,
        EventKind::LastAffected,
        EventKind::Limit,
    ];

    /// The OSV key.
    pub fn key(self) -> &'static str {
        match self {
            EventKind::Introduced => "introduced",
            EventKind::Fixed => "fixed",
            EventKind::LastAffected => "last_affected",
            EventKind::Limit => "limit",
        }
    }
}

/// One event: `{"introduced": "1.2.0"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: EventKind,
    pub version: String,
}

impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry(self.kind.key(), &self.version)?;
        map.end()
    }
}

/// A range as OSV writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Range {
    #[serde(rename = "type")]
    pub kind: RangeType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    pub events: Vec<Event>,
}

/// A problem in a version text: where (byte offset in the text), what is
/// wrong and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub offset: usize,
    pub message: String,
    pub help: String,
}

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
enum Op {
    AtLeast,
    Below,
    AtMost,
    Exactly,
}

/// A word of the text with its byte offset.
type Word<'a> = (usize, &'a str);

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
        match &lower {
            Some((word, version)) => {
                check_after(&previous, version, *word)?;
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
                previous = Some((version, word.1, op == Op::AtMost));
            }
            None => open_ended = true,
        }
    }
    if out.events.iter().any(|e| e.kind == EventKind::Fixed)
        && out.events.iter().any(|e| e.kind == EventKind::LastAffected)
    {
        let at = text.find("<=").unwrap_or(0);
        return Err(problem(at, "`<` and `<=` bounds in one set of ranges: OSV ranges have `fixed` or `last_affected` events, not both", "write every upper bound with `<` (the first fixed version) or every one with `<=` (the last affected one)"));
    }
    Ok(out)
}

fn problem(offset: usize, message: &str, help: &str) -> Problem {
    Problem {
        offset,
        message: message.to_string(),
        help: help.to_string(),
    }
}

/// The interval starting at `version` must begin above the one before.
fn check_after(
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
fn comparator_parts(comparator: &str, offset: usize) -> Result<(Op, Word<'_>), Problem> {
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

fn split_with_offsets<'a>(text: &'a str, separator: &str) -> Vec<(usize, &'a str)> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices(separator) {
        parts.push((start, &text[start..i]));
        start = i + separator.len();
    }
    parts.push((start, &text[start..]));
    parts
}

fn leading_space(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

/// A problem with one event of a range (by index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventProblem {
    pub event: Option<usize>,
    pub message: String,
    pub help: String,
}

/// Checks a range as OSV requires, reading versions with `ecosystem`'s
/// scheme (or SemVer for SEMVER ranges): an `introduced` event; `fixed`
/// and `last_affected` not both; `0` only as `introduced`; GIT ranges with
/// a `repo` and full commit hashes; each event's version valid; and where
/// an `introduced` is followed by its end, the end above it.
pub fn check_range(range: &Range, ecosystem: Scheme) -> Vec<EventProblem> {
    let mut problems = Vec::new();
    let at = |event: Option<usize>, message: String, help: &str| EventProblem {
        event,
        message,
        help: help.to_string(),
    };
    if range.events.is_empty() {
        problems.push(at(
            None,
            "a range without events".into(),
            "give at least `- introduced: V`",
        ));
        return problems;
    }
    if !range.events.iter().any(|e| e.kind == EventKind::Introduced) {
        problems.push(at(
            None,
            "a range without an `introduced` event".into(),
            "add `- introduced: \"0\"` when every version before the fix is affected",
        ));
    }
    let has = |k| range.events.iter().any(|e| e.kind == k);
    if has(EventKind::Fixed) && has(EventKind::LastAffected) {
        let i = range
            .events
            .iter()
            .position(|e| e.kind == EventKind::LastAffected);
        problems.push(at(
            i,
            "`fixed` and `last_affected` in one range".into(),
            "OSV allows one kind of end per range: split it into two ranges",
        ));
    }
    match range.kind {
        RangeType::Git => {
            if range.repo.as_deref().is_none_or(|r| r.trim().is_empty()) {
                problems.push(at(
                    None,
                    "a GIT range without `repo`".into(),
                    "add `repo:` with the repository's URL",
                ));
            }
            for (i, e) in range.events.iter().enumerate() {
                let full = |v: &str| {
                    (v.len() == 40 || v.len() == 64)
                        && v.bytes()
                            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                };
                if !(full(&e.version) || (e.version == "0" && e.kind == EventKind::Introduced)) {
                    problems.push(at(Some(i), format!("`{}` is not a full commit hash", e.version), "GIT range events are 40 (or 64) lower-case hex digits, or `0` for `introduced`"));
                }
            }
        }
        kind => {
            let Some(scheme) = kind.scheme(ecosystem) else {
                return problems;
            };
            let mut parsed: Vec<Option<Version>> = Vec::with_capacity(range.events.len());
            for (i, e) in range.events.iter().enumerate() {
                if e.version == "0" && e.kind == EventKind::Introduced {
                    parsed.push(None);
                    continue;
                }
                match scheme.parse(&e.version) {
                    Ok(v) => parsed.push(Some(v)),
                    Err(why) => {
                        problems.push(at(
                            Some(i),
                            format!("`{}` is not a {} version: {why}", e.version, scheme.name()),
                            scheme.expected(),
                        ));
                        parsed.push(None);
                    }
                }
            }
            for i in 1..range.events.len() {
                let (e0, e1) = (&range.events[i - 1], &range.events[i]);
                if e0.kind != EventKind::Introduced || e1.kind == EventKind::Introduced {
                    continue;
                }
                if let (Some(a), Some(b)) = (&parsed[i - 1], &parsed[i]) {
                    let ok = match a.compare(b) {
                        Some(Ordering::Less) => true,
                        Some(Ordering::Equal) => e1.kind == EventKind::LastAffected,
                        Some(Ordering::Greater) => false,
                        None => true,
                    };
                    if !ok {
                        problems.push(at(
                            Some(i),
                            format!(
                                "`{}: {}` is not above the `introduced: {}` before it",
                                e1.kind.key(),
                                e1.version,
                                e0.version
                            ),
                            "an interval ends above where it starts",
                        ));
                    }
                }
            }
        }
    }
    problems
}

/// Whether `version` is affected by `ranges` and `listed` versions of a
/// package of `ecosystem`, as OSV evaluates them: listed versions match
/// exactly (after parsing, where the scheme orders versions); each SEMVER
/// or ECOSYSTEM range's events are sorted by version (`0` first) and
/// walked, `introduced` opening and `fixed` (at), `last_affected` (past)
/// or `limit` (at) closing. GIT ranges say nothing of a version. Errs when
/// `version` is not a version of the scheme.
pub fn affects(
    ecosystem: Scheme,
    ranges: &[Range],
    listed: &[String],
    version: &str,
) -> Result<bool, String> {
    let own = ecosystem.parse(version)?;
    let canonical = ecosystem.canonical(version);
    let same = |v: &String| match ecosystem.parse(v) {
        Ok(parsed) if ecosystem.is_ordered() => parsed.compare(&own) == Some(Ordering::Equal),
        _ => ecosystem.canonical(v) == canonical,
    };
    if listed.iter().any(same) {
        return Ok(true);
    }
    for range in ranges {
        let Some(scheme) = range.kind.scheme(ecosystem).filter(|s| s.is_ordered()) else {
            continue;
        };
        let v = scheme.parse(version)?;
        let mut events: Vec<(Option<Version>, EventKind)> = range
            .events
            .iter()
            .filter_map(|e| {
                if e.version == "0" && e.kind == EventKind::Introduced {
                    return Some((None, e.kind));
                }
                scheme.parse(&e.version).ok().map(|p| (Some(p), e.kind))
            })
            .collect();
        events.sort_by(|a, b| match (&a.0, &b.0) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => x.compare(y).unwrap_or(Ordering::Equal),
        });
        let mut affected = false;
        for (at, kind) in &events {
            let order = at
                .as_ref()
                .map_or(Some(Ordering::Greater), |at| v.compare(at));
            match kind {
                EventKind::Introduced if order != Some(Ordering::Less) => affected = true,
                EventKind::Fixed | EventKind::Limit if order != Some(Ordering::Less) => {
                    affected = false
                }
                EventKind::LastAffected if order == Some(Ordering::Greater) => affected = false,
                _ => {}
            }
        }
        if affected {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests;
