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

use super::convert::{convert, Converted};
use crate::config::Config;
use crate::content::{load, validate, SourceFile};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
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
    pub diagnostics: Diagnostics,
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
fn read_records(file: &Path, diagnostics: &mut Diagnostics) -> Vec<Value> {
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

/// The record converted, or None when it is withdrawn (a note) or cannot
/// be converted (an error).
fn convertible(file: &Path, record: &Value, report: &mut Report) -> Option<Converted> {
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
        return None;
    }
    match convert(record) {
        Ok(c) => Some(c),
        Err(why) => {
            let name = if id.is_empty() {
                String::from("the record")
            } else {
                id.clone()
            };
            report
                .diagnostics
                .push(error(file, format!("{name} cannot be converted: {why}")));
            None
        }
    }
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
    let Some(converted) = convertible(file, record, report) else {
        return;
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
    let mut diagnostics = Diagnostics::new();
    let doc = validate::document(&file, config, now, &mut diagnostics);
    let first = |d: &Diagnostics| d.iter().find(|d| d.is_error()).map(|d| d.message.clone());
    if let Some(why) = first(&diagnostics) {
        return Err(why);
    }
    let Some(doc) = doc.valid() else {
        return Err("the front matter is not valid".into());
    };
    let links = crate::markdown::Links::default();
    let mut rendered = Diagnostics::new();
    crate::site::render_body(&doc, text, &links, config.raw_html, &mut rendered);
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
