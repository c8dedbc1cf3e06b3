//! Front matter rules: from a file's text to a validated `Document`, with a
//! positioned diagnostic for every broken rule of DESIGN §2.

mod affected;
mod incident;
mod meta;
mod updates;

use super::frontmatter::{self, RawFrontMatter, SplitError};
use super::{slugify, Date, DocKind, Document, FaqMeta, Kind, Located, SourceFile, Tlp};
use crate::config::Config;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, LineIndex, Location};
use crate::yaml::{self, Segment};
use regex::Regex;
use std::path::Path;
use std::sync::OnceLock;

/// A built-in pattern, compiled once (shared with `template_check`).
pub(crate) fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).unwrap_or_else(|e| panic!("bad built-in regex: {e}")))
}

fn cve_regex() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, r"^CVE-\d{4}-\d{4,}$")
}

fn cwe_regex() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, r"^CWE-\d+$")
}

/// An owner as CODEOWNERS names one: `@user`, `@org/team` or an email address.
fn owner_regex() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(
        &R,
        r"^(@[A-Za-z0-9][A-Za-z0-9-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?|[^@\s]+@[^@\s]+\.[^@\s]+)$",
    )
}

fn advisory_id_regex() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, r"^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9._:-]+$")
}

/// Positions front matter paths in the file, offsetting YAML lines by where
/// the front matter starts, so every message points at the real file line.
struct Locator<'a> {
    file: &'a Path,
    text: &'a str,
    /// Built once per file: a long list is located in one pass, and each
    /// of thousands of errors copies its line without scanning the file.
    yaml: yaml::Index<'a>,
    /// The front matter's YAML, for values found by their text.
    yaml_text: &'a str,
    lines: LineIndex,
    yaml_line: usize,
}

impl<'a> Locator<'a> {
    fn new(file: &'a Path, text: &'a str, split: &frontmatter::Split<'a>) -> Locator<'a> {
        Locator {
            file,
            text,
            yaml: yaml::Index::new(split.yaml),
            yaml_text: split.yaml,
            lines: LineIndex::new(text),
            yaml_line: split.yaml_line,
        }
    }

    fn line(&self, yaml_line: usize, column: usize) -> Location {
        let line = yaml_line + self.yaml_line - 1;
        self.lines.location(self.file, self.text, line, column)
    }

    fn value(&self, path: &[Segment]) -> Location {
        let p = self.yaml.locate(path);
        self.line(p.line, p.value_column)
    }

    /// Entry `index` of list `key`, whose text is `value`: found by its
    /// text, so each item of a flow list (`cves: [a, b]`) is located at its
    /// own column, not at the list's start.
    fn item(&self, key: &str, index: usize, value: &str) -> Location {
        match yaml::find_scalar_in_key(self.yaml_text, key, value) {
            Some((line, column)) => self.line(line, column),
            None => self.value(&[Segment::Key(key), Segment::Index(index)]),
        }
    }

    fn key(&self, path: &[Segment]) -> Location {
        let p = self.yaml.locate(path);
        self.line(p.line, p.key_column)
    }

    /// A value with its file line and column (no copy of the line is made:
    /// most located values never need one).
    fn located<T>(&self, value: T, path: &[Segment]) -> Located<T> {
        let p = self.yaml.locate(path);
        Located {
            value,
            line: p.line + self.yaml_line - 1,
            column: p.value_column,
        }
    }
}

/// The document's section (top folder under content/), kind and slug source.
pub fn section_of(path: &Path) -> String {
    let under = path.strip_prefix("content").unwrap_or(path);
    let mut parts = under.components();
    match (parts.next(), parts.next()) {
        (Some(first), Some(_)) => first.as_os_str().to_string_lossy().into_owned(),
        _ => String::new(),
    }
}

/// Slug from the file name: `2026-11-09-metricly-breach.md` → `metricly-breach`;
/// a bundle `x/index.md` takes its folder's name.
pub fn slug_from_path(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = if stem == "index" {
        path.parent()
            .and_then(|p| p.file_name())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or(stem)
    } else {
        stem
    };
    // `get` rather than indexing: a non-ASCII name may have no char boundary at 10.
    let undated = match (stem.get(..10), stem.get(10..11), stem.get(11..)) {
        (Some(date), Some("-"), Some(rest)) if !rest.is_empty() && Date::parse(date).is_ok() => {
            rest
        }
        _ => stem.as_str(),
    };
    slugify(undated)
}

/// The site path of a document: its folders (slugified) and slug.
fn site_path(path: &Path, slug: &str) -> String {
    let under = path.strip_prefix("content").unwrap_or(path);
    let mut folders: Vec<String> = under
        .parent()
        .map(|p| {
            p.components()
                .map(|c| slugify(&c.as_os_str().to_string_lossy()))
                .collect()
        })
        .unwrap_or_default();
    if under.file_stem().is_some_and(|s| s == "index") {
        folders.pop();
    }
    folders.push(slug.to_string());
    let mut s = folders.join("/");
    s.push('/');
    s
}

/// Splits a file's front matter from its body and parses the YAML, with a
/// positioned diagnostic when there is none, it is unterminated or not YAML.
fn read_front_matter<'a>(
    path: &'a Path,
    text: &'a str,
) -> Result<(frontmatter::Split<'a>, Locator<'a>, yaml::Value), Diagnostic> {
    let first_line = || Location::in_text(path, text, 1, 1);
    let split = frontmatter::split(text).map_err(|e| match e {
        SplitError::Missing => Diagnostic::error(Code::FrontMatterMissing, "the document has no front matter")
            .at(first_line())
            .help("start the file with a `---` line, the YAML front matter (at least `title:`), and another `---` line"),
        SplitError::Unterminated => Diagnostic::error(Code::FrontMatterUnterminated, "the front matter is never closed")
            .at(first_line())
            .help("end the front matter with a line holding only `---`"),
    })?;
    let at = Locator::new(path, text, &split);
    let value = yaml::parse(split.yaml).map_err(|e| match e.kind {
        yaml::ParseErrorKind::TooDeep => Diagnostic::error(Code::NestingTooDeep, format!("front matter {}", e.message))
            .at(at.line(e.line, e.column))
            .help("flatten the structure; free-form data under `extra:` nests the same way"),
        yaml::ParseErrorKind::Syntax => Diagnostic::error(Code::YamlSyntax, format!("invalid YAML in front matter: {}", e.message))
            .at(at.line(e.line, e.column))
            .help("check indentation (spaces, not tabs) and quote values that contain `: ` or start with a special character"),
    })?;
    Ok((split, at, value))
}

/// Unknown keys and ill-typed values as diagnostics at their file positions.
fn field_diagnostics(at: &Locator, errors: Vec<yaml::FieldError>) -> Vec<Diagnostic> {
    errors
        .into_iter()
        .map(|e| {
            let code = match e.kind {
                yaml::FieldErrorKind::UnknownKey => Code::UnknownKey,
                yaml::FieldErrorKind::WrongType => Code::WrongType,
                yaml::FieldErrorKind::NoValue => Code::MissingField,
            };
            Diagnostic::error(code, e.message)
                .at(at.line(e.line, e.column))
                .maybe_help(e.help)
        })
        .collect()
}

/// A document file as validation left it.
#[derive(Debug)]
pub enum Checked {
    /// No errors.
    Valid(Document),
    /// Errors, reported; the document is made of its well-formed keys (a
    /// failed key takes its default). It still takes part in assembly (its
    /// id, URL and links are checked in the same run, and other files'
    /// links to it are not knock-on errors), but it is never published:
    /// a build with an error writes nothing.
    Flawed(Document),
    /// Its front matter could not be read as a mapping at all.
    Unusable,
}

impl Checked {
    /// The document, when it has no errors.
    pub fn valid(self) -> Option<Document> {
        match self {
            Checked::Valid(doc) => Some(doc),
            Checked::Flawed(_) | Checked::Unusable => None,
        }
    }
}

/// Keys only another kind of document has (`severity` in a FAQ): an error
/// at each.
fn keys_of_other_kinds(value: &yaml::Value, kind: Kind, at: &Locator) -> Vec<Diagnostic> {
    let yaml::Value::Mapping(m) = value else {
        return Vec::new();
    };
    let mut diagnostics = Vec::new();
    for key in m.keys().filter_map(yaml::key_text) {
        let only = if frontmatter::INCIDENT_KEYS.contains(&key.as_str()) && kind != Kind::Incident {
            Some("incidents (content/incidents/)")
        } else if frontmatter::FAQ_KEYS.contains(&key.as_str()) && kind != Kind::Faq {
            Some("FAQs (content/faq/)")
        } else {
            None
        };
        if let Some(only) = only {
            diagnostics.push(
                Diagnostic::error(
                    Code::UnknownKey,
                    format!("`{key}` is only allowed in {only}"),
                )
                .at(at.key(&[Segment::Key(&key)]))
                .help("move the document, or put free-form data under `extra:`"),
            );
        }
    }
    diagnostics
}

/// Validates one document: returns what validation made of it, and reports
/// every problem found, warnings included.
pub fn document(
    file: &SourceFile,
    config: &Config,
    now: chrono::DateTime<chrono::Utc>,
    diagnostics: &mut Diagnostics,
) -> Checked {
    let (checked, found) = check_document(file, config, now);
    diagnostics.extend(found);
    checked
}

/// [`document`], with the problems of this one file in a list of its own.
fn check_document(
    file: &SourceFile,
    config: &Config,
    now: chrono::DateTime<chrono::Utc>,
) -> (Checked, Vec<Diagnostic>) {
    let path = file.path.as_path();
    let text = file.text.as_str();
    let section = section_of(path);
    let kind = Kind::from_section(&section);
    let (split, at, value) = match read_front_matter(path, text) {
        Ok(parts) => parts,
        Err(d) => return (Checked::Unusable, vec![d]),
    };
    let mut diagnostics = keys_of_other_kinds(&value, kind, &at);
    let every = yaml::struct_fields::<RawFrontMatter>();
    // The keys that are well typed are checked even when others are not,
    // so one run reports every mistake of the file.
    let typed = yaml::typed_partially::<RawFrontMatter>(split.yaml, value, every);
    diagnostics.extend(field_diagnostics(&at, typed.errors));
    let Some(raw) = typed.value else {
        return (Checked::Unusable, diagnostics);
    };
    let mut v = Validator {
        at: &at,
        diagnostics,
        failed: typed.failed,
    };
    let mut meta = v.meta(&raw, kind, config);
    let doc_kind = match kind {
        Kind::Incident => {
            let incident = v.incident(&raw, meta.date, now);
            meta.updated = v.updated_after_updates(meta.updated, meta.date, &incident.updates);
            DocKind::Incident(Box::new(incident))
        }
        Kind::Faq => DocKind::Faq(FaqMeta {
            incidents: located_list(&at, "incidents", raw.incidents.as_deref()),
        }),
        Kind::Page => DocKind::Page,
    };
    let slug = meta
        .slug
        .as_ref()
        .map_or_else(|| slug_from_path(path), |s| s.value.clone());
    if slug.is_empty() {
        v.diagnostics.push(
            Diagnostic::error(
                Code::InvalidValue,
                "cannot make a URL slug from the file name",
            )
            .at(Location::file(path))
            .help("add `slug: some-name` (a-z, 0-9 and -) to the front matter"),
        );
    }
    let doc = Document {
        source: path.to_path_buf(),
        text: text.get(..split.body_offset).unwrap_or(text).to_string(),
        front_matter_hash: super::file_hash(text.get(..split.body_offset).unwrap_or(text)),
        file_hash: super::file_hash(text),
        body_offset: split.body_offset,
        body_line: split.body_line,
        kind: doc_kind,
        path: site_path(path, &slug),
        section,
        slug,
        meta,
    };
    let checked = if v.diagnostics.iter().any(Diagnostic::is_error) {
        Checked::Flawed(stand_in(doc, now))
    } else {
        Checked::Valid(doc)
    };
    (checked, v.diagnostics)
}

/// A flawed document with a stand-in for each required value it lacks (its
/// slug for a title, `now` for a date), so that what it takes part in (its
/// page's template, the lists) sees a state a valid document can have, and
/// reports no knock-on error of the one already reported.
fn stand_in(mut doc: Document, now: chrono::DateTime<chrono::Utc>) -> Document {
    if doc.meta.title.is_empty() {
        doc.meta.title.clone_from(&doc.slug);
    }
    if doc.meta.date.is_none() && !matches!(doc.kind, DocKind::Page) {
        doc.meta.date = Some(Date {
            instant: now,
            has_time: false,
        });
    }
    doc
}

/// Where `value` is written in the first of `keys` of a document's front
/// matter that holds it (else at the first key), for problems only the
/// whole site shows (two terms on one URL). Reads `doc.text`, which holds the
/// front matter until the site is assembled.
pub fn value_location(doc: &Document, keys: &[&str], value: &str) -> Location {
    let Ok(split) = frontmatter::split(&doc.text) else {
        return Location::file(&doc.source);
    };
    let (line, column) = keys
        .iter()
        .find_map(|k| yaml::find_scalar_in_key(split.yaml, k, value))
        .unwrap_or_else(|| {
            let key = keys.first().copied().unwrap_or_default();
            let p = yaml::locate(split.yaml, &[Segment::Key(key)]);
            (p.line, p.value_column)
        });
    Location::in_text(&doc.source, &doc.text, line + split.yaml_line - 1, column)
}

/// The `id:` a document declares, read leniently from a document that failed
/// validation (so references to it are not reported as unresolved too).
pub fn declared_id(file: &SourceFile) -> Option<String> {
    let split = frontmatter::split(&file.text).ok()?;
    match yaml::parse(split.yaml).ok()? {
        yaml::Value::Mapping(m) => m
            .get("id")
            .and_then(|v| v.as_str())
            .map(|s| s.trim().to_string()),
        _ => None,
    }
}

/// What a document's front matter says about its publication.
#[derive(Debug, Clone, Copy)]
pub struct Declared {
    pub tlp: Tlp,
    pub draft: bool,
    pub embargo: Option<Date>,
}

/// What a document that failed validation says about its publication,
/// read leniently: None unless its front matter parses and each of `tlp`,
/// `draft` and `embargo` is absent or a value validation would accept.
pub fn declared_publication(file: &SourceFile, default_tlp: Tlp) -> Option<Declared> {
    let split = frontmatter::split(&file.text).ok()?;
    let yaml::Value::Mapping(m) = yaml::parse(split.yaml).ok()? else {
        return None;
    };
    let tlp = match m.get("tlp") {
        None => default_tlp,
        Some(v) => {
            let v = v.as_str()?;
            Tlp::ALL.into_iter().find(|t| t.as_str() == v)?
        }
    };
    let draft = match m.get("draft") {
        None => false,
        Some(v) => v.as_bool()?,
    };
    let embargo = match m.get("embargo") {
        None => None,
        Some(v) => Some(Date::parse(v.as_str()?).ok()?),
    };
    Some(Declared {
        tlp,
        draft,
        embargo,
    })
}

fn located_list(at: &Locator, key: &str, items: Option<&[String]>) -> Vec<Located<String>> {
    items
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, s)| {
            at.located(
                s.trim().to_string(),
                &[Segment::Key(key), Segment::Index(i)],
            )
        })
        .collect()
}

struct Validator<'a> {
    at: &'a Locator<'a>,
    diagnostics: Vec<Diagnostic>,
    /// Keys given with a value of the wrong type, already reported: they
    /// are not missing, and what depends on them is not checked.
    failed: Vec<String>,
}

impl Validator<'_> {
    /// Whether `key` was given but could not be read (reported already).
    fn failed(&self, key: &str) -> bool {
        self.failed.iter().any(|k| k == key)
    }

    fn error(&mut self, code: Code, message: String, path: &[Segment], help: Option<String>) {
        self.diagnostics.push(
            Diagnostic::error(code, message)
                .at(self.at.value(path))
                .maybe_help(help),
        );
    }

    fn date(&mut self, text: Option<&str>, path: &[Segment]) -> Option<Date> {
        match Date::parse(text?) {
            Ok(d) => Some(d),
            Err(message) => {
                self.error(Code::InvalidDate, message, path, None);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_paths_come_from_file_names() {
        let p = Path::new("content/incidents/2026-11-09-Metricly Breach.md");
        assert_eq!(slug_from_path(p), "metricly-breach");
        assert_eq!(
            site_path(p, "metricly-breach"),
            "incidents/metricly-breach/"
        );
        let b = Path::new("content/guides/Key Policy/index.md");
        assert_eq!(slug_from_path(b), "key-policy");
        assert_eq!(site_path(b, "key-policy"), "guides/key-policy/");
        assert_eq!(site_path(Path::new("content/about.md"), "about"), "about/");
        assert_eq!(section_of(Path::new("content/about.md")), "");
        assert_eq!(section_of(Path::new("content/faq/a/b.md")), "faq");
    }

    #[test]
    fn non_ascii_file_names_do_not_split_characters() {
        // Regression: a name with a multi-byte character across byte 10 panicked.
        let p = Path::new("content/incidents/Ünïcödé Straße.md");
        assert_eq!(slug_from_path(p), "unicode-strae");
        let p = Path::new("content/incidents/2026-11-09-日本語-leak.md");
        assert_eq!(slug_from_path(p), "leak");
        assert_eq!(
            slug_from_path(Path::new("content/faq/2026-11-09-.md")),
            "2026-11-09"
        );
    }

    fn checked(path: &str, front: &str) -> Checked {
        let mut found = Diagnostics::new();
        let text = "title: T\nbase_url: https://example.org/\n";
        let config = crate::config::parse(Path::new("."), text, &mut found)
            .unwrap_or_else(|| panic!("{found:?}"));
        let file = SourceFile {
            path: path.into(),
            text: format!("---\n{front}---\nBody.\n"),
        };
        document(&file, &config, chrono::Utc::now(), &mut found)
    }

    #[test]
    fn each_kind_carries_its_own_front_matter_even_when_flawed() {
        let incident =
            "title: I\ndate: 2026-01-02\nseverity: high\nstatus: resolved\nrelated: [other]\n";
        let faq = "title: F\ndate: 2026-01-02\nincidents: [INC-1]\n";
        let cases = [
            ("content/incidents/i.md", incident, Kind::Incident),
            ("content/faq/f.md", faq, Kind::Faq),
            ("content/guides/g.md", "title: G\n", Kind::Page),
            ("content/about.md", "title: A\n", Kind::Page),
        ];
        for (path, front, kind) in cases {
            match checked(path, front) {
                Checked::Valid(doc) => assert_eq!(doc.kind.kind(), kind, "{path}"),
                other => panic!("{path}: {other:?}"),
            }
        }
        let Checked::Valid(doc) = checked(cases[1].0, faq) else {
            panic!("the FAQ is valid");
        };
        let about: Vec<&str> = doc.kind.faq().map_or(Vec::new(), |f| {
            f.incidents.iter().map(|i| i.value.as_str()).collect()
        });
        assert_eq!(about, ["INC-1"]);
        // A failed key takes its default; the incident keeps its other data.
        let flawed = incident.replace("severity: high", "severity: dire");
        let Checked::Flawed(doc) = checked(cases[0].0, &flawed) else {
            panic!("an unknown severity is an error");
        };
        let DocKind::Incident(meta) = &doc.kind else {
            panic!("a flawed incident is still an incident: {:?}", doc.kind);
        };
        assert_eq!(meta.status, crate::content::Status::Resolved);
        assert_eq!(meta.related.len(), 1);
    }
}

/// Front matter of a folder's `_index.md`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSectionFront {
    title: Option<String>,
    description: Option<String>,
}

/// A content folder's list page from its name and optional `_index.md`;
/// the problems of `_index.md` are reported.
pub fn section(
    name: &str,
    index: Option<&SourceFile>,
    diagnostics: &mut Diagnostics,
) -> super::Section {
    let default_title = || {
        let mut t = name.replace(['-', '_'], " ");
        if let Some(first) = t.get(0..1) {
            t.replace_range(0..1, &first.to_uppercase());
        }
        if name == "faq" {
            t = "FAQ".into();
        }
        t
    };
    let mut section = super::Section {
        name: name.to_string(),
        kind: Kind::from_section(name),
        title: default_title(),
        description: String::new(),
        source: None,
        text: String::new(),
        body_offset: 0,
        body_line: 1,
    };
    let Some(file) = index else {
        return section;
    };
    let path = file.path.as_path();
    let text = file.text.as_str();
    section.source = Some(file.path.clone());
    section.text = file.text.clone();
    if frontmatter::split(text) == Err(SplitError::Missing) {
        return section;
    }
    let (split, at, value) = match read_front_matter(path, text) {
        Ok(parts) => parts,
        Err(d) => {
            diagnostics.push(d);
            return section;
        }
    };
    section.body_offset = split.body_offset;
    section.body_line = split.body_line;
    let fields = yaml::struct_fields::<RawSectionFront>();
    let (raw, errors) = yaml::typed::<RawSectionFront>(split.yaml, value, fields);
    diagnostics.extend(field_diagnostics(&at, errors));
    if let Some(raw) = raw {
        if let Some(title) = raw.title.filter(|t| !t.trim().is_empty()) {
            section.title = title.trim().to_string();
        }
        section.description = raw.description.unwrap_or_default();
    }
    section
}
