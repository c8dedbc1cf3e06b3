//! The document model: what a validated incident, FAQ or page is, and the
//! stages that produce it from files (`load` → `frontmatter` → `validate`).

pub mod frontmatter;
pub mod load;
pub mod validate;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// TLP 2.0 labels, ordered from least to most restricted.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Tlp {
    Clear,
    Green,
    Amber,
    #[serde(rename = "amber+strict")]
    AmberStrict,
    Red,
}

impl Tlp {
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber+strict",
            Tlp::Red => "red",
        }
    }

    /// The label as TLP 2.0 writes it: capitals, `TLP:` prefix.
    pub fn label(self) -> String {
        format!("TLP:{}", self.as_str().to_uppercase())
    }
}

impl std::str::FromStr for Tlp {
    type Err = String;
    fn from_str(s: &str) -> Result<Tlp, String> {
        let lower = s.trim().to_ascii_lowercase();
        let bare = lower.strip_prefix("tlp:").unwrap_or(&lower);
        Tlp::ALL
            .into_iter()
            .find(|t| t.as_str() == bare)
            .ok_or_else(|| {
                format!(
                    "unknown TLP level `{s}`, expected clear, green, amber, amber+strict or red"
                )
            })
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Most severe first, the order of dashboards and lists.
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Investigating,
        Status::Identified,
        Status::Monitoring,
        Status::Resolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Investigating => "investigating",
            Status::Identified => "identified",
            Status::Monitoring => "monitoring",
            Status::Resolved => "resolved",
        }
    }
}

/// What a document is, from its top folder under `content/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Incident,
    Faq,
    Page,
}

impl Kind {
    pub fn from_section(section: &str) -> Kind {
        match section {
            "incidents" => Kind::Incident,
            "faq" => Kind::Faq,
            _ => Kind::Page,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Incident => "incident",
            Kind::Faq => "faq",
            Kind::Page => "page",
        }
    }
}

/// A date from front matter: `YYYY-MM-DD` (midnight UTC) or RFC 3339.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub instant: DateTime<Utc>,
    pub has_time: bool,
}

impl Date {
    /// The years a date may fall in, in UTC: RFC 3339, Atom, sitemaps and
    /// CSAF write four-digit years, and a date-time near either end moves
    /// out of them when converted (`9999-12-31T23:59:59-23:59` is in 10000).
    pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

    pub fn parse(text: &str) -> Result<Date, String> {
        let text = text.trim();
        let date = if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
            Date {
                instant: dt.with_timezone(&Utc),
                has_time: true,
            }
        } else {
            match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(d) if text.len() == 10 => Date {
                    instant: d.and_time(NaiveTime::MIN).and_utc(),
                    has_time: false,
                },
                _ => return Err(format!(
                    "`{text}` is not a valid date: expected YYYY-MM-DD or an RFC 3339 date-time such as 2026-11-09T14:30:00Z"
                )),
            }
        };
        if !Date::YEARS.contains(&date.year()) {
            return Err(format!(
                "`{text}` is in the year {} in UTC: dates must fall in the years {} to {}",
                date.year(),
                Date::YEARS.start(),
                Date::YEARS.end()
            ));
        }
        Ok(date)
    }

    /// `YYYY-MM-DD`, the form lists and pages show.
    pub fn ymd(&self) -> String {
        // Not `format("%Y-%m-%d")`: parsing the pattern took most of the
        // time, and lists show two dates for each of 800,000 entries at
        // 100,000 documents.
        use chrono::Datelike;
        let date = self.instant.date_naive();
        format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
    }

    /// Full RFC 3339 in UTC, for feeds, sitemaps and exports.
    pub fn rfc3339(&self) -> String {
        self.instant
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    pub fn year(&self) -> i32 {
        use chrono::Datelike;
        self.instant.year()
    }
}

/// A value with the place in the source file it came from, for errors that
/// can only be detected once the whole site is known (ids, related links).
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
    pub column: usize,
}

/// Front matter common to every kind, validated.
#[derive(Debug, Clone)]
pub struct Meta {
    pub title: String,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub tlp: Tlp,
    pub draft: bool,
    pub embargo: Option<Date>,
    /// `slug:` from front matter, where it was written.
    pub slug: Option<Located<String>>,
    pub aliases: Vec<Located<String>>,
    pub extra: serde_json::Value,
    /// `owners:` (`@user`, `@org/team` or email addresses).
    pub owners: Vec<String>,
    /// `reviewed:`, where its date is written.
    pub reviewed: Option<Reviewed>,
}

/// `reviewed: {by, date}`, validated.
#[derive(Debug, Clone)]
pub struct Reviewed {
    pub by: String,
    pub date: Located<Date>,
}

/// An `affected` entry, validated: a vendor's product, a package, or both.
#[derive(Debug, Clone)]
pub struct Affected {
    /// None only for an entry that names a package.
    pub vendor: Option<String>,
    pub product: Option<String>,
    /// `versions` as written, for display: free text, the compact range,
    /// or the listed versions joined by `, `.
    pub versions: Option<String>,
    pub package: Option<crate::affected::Package>,
    /// How the versions are read: the package's ecosystem, or Maven's
    /// "generic" order for a vendor product's range.
    pub scheme: crate::affected::Scheme,
    /// OSV ranges, from `versions`, `fixed` and `ranges` (empty for a
    /// product whose `versions` is free text).
    pub ranges: Vec<crate::affected::Range>,
    /// Versions affected one by one (`versions: [..]`, `= V`).
    pub listed: Vec<String>,
    /// The versions that fix it (the `fixed` events).
    pub fixed: Vec<String>,
}

impl Affected {
    /// Whether the entry says what is affected beyond a vendor's name.
    pub fn names_a_product(&self) -> bool {
        self.product.is_some() || self.package.is_some()
    }

    /// One line naming what is affected: vendor, product, package and
    /// versions (`Acme acme-python (PyPI acme-python, >= 3.4.0, < 3.6.2)`).
    pub fn describe(&self) -> String {
        let mut words: Vec<String> = self.vendor.iter().chain(&self.product).cloned().collect();
        let mut details: Vec<String> = Vec::new();
        if let Some(p) = &self.package {
            details.push(format!("{} {}", p.ecosystem, p.name));
        }
        details.extend(self.versions.clone());
        if words.is_empty() {
            return details.join(", ");
        }
        if !details.is_empty() {
            words.push(format!("({})", details.join(", ")));
        }
        words.join(" ")
    }

    /// The entry as an OSV `affected` object (`package`, `ranges`,
    /// `versions`), for entries that name a package: the form OSV exports,
    /// the API and the browser's checker read.
    pub fn osv(&self) -> Option<serde_json::Value> {
        let package = self.package.as_ref()?;
        let mut value = serde_json::json!({ "package": package });
        if !self.ranges.is_empty() {
            value["ranges"] = serde_json::json!(self.ranges);
        }
        if !self.listed.is_empty() {
            value["versions"] = serde_json::json!(self.listed);
        }
        Some(value)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CvssScore {
    pub vector: String,
    pub score: f64,
    pub rating: String,
}

#[derive(Debug, Clone)]
pub struct TimelineEntry {
    pub date: Date,
    /// Inline Markdown.
    pub event: Located<String>,
}

/// An entry of `updates`, validated.
#[derive(Debug, Clone)]
pub struct Update {
    pub date: Date,
    pub status: Option<Status>,
    pub severity: Option<Severity>,
    /// Inline Markdown.
    pub text: Located<String>,
}

/// What one update changed: its status and severity before and after it
/// (`from` is None before the first update that gives one, and equals `to`
/// when the update does not change it).
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// Its place in `updates` as written (0 is the oldest).
    pub index: usize,
    pub update: &'a Update,
    pub status_from: Option<Status>,
    pub status_to: Option<Status>,
    pub severity_from: Option<Severity>,
    pub severity_to: Option<Severity>,
}

impl Change<'_> {
    /// The status this update moved to, when it changed it.
    pub fn status_changed(&self) -> Option<(Option<Status>, Status)> {
        let to = self.update.status?;
        (self.status_from != Some(to)).then_some((self.status_from, to))
    }

    /// The severity this update moved to, when it changed it.
    pub fn severity_changed(&self) -> Option<(Option<Severity>, Severity)> {
        let to = self.update.severity?;
        (self.severity_from != Some(to)).then_some((self.severity_from, to))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    pub title: Option<String>,
    pub url: String,
    /// OSV's type of reference, when the front matter gives one.
    #[serde(rename = "type")]
    pub kind: Option<frontmatter::ReferenceType>,
}

/// Incident-only front matter, validated.
#[derive(Debug, Clone)]
pub struct IncidentMeta {
    pub id: Option<Located<String>>,
    pub severity: Severity,
    pub cvss: Option<CvssScore>,
    pub status: Status,
    pub affected: Vec<Affected>,
    pub third_parties: Vec<String>,
    pub cves: Vec<String>,
    pub cwes: Vec<String>,
    /// Ids of the incident in other databases (GHSA-…, RUSTSEC-…).
    pub advisory_ids: Vec<String>,
    pub data_exposed: Vec<String>,
    pub actors: Vec<String>,
    pub records_affected: Option<u64>,
    pub timeline: Vec<TimelineEntry>,
    /// `updates:`, oldest first (validated to be in order).
    pub updates: Vec<Update>,
    /// Inline Markdown, one per recommended action.
    pub actions: Vec<Located<String>>,
    pub references: Vec<Reference>,
    pub related: Vec<Located<String>>,
}

impl IncidentMeta {
    /// Each update with the status and severity before and after it,
    /// oldest first.
    pub fn changes(&self) -> Vec<Change<'_>> {
        changes_of(&self.updates)
    }

    /// Affected vendors then third parties, without repeats, in front-matter order.
    pub fn vendors(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let names = self
            .affected
            .iter()
            .filter_map(|a| a.vendor.as_deref())
            .chain(self.third_parties.iter().map(String::as_str));
        for name in names {
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }
}

/// Each of `updates` with the status and severity before and after it.
pub fn changes_of(updates: &[Update]) -> Vec<Change<'_>> {
    let (mut status, mut severity) = (None, None);
    updates
        .iter()
        .enumerate()
        .map(|(index, update)| {
            let change = Change {
                index,
                update,
                status_from: status,
                status_to: update.status.or(status),
                severity_from: severity,
                severity_to: update.severity.or(severity),
            };
            status = change.status_to;
            severity = change.severity_to;
            change
        })
        .collect()
}

/// FAQ-only front matter, validated.
#[derive(Debug, Clone, Default)]
pub struct FaqMeta {
    pub incidents: Vec<Located<String>>,
}

/// What a document is, with the front matter only its kind has: an
/// incident always has its incident data and a FAQ its FAQ data (a failed
/// key took its default in validation), so no reader checks for either.
/// The incident data is boxed: it is most of a document's size, and FAQs
/// and pages would otherwise carry room for it.
#[derive(Debug, Clone)]
pub enum DocKind {
    Incident(Box<IncidentMeta>),
    Faq(FaqMeta),
    Page,
}

impl DocKind {
    /// The kind without its data, for what depends on the kind alone
    /// (templates, serialisation, search facets).
    pub fn kind(&self) -> Kind {
        match self {
            DocKind::Incident(_) => Kind::Incident,
            DocKind::Faq(_) => Kind::Faq,
            DocKind::Page => Kind::Page,
        }
    }

    /// The incident data, for readers that take documents of any kind.
    pub fn incident(&self) -> Option<&IncidentMeta> {
        match self {
            DocKind::Incident(incident) => Some(incident.as_ref()),
            DocKind::Faq(_) | DocKind::Page => None,
        }
    }

    /// The FAQ data, for readers that take documents of any kind.
    pub fn faq(&self) -> Option<&FaqMeta> {
        match self {
            DocKind::Faq(faq) => Some(faq),
            DocKind::Incident(_) | DocKind::Page => None,
        }
    }
}

/// One validated source document, before Markdown rendering.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path relative to the site root, with `/` separators (`content/faq/x.md`).
    pub source: PathBuf,
    /// The file up to its Markdown body (BOM removed, line endings
    /// normalised), for error lines while the site is assembled; emptied
    /// after that ([`Document::release_text`]). The body is read again when
    /// the page is rendered, so a build does not hold every file's text.
    pub text: String,
    /// A hash of the front matter (`text`), which outlives it: `serve`
    /// tells body-only edits by it.
    pub front_matter_hash: u64,
    /// A hash of the whole file as validated: the body read again must be
    /// the one validated and scanned for secrets ([`Document::is_same_file`]).
    pub file_hash: u64,
    /// Byte offset where the Markdown body starts, and its 1-based line.
    pub body_offset: usize,
    pub body_line: usize,
    /// Its kind (from its top folder) and the front matter only that kind has.
    pub kind: DocKind,
    /// Top folder under `content/` (`incidents`), empty for files at its root.
    pub section: String,
    pub slug: String,
    /// Site path without the base path: `incidents/slug/`.
    pub path: String,
    pub meta: Meta,
}

/// The hash [`Document::file_hash`] holds (SipHash with fixed keys, so the
/// same text hashes the same in every run).
pub fn file_hash(text: &str) -> u64 {
    hash_bytes(text.as_bytes())
}

/// A 64-bit hash of `bytes`, the same in every run.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(bytes);
    hasher.finish()
}

impl Document {
    /// Drops the front matter text once nothing reports errors in it.
    pub fn release_text(&mut self) {
        self.text = String::new();
    }

    /// Whether `text` (the file read again) is the file this was validated from.
    pub fn is_same_file(&self, text: &str) -> bool {
        file_hash(text) == self.file_hash
    }

    /// The newest of `updated` and `date`, for ordering feeds and "latest" lists.
    pub fn last_changed(&self) -> Option<Date> {
        self.meta.updated.or(self.meta.date)
    }
}

/// A content folder's list page, with the optional text of its `_index.md`.
#[derive(Debug, Clone)]
pub struct Section {
    pub name: String,
    pub kind: Kind,
    pub title: String,
    pub description: String,
    pub source: Option<PathBuf>,
    pub text: String,
    pub body_offset: usize,
    pub body_line: usize,
}

/// A file next to documents, copied beside their pages.
#[derive(Debug, Clone)]
pub struct Asset {
    pub source: PathBuf,
    /// Path under `content/`, which is also its path in the output.
    pub path: String,
}

/// Lower-case ASCII slug: letters and digits kept (accents folded), every
/// other run of characters becomes one `-`.
pub fn slugify(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' || c == '.' || c == '/' {
            dash = true;
        }
    }
    out
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_accents_and_punctuation() {
        assert_eq!(
            slugify("Rotating a key (step by step)"),
            "rotating-a-key-step-by-step"
        );
        assert_eq!(slugify("Ünïcode Straße café"), "unicode-strae-cafe");
        assert_eq!(slugify("What's `sk-proj`?"), "whats-sk-proj");
        assert_eq!(slugify("v2.3.1"), "v2-3-1");
    }

    #[test]
    fn dates_accept_day_and_rfc3339_only() {
        assert_eq!(
            Date::parse("2026-11-09").map(|d| d.ymd()),
            Ok("2026-11-09".into())
        );
        assert!(Date::parse("2026-02-30").is_err());
        assert!(Date::parse("2026-1-9").is_err());
        let d = Date::parse("2026-11-09T23:30:00-02:00").map(|d| d.rfc3339());
        assert_eq!(d, Ok("2026-11-10T01:30:00Z".into()));
    }

    #[test]
    fn dates_stay_in_four_digit_years_in_utc() {
        for outside in [
            "9999-12-31T23:59:59-23:59",
            "0001-01-01T00:00:00+00:01",
            "0000-06-01",
            "0000-06-01T00:00:00Z",
        ] {
            let e = Date::parse(outside).unwrap_err();
            assert!(e.contains("years 1 to 9999"), "{outside}: {e}");
        }
        for inside in [
            "9999-12-31T23:59:59Z",
            "9999-12-31",
            "0001-01-01",
            "0001-01-01T00:00:00-01:00",
        ] {
            assert!(Date::parse(inside).is_ok(), "{inside}");
        }
        assert_eq!(
            Date::parse("9999-12-31T00:00:00+00:00").map(|d| d.rfc3339()),
            Ok("9999-12-31T00:00:00Z".into())
        );
    }

    #[test]
    fn tlp_order_and_labels() {
        assert!(
            Tlp::Clear < Tlp::Green && Tlp::Amber < Tlp::AmberStrict && Tlp::AmberStrict < Tlp::Red
        );
        assert_eq!(Tlp::AmberStrict.label(), "TLP:AMBER+STRICT");
        assert_eq!("TLP:Amber".parse::<Tlp>(), Ok(Tlp::Amber));
    }
}
