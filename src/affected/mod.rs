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

mod compact;
pub mod ecosystem;
pub mod maven;

pub use compact::{parse_compact, Compact, COMPACT_SYNTAX};

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
    let at = event_problem;
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
        RangeType::Git => problems.extend(git_problems(range)),
        kind => {
            if let Some(scheme) = kind.scheme(ecosystem) {
                problems.extend(version_problems(range, scheme));
            }
        }
    }
    problems
}

/// The problem of an event (or of the whole range), with its help.
fn event_problem(event: Option<usize>, message: String, help: &str) -> EventProblem {
    EventProblem {
        event,
        message,
        help: help.to_string(),
    }
}

/// A GIT range needs a `repo` and full commit hashes.
fn git_problems(range: &Range) -> Vec<EventProblem> {
    let mut problems = Vec::new();
    let at = event_problem;
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
            problems.push(at(
                Some(i),
                format!("`{}` is not a full commit hash", e.version),
                "GIT range events are 40 (or 64) lower-case hex digits, or `0` for `introduced`",
            ));
        }
    }
    problems
}

/// Each event's version valid in `scheme`, and each interval's end above
/// its start.
fn version_problems(range: &Range, scheme: Scheme) -> Vec<EventProblem> {
    let mut problems = Vec::new();
    let at = event_problem;
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
