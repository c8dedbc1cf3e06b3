//! `seckb import osv PATH…`: OSV records (files, or folders of them, as the
//! Go vulnerability database, GHSA and RustSec publish them) as incident
//! Markdown files in `content/incidents/`, one per record.
//!
//! A record becomes front matter (id, title from `summary`, dates,
//! aliases as `cves` and `advisory_ids`, CVSS, severity, status and TLP
//! from `database_specific`, packages with their ranges and versions,
//! typed references) and a body (`details`). Each file is checked as a
//! build checks it — front matter, Markdown, secrets — before it is
//! written, so an imported site builds; a record that would not is
//! reported with its file and reason and not written. Withdrawn records
//! are skipped with a note. An existing file (one of the same name, or an
//! incident with the record's id) is replaced only with `--force`.

use crate::affected::ecosystem;
use crate::config::Config;
use crate::content::{load, validate, SourceFile};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::yaml::quoted;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The largest record file read (OSV records are kilobytes; the largest
/// of GHSA's are some hundred).
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// What an import did.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written, relative to the site root.
    pub written: Vec<PathBuf>,
    /// Errors (records not converted, files not replaced), notes
    /// (withdrawn records, fields left out).
    pub diagnostics: Vec<Diagnostic>,
}

/// Imports every record under `paths` into the site at `root`. A path
/// that does not exist is an error (`Err`), before anything is written.
pub fn run(
    root: &Path,
    config: &Config,
    paths: &[PathBuf],
    force: bool,
) -> Result<Report, Diagnostic> {
    let files = record_files(paths)?;
    let incidents = root.join("content").join("incidents");
    let mut existing = existing_incidents(root, &incidents);
    let mut report = Report::default();
    for file in files {
        for record in read_records(&file, &mut report.diagnostics) {
            import_one(
                root,
                config,
                &file,
                &record,
                force,
                &mut existing,
                &mut report,
            );
        }
    }
    Ok(report)
}

/// The `.json` files of `paths` (folders walked, hidden entries skipped),
/// sorted, so an import is the same whatever order the disk lists them in.
fn record_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.is_dir() {
            return Err(
                Diagnostic::error(Code::Io, format!("{} does not exist", path.display()))
                    .help("give OSV record files (.json) or folders of them"),
            );
        }
        let walk = walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walk.flatten() {
            if entry.file_type().is_file() && entry.path().extension().is_some_and(|x| x == "json")
            {
                files.push(entry.into_path());
            }
        }
    }
    Ok(files)
}

/// The incidents already in the site: by the id they declare, and by the
/// slug of their file name (a record whose page would take another's URL
/// is not imported).
#[derive(Debug, Default)]
struct Existing {
    ids: HashMap<String, PathBuf>,
    slugs: HashMap<String, PathBuf>,
}

fn existing_incidents(root: &Path, incidents: &Path) -> Existing {
    let mut known = Existing::default();
    let walk = walkdir::WalkDir::new(incidents).sort_by_file_name();
    for entry in walk.into_iter().flatten() {
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
        known
            .slugs
            .entry(validate::slug_from_path(&rel))
            .or_insert(rel.clone());
        if let Ok(file) = load::read_source(path, &rel) {
            if let Some(id) = validate::declared_id(&file) {
                known.ids.entry(id).or_insert(rel);
            }
        }
    }
    known
}

/// The records of one file: an object, or an array of them. A file that
/// cannot be read or is not JSON is reported at its line and column.
fn read_records(file: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<Value> {
    let too_big = std::fs::metadata(file)
        .map(|m| m.len() > MAX_FILE_BYTES)
        .unwrap_or(false);
    if too_big {
        diagnostics.push(error(
            file,
            format!(
                "the file is larger than {} MiB, more than an OSV record holds",
                MAX_FILE_BYTES >> 20
            ),
        ));
        return Vec::new();
    }
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(Code::Io, format!("cannot read {}: {e}", file.display()))
                    .at(Location::file(file)),
            );
            return Vec::new();
        }
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(records)) => records,
        Ok(record @ Value::Object(_)) => vec![record],
        Ok(_) => {
            diagnostics.push(error(
                file,
                "not an OSV record: expected a JSON object".into(),
            ));
            Vec::new()
        }
        Err(e) => {
            let at = Location::in_text(file, &text, e.line().max(1), e.column().max(1));
            diagnostics.push(
                Diagnostic::error(
                    Code::Import,
                    format!("not JSON: {}", strip_position(&e.to_string())),
                )
                .at(at)
                .help("an OSV record is one JSON object per file"),
            );
            Vec::new()
        }
    }
}

fn strip_position(message: &str) -> &str {
    message.find(" at line ").map_or(message, |i| &message[..i])
}

fn error(file: &Path, message: String) -> Diagnostic {
    Diagnostic::error(Code::Import, message).at(Location::file(file))
}

/// Converts and writes one record.
fn import_one(
    root: &Path,
    config: &Config,
    file: &Path,
    record: &Value,
    force: bool,
    existing: &mut Existing,
    report: &mut Report,
) {
    let id = record["id"].as_str().unwrap_or_default().trim().to_string();
    if let Some(when) = record.get("withdrawn").filter(|w| !w.is_null()) {
        report.diagnostics.push(
            Diagnostic::note(
                Code::ImportNote,
                format!(
                    "{} was withdrawn ({}): not imported",
                    if id.is_empty() { "the record" } else { &id },
                    when.as_str().unwrap_or("withdrawn")
                ),
            )
            .at(Location::file(file)),
        );
        return;
    }
    let converted = match convert(record) {
        Ok(c) => c,
        Err(why) => {
            let name = if id.is_empty() {
                String::from("the record")
            } else {
                id.clone()
            };
            report
                .diagnostics
                .push(error(file, format!("{name} cannot be converted: {why}")));
            return;
        }
    };
    let target = existing
        .ids
        .get(&converted.id)
        .cloned()
        .unwrap_or_else(|| PathBuf::from("content/incidents").join(&converted.file_name));
    let slug = validate::slug_from_path(&target);
    if let Some(other) = existing.slugs.get(&slug).filter(|o| **o != target) {
        report.diagnostics.push(error(
            file,
            format!(
                "{} cannot be imported: its page would be /incidents/{slug}/, the page of {}",
                converted.id,
                other.display()
            ),
        ));
        return;
    }
    if let Err(why) = check(config, &target, &converted.text) {
        report.diagnostics.push(error(
            file,
            format!("{} cannot be converted: {why}", converted.id),
        ));
        return;
    }
    report.diagnostics.extend(converted.notes.iter().map(|n| {
        Diagnostic::note(Code::ImportNote, format!("{}: {n}", converted.id))
            .at(Location::file(file))
    }));
    let absolute = root.join(&target);
    if absolute.exists() && !force {
        report.diagnostics.push(
            Diagnostic::error(
                Code::WouldOverwrite,
                format!(
                    "{} is already {}: not replaced",
                    converted.id,
                    target.display()
                ),
            )
            .at(Location::file(file))
            .help("give --force to replace it with the record"),
        );
        return;
    }
    let written = absolute
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&absolute, &converted.text));
    match written {
        Ok(()) => {
            existing.ids.insert(converted.id, target.clone());
            existing.slugs.insert(slug, target.clone());
            report.written.push(target);
        }
        Err(e) => report.diagnostics.push(
            Diagnostic::error(Code::Io, format!("cannot write {}: {e}", target.display()))
                .at(Location::file(&target)),
        ),
    }
}

/// Checks the incident file `text` as a build would, at `path`: its front
/// matter, its Markdown (links, raw HTML policy, external images) and
/// secrets. The first error is the reason it cannot be imported.
fn check(config: &Config, path: &Path, text: &str) -> Result<(), String> {
    let file = SourceFile {
        path: path.to_path_buf(),
        text: text.to_string(),
    };
    let now = chrono::Utc::now();
    let (doc, diagnostics) = validate::document(&file, config, now);
    let first = |d: &[Diagnostic]| d.iter().find(|d| d.is_error()).map(|d| d.message.clone());
    if let Some(why) = first(&diagnostics) {
        return Err(why);
    }
    let Some(doc) = doc.valid() else {
        return Err("the front matter is not valid".into());
    };
    let links = crate::markdown::Links::default();
    let (_, rendered) = crate::site::render_body(&doc, text, &links, config.raw_html);
    if let Some(why) = first(&rendered) {
        return Err(format!("its details cannot be published: {why}"));
    }
    let secrets = crate::secrets::check_source(
        path,
        text.as_bytes(),
        crate::secrets::Format::Text,
        &config.secrets.allow,
    );
    if let Some(why) = first(&secrets.diagnostics) {
        return Err(why);
    }
    Ok(())
}

/// A record as an incident file.
#[derive(Debug)]
pub struct Converted {
    pub id: String,
    /// `<published date>-<slug of the id>.md`.
    pub file_name: String,
    pub text: String,
    /// What the record holds that the incident leaves out.
    pub notes: Vec<String>,
}

/// Converts a record to incident Markdown, or says why it cannot be.
pub fn convert(record: &Value) -> Result<Converted, String> {
    let mut notes = Vec::new();
    let id = string(record, "id")?
        .ok_or("it has no `id`")?
        .trim()
        .to_string();
    let published = string(record, "published")?
        .or(string(record, "modified")?)
        .ok_or("it has neither `published` nor `modified`")?;
    let date = crate::content::Date::parse(published).map_err(|e| format!("`published`: {e}"))?;
    let modified = match string(record, "modified")? {
        Some(m) => Some(crate::content::Date::parse(m).map_err(|e| format!("`modified`: {e}"))?),
        None => None,
    };
    let title = string(record, "summary")?
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(&id)
        .to_string();
    let details = string(record, "details")?
        .map(str::trim)
        .unwrap_or_default();
    let body = if details.is_empty() {
        title.clone()
    } else {
        images_as_links(details)
    };
    if body != details && !details.is_empty() {
        notes.push("images of other sites in `details` are links (a seckb page loads nothing from another origin)".into());
    }
    let mut front = vec![
        format!("title: {}", quoted(&title)),
        format!("id: {}", quoted(&id)),
        format!("date: {}", date.rfc3339()),
    ];
    if let Some(m) = modified.filter(|m| *m > date) {
        front.push(format!("updated: {}", m.rfc3339()));
    }
    let specific = record.get("database_specific").filter(|v| v.is_object());
    let (cvss, severity) = severity(record, specific, &mut notes)?;
    if let Some(vector) = &cvss {
        front.push(format!("cvss: {}", quoted(vector)));
    }
    if let Some(s) = severity {
        front.push(format!("severity: {s}"));
    }
    let affected = affected(record)?;
    let status = specific
        .and_then(|s| s["status"].as_str())
        .filter(|s| crate::content::Status::ALL.iter().any(|k| k.as_str() == *s))
        .map(str::to_string)
        .unwrap_or_else(|| {
            if affected.all_fixed {
                "resolved"
            } else {
                "identified"
            }
            .to_string()
        });
    front.push(format!("status: {status}"));
    let tlp = specific
        .and_then(|s| s["tlp"].as_str())
        .and_then(|t| t.parse::<crate::content::Tlp>().ok())
        .unwrap_or(crate::content::Tlp::Clear);
    front.push(format!("tlp: {}", tlp.as_str()));
    let (cves, others) = aliases(record, &id, &mut notes)?;
    if !cves.is_empty() {
        front.push(format!(
            "cves: [{}]",
            cves.iter()
                .map(|c| quoted(c))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !others.is_empty() {
        front.push(format!(
            "advisory_ids: [{}]",
            others
                .iter()
                .map(|c| quoted(c))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !affected.yaml.is_empty() {
        front.push(format!("affected:\n{}", affected.yaml.join("\n")));
    }
    let references = references(record, &mut notes)?;
    if !references.is_empty() {
        front.push(format!("references:\n{}", references.join("\n")));
    }
    for (key, what) in [
        ("related", "related ids"),
        ("credits", "credits"),
        ("upstream", "upstream ids"),
    ] {
        if record
            .get(key)
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
        {
            notes.push(format!("its {what} are not imported"));
        }
    }
    let slug = crate::content::slugify(&id);
    if slug.is_empty() {
        return Err(format!(
            "its id `{id}` has no letter or digit to name a file by"
        ));
    }
    let text = format!("---\n{}\n---\n\n{body}\n", front.join("\n"));
    Ok(Converted {
        id,
        file_name: format!("{}-{slug}.md", date.ymd()),
        text,
        notes,
    })
}

/// `record[key]` as text: absent or null is None, another type an error.
fn string<'a>(record: &'a Value, key: &str) -> Result<Option<&'a str>, String> {
    match record.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("`{key}` is not a string")),
    }
}

/// `![alt](https://…)` as `[alt](https://…)`: a seckb page loads no image
/// from another origin (it would be an error), but keeps the link.
fn images_as_links(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut bangs = Vec::new();
    for (event, range) in Parser::new_ext(markdown, crate::markdown::options()).into_offset_iter() {
        if let Event::Start(Tag::Image { dest_url, .. }) = event {
            if crate::markdown::is_external(dest_url.trim())
                && markdown[range.start..].starts_with('!')
            {
                bangs.push(range.start);
            }
        }
    }
    let mut out = String::with_capacity(markdown.len());
    let mut done = 0;
    for at in bangs {
        out.push_str(&markdown[done..at]);
        done = at + 1;
    }
    out.push_str(&markdown[done..]);
    out
}

/// The CVSS vector to keep (4.0 before 3.x, one the build parses) and the
/// severity to write: `database_specific.severity` (GHSA's words: MODERATE
/// is medium) when it agrees with the vector or there is none; without
/// either, medium, with a note.
fn severity(
    record: &Value,
    specific: Option<&Value>,
    notes: &mut Vec<String>,
) -> Result<(Option<String>, Option<&'static str>), String> {
    let mut vectors: Vec<(u8, String)> = Vec::new();
    for s in record
        .get("severity")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(kind), Some(score)) = (s["type"].as_str(), s["score"].as_str()) else {
            return Err("a `severity` entry without `type` and `score`".into());
        };
        let rank = match kind {
            "CVSS_V4" => 0,
            "CVSS_V3" => 1,
            _ => continue,
        };
        if score.trim().parse::<cvss::Cvss>().is_ok() {
            vectors.push((rank, score.trim().to_string()));
        } else {
            notes.push(format!(
                "its {kind} vector `{score}` cannot be read and is left out"
            ));
        }
    }
    vectors.sort();
    if vectors.len() > 1 {
        notes.push(format!(
            "of its {} CVSS vectors only {} is kept",
            vectors.len(),
            vectors[0].1
        ));
    }
    let vector = vectors.into_iter().next().map(|(_, v)| v);
    let rating = vector
        .as_deref()
        .and_then(|v| v.parse::<cvss::Cvss>().ok())
        .map(|c| match c.severity() {
            cvss::Severity::None | cvss::Severity::Low => "low",
            cvss::Severity::Medium => "medium",
            cvss::Severity::High => "high",
            cvss::Severity::Critical => "critical",
        });
    let stated = specific.and_then(|s| s["severity"].as_str()).and_then(|s| {
        match s.to_ascii_lowercase().as_str() {
            "low" => Some("low"),
            "moderate" | "medium" => Some("medium"),
            "high" => Some("high"),
            "critical" => Some("critical"),
            _ => None,
        }
    });
    let severity = match (stated, rating) {
        (Some(s), Some(r)) if s != r => {
            notes.push(format!(
                "its severity `{s}` disagrees with its CVSS rating `{r}`: the rating is kept"
            ));
            None
        }
        (Some(s), _) => Some(s),
        (None, Some(_)) => None,
        (None, None) => {
            notes
                .push("it gives no severity: written as `severity: medium`, to be reviewed".into());
            Some("medium")
        }
    };
    Ok((vector, severity))
}

/// Aliases as CVE ids and other databases' ids (others left out).
fn aliases(
    record: &Value,
    id: &str,
    notes: &mut Vec<String>,
) -> Result<(Vec<String>, Vec<String>), String> {
    let (mut cves, mut others) = (Vec::new(), Vec::new());
    let cve = regex::Regex::new(r"^CVE-\d{4}-\d{4,}$").map_err(|e| e.to_string())?;
    let other =
        regex::Regex::new(r"^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9._:-]+$").map_err(|e| e.to_string())?;
    for alias in record
        .get("aliases")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(a) = alias.as_str().map(str::trim) else {
            return Err("an alias is not a string".into());
        };
        if a == id {
            continue;
        }
        if cve.is_match(a) {
            cves.push(a.to_string());
        } else if other.is_match(a) {
            others.push(a.to_string());
        } else {
            notes.push(format!("its alias `{a}` is not an id seckb keeps"));
        }
    }
    Ok((cves, others))
}

/// The `affected` entries as YAML lines, and whether every range ends in
/// a fix (or the record has none).
struct AffectedYaml {
    yaml: Vec<String>,
    all_fixed: bool,
}

fn affected(record: &Value) -> Result<AffectedYaml, String> {
    let mut yaml = Vec::new();
    let mut all_fixed = true;
    for (i, entry) in record
        .get("affected")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let package = entry
            .get("package")
            .filter(|p| p.is_object())
            .ok_or(format!("`affected[{i}]` names no package"))?;
        let eco = string(package, "ecosystem")?
            .ok_or(format!("`affected[{i}].package` has no ecosystem"))?;
        let name =
            string(package, "name")?.ok_or(format!("`affected[{i}].package` has no name"))?;
        ecosystem::check(eco).map_err(|(message, _)| format!("`affected[{i}]`: {message}"))?;
        yaml.push(format!("  - ecosystem: {}", quoted(eco)));
        yaml.push(format!("    name: {}", quoted(name)));
        if let Some(purl) = string(package, "purl")? {
            yaml.push(format!("    purl: {}", quoted(purl)));
        }
        if let Some(versions) = entry
            .get("versions")
            .and_then(Value::as_array)
            .filter(|v| !v.is_empty())
        {
            let list: Result<Vec<String>, String> = versions
                .iter()
                .map(|v| {
                    v.as_str().map(quoted).ok_or(format!(
                        "`affected[{i}].versions` holds a value that is not a string"
                    ))
                })
                .collect();
            yaml.push(format!("    versions: [{}]", list?.join(", ")));
        }
        let ranges = entry
            .get("ranges")
            .and_then(Value::as_array)
            .filter(|r| !r.is_empty());
        if let Some(ranges) = ranges {
            yaml.push("    ranges:".into());
            for (j, range) in ranges.iter().enumerate() {
                let kind = string(range, "type")?
                    .ok_or(format!("`affected[{i}].ranges[{j}]` has no type"))?;
                if !["SEMVER", "ECOSYSTEM", "GIT"].contains(&kind) {
                    return Err(format!(
                        "`affected[{i}].ranges[{j}]`: unknown range type `{kind}`"
                    ));
                }
                yaml.push(format!("      - type: {kind}"));
                if let Some(repo) = string(range, "repo")? {
                    yaml.push(format!("        repo: {}", quoted(repo)));
                }
                yaml.push("        events:".into());
                let events = range
                    .get("events")
                    .and_then(Value::as_array)
                    .ok_or(format!("`affected[{i}].ranges[{j}]` has no events"))?;
                let mut fixed = false;
                for event in events {
                    let (key, version) = event
                        .as_object()
                        .filter(|o| o.len() == 1)
                        .and_then(|o| o.iter().next())
                        .and_then(|(k, v)| Some((k.as_str(), v.as_str()?)))
                        .ok_or(format!("`affected[{i}].ranges[{j}]` has an event that is not one `kind: version`"))?;
                    if !["introduced", "fixed", "last_affected", "limit"].contains(&key) {
                        return Err(format!(
                            "`affected[{i}].ranges[{j}]`: unknown event `{key}`"
                        ));
                    }
                    fixed |= key == "fixed";
                    yaml.push(format!("          - {key}: {}", quoted(version)));
                }
                all_fixed &= fixed;
            }
        }
    }
    Ok(AffectedYaml { yaml, all_fixed })
}

/// References as YAML lines with their OSV type; URLs a page may not link
/// are left out with a note.
fn references(record: &Value, notes: &mut Vec<String>) -> Result<Vec<String>, String> {
    let mut yaml = Vec::new();
    for r in record
        .get("references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let url = string(r, "url")?.ok_or("a reference has no url")?.trim();
        if let Err(why) = crate::urls::check_external(url) {
            notes.push(format!("its reference {url} is left out: {why}"));
            continue;
        }
        yaml.push(format!("  - url: {}", quoted(url)));
        if let Some(kind) = string(r, "type")? {
            let known = crate::content::frontmatter::ReferenceType::ALL
                .iter()
                .find(|t| t.osv() == kind);
            match known {
                Some(t) => yaml.push(format!("    type: {}", t.as_str())),
                None => notes.push(format!(
                    "the type `{kind}` of reference {url} is not one of OSV's and is left out"
                )),
            }
        }
    }
    Ok(yaml)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_images_become_links_and_local_ones_stay() {
        assert_eq!(
            images_as_links("a ![x](https://e.org/i.png) b ![y](y.png) `![z](https://e.org/)`"),
            "a [x](https://e.org/i.png) b ![y](y.png) `![z](https://e.org/)`"
        );
    }

    #[test]
    fn a_record_becomes_front_matter_and_body() {
        let record = serde_json::json!({
            "id": "GHSA-aaaa-bbbb-cccc",
            "modified": "2024-05-02T00:00:00Z",
            "published": "2024-05-01T00:00:00Z",
            "aliases": ["CVE-2024-1234", "GO-2024-0001"],
            "summary": "A: with \"quotes\"",
            "details": "Details.",
            "affected": [{"package": {"ecosystem": "npm", "name": "x"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.1"}]}]}],
            "references": [{"type": "FIX", "url": "https://example.org/fix"}],
        });
        let c = convert(&record).unwrap();
        assert_eq!(c.file_name, "2024-05-01-ghsa-aaaa-bbbb-cccc.md");
        assert!(
            c.text.contains("title: \"A: with \\\"quotes\\\"\"\n"),
            "{}",
            c.text
        );
        assert!(
            c.text
                .contains("cves: [\"CVE-2024-1234\"]\nadvisory_ids: [\"GO-2024-0001\"]\n"),
            "{}",
            c.text
        );
        assert!(c.text.contains("status: resolved\n"), "{}", c.text);
        assert!(
            c.text.contains("          - fixed: \"1.0.1\"\n"),
            "{}",
            c.text
        );
        assert!(c.text.ends_with("---\n\nDetails.\n"), "{}", c.text);
        assert_eq!(
            c.notes,
            ["it gives no severity: written as `severity: medium`, to be reviewed"]
        );
        assert!(convert(&serde_json::json!({"id": 5}))
            .unwrap_err()
            .contains("not a string"));
    }
}
