//! Splitting a file into YAML front matter and Markdown body, and the raw
//! (typed, not yet validated) front matter. The raw struct is also the source
//! of `seckb schema`, so the schema and the parser cannot disagree.

use super::{Kind, Severity, Status, Tlp};
use schemars::JsonSchema;
use serde::Deserialize;

/// The front matter block of a file: its YAML text, the 1-based line where the
/// YAML starts, and where the body starts.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    pub yaml_line: usize,
    pub body_offset: usize,
    pub body_line: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with a `---` line.
    Missing,
    /// A `---` line opens front matter but none closes it.
    Unterminated,
}

/// Splits `---\n yaml \n---\n body`. The closing line may also be `...`.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(SplitError::Missing);
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let content = text[offset..end].trim_end();
        if content == "---" || content == "..." {
            let body_offset = (end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body_offset,
                body_line: line + 1,
            });
        }
        offset = end + 1;
        line += 1;
    }
    Err(SplitError::Unterminated)
}

/// An entry of `affected`: a vendor name, or a mapping naming a vendor's
/// product or a package (`ecosystem` and `name`, or `purl`) and its versions.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
pub enum RawAffected {
    Vendor(String),
    Detailed(Box<RawAffectedDetail>),
}

impl<'de> Deserialize<'de> for RawAffected {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        text_or_mapping(
            d,
            RawAffected::Vendor,
            |detail| RawAffected::Detailed(Box::new(detail)),
            "a vendor name, or a mapping of `vendor`, `product` and `versions`, or of a package (`ecosystem` and `name`, or `purl`) and its versions",
        )
    }
}

/// Text, or a mapping of fixed keys, told apart by the value's YAML type:
/// a mistake inside the mapping is then reported as itself (an unknown key
/// with its "did you mean", a missing `vendor`) rather than as serde's
/// "data did not match any variant of untagged enum", which names a Rust
/// type and says nothing of the mistake.
fn text_or_mapping<'de, D, T, M>(
    d: D,
    text: impl FnOnce(String) -> T,
    mapping: impl FnOnce(M) -> T,
    expecting: &str,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    M: serde::de::DeserializeOwned,
{
    use serde::de::Error;
    match crate::yaml::Value::deserialize(d)? {
        crate::yaml::Value::String(s) => Ok(text(s)),
        value @ crate::yaml::Value::Mapping(_) => crate::yaml::from_value(value)
            .map(mapping)
            .map_err(D::Error::custom),
        _ => Err(D::Error::custom(format!("expected {expecting}"))),
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAffectedDetail {
    /// Required unless the entry names a package.
    pub vendor: Option<String>,
    pub product: Option<String>,
    /// Text: a range in the compact syntax (`>= 1.2.0, < 1.4.3 || >= 2.0.0,
    /// < 2.0.5`), checked by the package's ecosystem (for a vendor product
    /// without a package, text without `<`, `>` or `=` is free text). A
    /// list: the affected versions one by one.
    pub versions: Option<RawVersions>,
    /// The package's OSV ecosystem, spelt exactly: crates.io, npm, PyPI,
    /// Go, Maven, RubyGems, NuGet, Packagist, … (optionally `:suffix`).
    pub ecosystem: Option<String>,
    /// The package's name in its ecosystem (`acme-python`,
    /// `github.com/acme/gateway/v5`, `org.acme:acme-core`).
    pub name: Option<String>,
    /// A package URL without version (`pkg:pypi/acme-python`); names the
    /// ecosystem and package when those are not given.
    pub purl: Option<String>,
    /// The version that fixes it: alone, every earlier version is affected;
    /// with `versions`, one of its `<` bounds.
    pub fixed: Option<VersionText>,
    /// OSV ranges, for what the compact syntax does not say (GIT ranges,
    /// `limit` events, several ranges of one package).
    pub ranges: Option<Vec<RawRange>>,
}

/// A version as written: text, or a whole number YAML read as one (`0`,
/// `2`). A YAML float (`1.10`, which YAML reads as 1.1) is kept apart so
/// it is reported instead of read wrongly.
#[derive(Debug, Clone)]
pub enum VersionText {
    Text(String),
    Float(f64),
}

impl<'de> Deserialize<'de> for VersionText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match crate::yaml::Value::deserialize(d)? {
            crate::yaml::Value::String(s) => Ok(VersionText::Text(s)),
            crate::yaml::Value::Number(n) if n.is_i64() || n.is_u64() => {
                Ok(VersionText::Text(n.to_string()))
            }
            crate::yaml::Value::Number(n) => Ok(VersionText::Float(n.as_f64().unwrap_or(0.0))),
            _ => Err(D::Error::custom("expected a version (quote it: \"1.4.3\")")),
        }
    }
}

impl JsonSchema for VersionText {
    fn schema_name() -> String {
        "Version".into()
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        use schemars::schema::{InstanceType, SchemaObject};
        SchemaObject {
            instance_type: Some(vec![InstanceType::String, InstanceType::Integer].into()),
            ..Default::default()
        }
        .into()
    }
}

/// `versions`: one text (a range, or free text), or a list of versions.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
pub enum RawVersions {
    Text(VersionText),
    List(Vec<VersionText>),
}

impl<'de> Deserialize<'de> for RawVersions {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match crate::yaml::Value::deserialize(d)? {
            value @ crate::yaml::Value::Sequence(_) => crate::yaml::from_value(value)
                .map(RawVersions::List)
                .map_err(D::Error::custom),
            value => crate::yaml::from_value(value)
                .map(RawVersions::Text)
                .map_err(D::Error::custom),
        }
    }
}

/// An OSV range: `type` (default: SEMVER for SemVer ecosystems, else
/// ECOSYSTEM), `repo` for GIT ranges, and events.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRange {
    #[serde(rename = "type")]
    pub kind: Option<crate::affected::RangeType>,
    pub repo: Option<String>,
    pub events: Option<Vec<RawEvent>>,
}

/// One event of a range: exactly one of its keys.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub introduced: Option<VersionText>,
    pub fixed: Option<VersionText>,
    pub last_affected: Option<VersionText>,
    pub limit: Option<VersionText>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTimelineEntry {
    /// YYYY-MM-DD or RFC 3339; entries must be in chronological order.
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}([Tt ].+)?$"))]
    pub date: String,
    /// What happened, inline Markdown.
    pub event: String,
}

/// An entry of `updates`: what changed on `date` (the change log, feeds,
/// CSAF revisions). The latest update that gives `status` or `severity`
/// sets the incident's.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawUpdate {
    /// YYYY-MM-DD or RFC 3339; updates are listed oldest first, none
    /// before the incident's `date`.
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}([Tt ].+)?$"))]
    pub date: String,
    /// The incident's status from this update on.
    pub status: Option<Status>,
    /// The incident's severity from this update on.
    pub severity: Option<Severity>,
    /// What changed, inline Markdown.
    pub text: String,
}

/// `reviewed`: who last reviewed the document, and when.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReviewed {
    /// Who reviewed it (a name, `@user` or `@org/team`).
    pub by: String,
    /// YYYY-MM-DD or RFC 3339.
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}([Tt ].+)?$"))]
    pub date: String,
}

/// A reference: a URL, or a URL with a title. http(s) only.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
pub enum RawReference {
    Url(String),
    Titled(RawTitledReference),
}

impl<'de> Deserialize<'de> for RawReference {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        text_or_mapping(
            d,
            RawReference::Url,
            RawReference::Titled,
            "a URL, or a mapping of `title` and `url`",
        )
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTitledReference {
    pub title: Option<String>,
    pub url: String,
    /// What the reference is, in OSV's words (exported in OSV; default web).
    #[serde(rename = "type")]
    pub kind: Option<ReferenceType>,
}

/// OSV's reference types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceType {
    Advisory,
    Article,
    Detection,
    Discussion,
    Report,
    Fix,
    Introduced,
    Git,
    Package,
    Evidence,
    Web,
}

impl ReferenceType {
    pub const ALL: [ReferenceType; 11] = [
        ReferenceType::Advisory,
        ReferenceType::Article,
        ReferenceType::Detection,
        ReferenceType::Discussion,
        ReferenceType::Report,
        ReferenceType::Fix,
        ReferenceType::Introduced,
        ReferenceType::Git,
        ReferenceType::Package,
        ReferenceType::Evidence,
        ReferenceType::Web,
    ];

    /// The type as OSV writes it (`FIX`).
    pub fn osv(self) -> &'static str {
        match self {
            ReferenceType::Advisory => "ADVISORY",
            ReferenceType::Article => "ARTICLE",
            ReferenceType::Detection => "DETECTION",
            ReferenceType::Discussion => "DISCUSSION",
            ReferenceType::Report => "REPORT",
            ReferenceType::Fix => "FIX",
            ReferenceType::Introduced => "INTRODUCED",
            ReferenceType::Git => "GIT",
            ReferenceType::Package => "PACKAGE",
            ReferenceType::Evidence => "EVIDENCE",
            ReferenceType::Web => "WEB",
        }
    }

    /// The front-matter word (`fix`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReferenceType::Advisory => "advisory",
            ReferenceType::Article => "article",
            ReferenceType::Detection => "detection",
            ReferenceType::Discussion => "discussion",
            ReferenceType::Report => "report",
            ReferenceType::Fix => "fix",
            ReferenceType::Introduced => "introduced",
            ReferenceType::Git => "git",
            ReferenceType::Package => "package",
            ReferenceType::Evidence => "evidence",
            ReferenceType::Web => "web",
        }
    }
}

/// Front matter of every kind as written. Every field is optional here so
/// that each key can be type-checked on its own; `validate` enforces which
/// are required and which kinds may use them.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    /// Required, non-empty.
    pub title: Option<String>,
    /// YYYY-MM-DD or RFC 3339. Required for incidents and FAQs.
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}([Tt ].+)?$"))]
    pub date: Option<String>,
    /// YYYY-MM-DD or RFC 3339, not before `date`.
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}([Tt ].+)?$"))]
    pub updated: Option<String>,
    /// Plain text; defaults to the first paragraph.
    pub summary: Option<String>,
    pub tags: Option<Vec<String>>,
    /// TLP 2.0 label; defaults to `default_tlp` from seckb.yaml.
    pub tlp: Option<Tlp>,
    /// Drafts are left out unless `--drafts`.
    pub draft: Option<bool>,
    /// RFC 3339 date-time before which the document is not published.
    pub embargo: Option<String>,
    #[schemars(regex(pattern = r"^[a-z0-9-]+$"))]
    pub slug: Option<String>,
    /// Old site paths; each becomes a redirect page.
    pub aliases: Option<Vec<String>>,
    /// Free-form data passed to templates.
    pub extra: Option<serde_json::Value>,
    /// Who owns the document, as CODEOWNERS names them: `@user`,
    /// `@org/team` or an email address (`seckb owners`).
    #[schemars(inner(regex(
        pattern = r"^(@[A-Za-z0-9][A-Za-z0-9-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?|[^@\s]+@[^@\s]+\.[^@\s]+)$"
    )))]
    pub owners: Option<Vec<String>>,
    /// The last review: `{by, date}`; `seckb check` warns when the
    /// review interval of `review:` in seckb.yaml has passed since.
    pub reviewed: Option<RawReviewed>,

    /// Incidents: unique identifier such as INC-2026-0042.
    pub id: Option<String>,
    /// Incidents: required unless `cvss` is given.
    pub severity: Option<Severity>,
    /// Incidents: a CVSS v3.x or v4.0 vector.
    pub cvss: Option<String>,
    /// Incidents: defaults to investigating.
    pub status: Option<Status>,
    pub affected: Option<Vec<RawAffected>>,
    pub third_parties: Option<Vec<String>>,
    #[schemars(inner(regex(pattern = r"^CVE-\d{4}-\d{4,}$")))]
    pub cves: Option<Vec<String>>,
    #[schemars(inner(regex(pattern = r"^CWE-\d+$")))]
    pub cwes: Option<Vec<String>>,
    /// Incidents: the ids other databases give it (GHSA-…, RUSTSEC-…,
    /// GO-…, PYSEC-…), exported as OSV aliases with the CVEs.
    #[schemars(inner(regex(pattern = r"^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9._:-]+$")))]
    pub advisory_ids: Option<Vec<String>>,
    pub data_exposed: Option<Vec<String>>,
    pub actors: Option<Vec<String>>,
    pub records_affected: Option<u64>,
    pub timeline: Option<Vec<RawTimelineEntry>>,
    /// Incidents: what changed when, oldest first: `{date, status?,
    /// severity?, text}`. The page's change log, the feeds' entries and
    /// the CSAF revision history.
    pub updates: Option<Vec<RawUpdate>>,
    /// Inline Markdown, rendered as a checklist.
    pub actions: Option<Vec<String>>,
    pub references: Option<Vec<RawReference>>,
    /// Content paths (relative to content/) or incident ids.
    pub related: Option<Vec<String>>,

    /// FAQs: ids of the incidents this FAQ is about.
    pub incidents: Option<Vec<String>>,
}

/// Keys only incidents may use.
pub const INCIDENT_KEYS: &[&str] = &[
    "id",
    "severity",
    "cvss",
    "status",
    "affected",
    "third_parties",
    "cves",
    "cwes",
    "advisory_ids",
    "data_exposed",
    "actors",
    "records_affected",
    "timeline",
    "updates",
    "actions",
    "references",
    "related",
];

/// Keys only FAQs may use.
pub const FAQ_KEYS: &[&str] = &["incidents"];

/// The keys a document of `kind` may use, in the struct's order.
pub fn allowed_keys(kind: Kind) -> Vec<&'static str> {
    crate::yaml::struct_fields::<RawFrontMatter>()
        .iter()
        .copied()
        .filter(|k| match kind {
            Kind::Incident => !FAQ_KEYS.contains(k),
            Kind::Faq => !INCIDENT_KEYS.contains(k),
            Kind::Page => !FAQ_KEYS.contains(k) && !INCIDENT_KEYS.contains(k),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let s = split("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!((s.yaml_line, s.body_line), (2, 4));
        assert_eq!(&"---\ntitle: A\n---\nBody\n"[s.body_offset..], "Body\n");
    }

    #[test]
    fn reports_missing_and_unterminated() {
        assert_eq!(split("# Title\n"), Err(SplitError::Missing));
        assert_eq!(split("---\ntitle: A\n"), Err(SplitError::Unterminated));
        assert_eq!(split(""), Err(SplitError::Missing));
    }

    #[test]
    fn allowed_keys_follow_the_kind() {
        let faq = allowed_keys(Kind::Faq);
        assert!(faq.contains(&"incidents") && !faq.contains(&"severity"));
        let inc = allowed_keys(Kind::Incident);
        assert!(inc.contains(&"timeline") && inc.contains(&"title") && !inc.contains(&"incidents"));
        let every = crate::yaml::struct_fields::<RawFrontMatter>();
        assert!(every.len() > 25, "introspection found {every:?}");
    }
}
