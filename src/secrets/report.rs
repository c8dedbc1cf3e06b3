//! From findings to diagnostics. Sources are reported where they are
//! written; the build's output is watched as it is made ([`Watch`]), and
//! what it shows that no source holds is reported at the output file.

use super::watch::Origin;
use super::watch::Spotted;
use super::{fingerprint, mask, scan_as, Finding, Format};
use crate::config::CONFIG_FILE;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::yaml;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What scanning sources found: an error for each finding not allowed, and
/// every secret found (allowed or not), so that the output's copy of a
/// source's secret is not reported a second time.
#[derive(Debug, Default)]
pub struct Checked {
    pub diagnostics: Diagnostics,
    pub known: Known,
}

impl Checked {
    pub fn extend(&mut self, other: Checked) {
        self.diagnostics.append(other.diagnostics);
        self.known.extend(other.known);
    }
}

/// Secrets the sources hold, lower-cased (the search index holds words
/// lower-cased). The output may show one run on into the text after it, or
/// cut short, where markup ended or split it (`<code>ghp_…</code>s`): such a
/// secret counts as the source's too.
#[derive(Debug, Default, Clone)]
pub struct Known(BTreeSet<String>);

impl Known {
    /// Adds `secret`; whether it was new.
    pub fn insert(&mut self, secret: &str) -> bool {
        self.0.insert(secret.to_lowercase())
    }

    pub fn extend(&mut self, other: Known) {
        self.0.extend(other.0);
    }

    /// Whether `secret` is known, or a known one run on or cut short.
    pub fn holds(&self, secret: &str) -> bool {
        related(&self.0, &secret.to_lowercase())
    }
}

/// Whether `set` holds `secret` (lower-cased), a start of it (8 characters
/// or more), or a secret it starts.
fn related(set: &BTreeSet<String>, secret: &str) -> bool {
    set.contains(secret)
        || (8..secret.len()).any(|n| secret.is_char_boundary(n) && set.contains(&secret[..n]))
        || set
            .range::<str, _>((
                std::ops::Bound::Included(secret),
                std::ops::Bound::Unbounded,
            ))
            .next()
            .is_some_and(|k| k.starts_with(secret))
}

/// A finding and where it is, its line shown masked.
pub(super) struct Placed {
    pub(super) finding: Finding,
    pub(super) location: Location,
}

/// Locates each finding of `text` in `file` (`findings` in order of
/// offset). `line` and `column` are the lines before `text` in the file and
/// the characters before it on its first line (a file scanned in pieces).
/// Every finding on a shown line is masked, so no line shows another secret
/// in clear; a line is masked once however many findings it holds.
pub(super) fn place(
    file: &Path,
    text: &[u8],
    findings: Vec<Finding>,
    line: usize,
    column: usize,
) -> Vec<Placed> {
    let newlines: Vec<usize> = memchr::memchr_iter(b'\n', text).collect();
    let spans: Vec<(usize, usize, String)> = findings
        .iter()
        .map(|f| (f.offset, f.end.max(f.offset + 1), mask(&f.secret)))
        .collect();
    let mut shown: Option<(usize, String)> = None;
    // The last column counted, as (line, offset, column): columns of the
    // findings on one long line are counted on from the one before.
    let mut counted: Option<(usize, usize, usize)> = None;
    findings
        .into_iter()
        .map(|finding| {
            let index = newlines.partition_point(|&n| n < finding.offset);
            let start = index.checked_sub(1).map_or(0, |i| newlines[i] + 1);
            let end = newlines.get(index).copied().unwrap_or(text.len());
            let offset = finding.offset.min(end);
            let (from, chars) = match counted {
                Some((i, at, col)) if i == index && at <= offset => (at, col),
                _ => (start, if index == 0 { column + 1 } else { 1 }),
            };
            let col = chars + String::from_utf8_lossy(&text[from..offset]).chars().count();
            counted = Some((index, offset, col));
            let masked = match &shown {
                Some((i, masked)) if *i == index => masked,
                _ => {
                    &shown
                        .insert((index, masked_line(text, start, end, &spans)))
                        .1
                }
            };
            let location = Location::showing(file, line + index + 1, col, masked);
            Placed { finding, location }
        })
        .collect()
}

/// `text[start..end]` with each of `spans` (in order of start) in it
/// replaced by its mask.
fn masked_line(text: &[u8], start: usize, end: usize, spans: &[(usize, usize, String)]) -> String {
    // The spans starting in the line, and any running into it from before.
    let mut first = spans.partition_point(|(s, _, _)| *s < start);
    while first > 0 && spans[first - 1].1 > start {
        first -= 1;
    }
    let last = spans.partition_point(|(s, _, _)| *s < end);
    let mut shown = String::new();
    let mut at = start;
    for (s, e, masked) in &spans[first..last.max(first)] {
        let s = (*s).max(start);
        if s < at {
            continue;
        }
        shown.push_str(&String::from_utf8_lossy(&text[at..s]));
        shown.push_str(masked);
        at = (*e).min(end).max(s);
    }
    shown.push_str(&String::from_utf8_lossy(&text[at..end]));
    shown.trim_end_matches('\r').to_string()
}

fn allowed(allow: &[String], secret: &str) -> bool {
    allow.contains(&fingerprint(secret))
}

/// The error for a finding in a file as written.
fn source_error(placed: Placed) -> Diagnostic {
    let f = &placed.finding;
    Diagnostic::error(Code::Secret, format!("possible {} `{}`", f.rule, mask(&f.secret)))
        .at(placed.location)
        .help(format!(
            "revoke it if it is real, and redact it (e.g. `sk-...XXXX`); if it is a reviewed false positive, add `{}` to `secrets.allow` in seckb.yaml",
            fingerprint(&f.secret)
        ))
}

/// Scans one source file (`file` as reported, relative to the site root).
pub fn check_source(file: &Path, text: &[u8], format: Format, allow: &[String]) -> Checked {
    let findings = scan_as(text, format);
    if findings.is_empty() {
        return Checked::default();
    }
    let mut known = Known::default();
    for f in &findings {
        known.insert(&f.secret);
    }
    let diagnostics = place(file, text, findings, 0, 0)
        .into_iter()
        .filter(|p| !allowed(allow, &p.finding.secret))
        .map(source_error)
        .collect();
    Checked { diagnostics, known }
}

/// Scans `seckb.yaml`: as written (with entities and markup read, as a
/// template printing a value with `| safe` shows it), then each string
/// value as YAML reads it (`"\x41KIA…"`, a line continued with `\`),
/// reported at its key's line.
pub fn check_config(text: &str, allow: &[String]) -> Checked {
    let file = Path::new(CONFIG_FILE);
    let mut checked = check_source(file, text.as_bytes(), Format::Html, allow);
    let Ok(value) = yaml::parse(text) else {
        return checked;
    };
    let mut values = Vec::new();
    strings(&value, &mut Vec::new(), &mut values);
    let index = yaml::Index::new(text);
    for (path, value) in values {
        for finding in scan_as(value.as_bytes(), Format::Html) {
            if !checked.known.insert(&finding.secret) || allowed(allow, &finding.secret) {
                continue;
            }
            let segments: Vec<yaml::Segment> = path
                .iter()
                .map(|step| match step {
                    Step::Key(k) => yaml::Segment::Key(k),
                    Step::Index(i) => yaml::Segment::Index(*i),
                })
                .collect();
            let at = index.locate(&segments);
            // The value as written holds the secret in some spelling: only
            // the key is shown, then the mask.
            let key: String = text
                .lines()
                .nth(at.line.saturating_sub(1))
                .unwrap_or("")
                .chars()
                .take(at.value_column.saturating_sub(1))
                .collect();
            let shown = format!("{key}{}", mask(&finding.secret));
            let location = Location::showing(file, at.line, at.value_column, &shown);
            checked
                .diagnostics
                .push(source_error(Placed { finding, location }));
        }
    }
    checked
}

/// One step of a path into a YAML value, owned.
enum Step {
    Key(String),
    Index(usize),
}

/// Every string scalar under `value`, with its path.
fn strings(value: &yaml::Value, path: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, String)>) {
    match value {
        yaml::Value::String(s) => out.push((
            path.iter()
                .map(|s| match s {
                    Step::Key(k) => Step::Key(k.clone()),
                    Step::Index(i) => Step::Index(*i),
                })
                .collect(),
            s.clone(),
        )),
        yaml::Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                strings(item, path, out);
                path.pop();
            }
        }
        yaml::Value::Mapping(map) => {
            for (key, item) in map {
                path.push(Step::Key(yaml::key_text(key).unwrap_or_default()));
                strings(item, path, out);
                path.pop();
            }
        }
        yaml::Value::Tagged(tagged) => strings(&tagged.value, path, out),
        _ => {}
    }
}

/// The errors for what the output showed: a copied file's findings where
/// they are (`root` is stripped from its path); a generated file's only
/// when no source holds the secret ([`Known`]), once per secret. A secret
/// on the page of a document whose Markdown, read as a reader sees it,
/// joins it (emphasis, entities, comments) is reported in that document
/// (`made_from` names the document of a page); any other at the first
/// output file that shows it.
pub fn output_errors(
    spotted: Vec<Spotted>,
    unreadable: Vec<(PathBuf, String)>,
    root: &Path,
    allow: &[String],
    sources: &Known,
    made_from: &dyn Fn(&str) -> Option<PathBuf>,
    errors: &mut Diagnostics,
) {
    let relative = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
    let unreadable = unreadable.into_iter().map(|(file, e)| {
        Diagnostic::error(
            Code::Io,
            format!(
                "cannot read {} to scan it for secrets: {e}",
                relative(&file).display()
            ),
        )
        .at(Location::file(&relative(&file)))
    });
    errors.extend(unreadable);
    let mut generated: BTreeMap<String, Vec<Spotted>> = BTreeMap::new();
    for mut s in spotted {
        if allowed(allow, &s.secret) {
            continue;
        }
        match s.origin {
            Origin::Copied => {
                s.location.file = relative(&s.location.file);
                errors.push(spotted_error(s, String::new()));
            }
            Origin::Generated if sources.holds(&s.secret) => {}
            Origin::Generated => generated
                .entry(s.secret.to_lowercase())
                .or_default()
                .push(s),
        }
    }
    let mut documents = Documents::default();
    for (secret, mut seen) in generated {
        seen.sort_by(|a, b| a.location.cmp(&b.location));
        let pages: Vec<String> = seen
            .iter()
            .map(|s| s.location.file.to_string_lossy().into_owned())
            .collect();
        let from = pages.iter().find_map(|page| made_from(page));
        if let Some(doc) = &from {
            if let Some(found) = documents.holding(root, doc, &secret) {
                if !allowed(allow, &found.finding.secret) {
                    errors.push(source_error(found));
                }
                continue;
            }
        }
        let others = pages.iter().collect::<HashSet<_>>().len() - 1;
        let first = seen.swap_remove(0);
        let mut why = String::from(
            "no source file holds it as written: a template, a seckb.yaml value or the markup around it (an entity, a comment, emphasis or a tag that joins it) makes it",
        );
        if let Some(doc) = from {
            why.push_str(&format!("; the page is made from {}", doc.display()));
        }
        if others > 0 {
            why.push_str(&format!("; {others} other generated files show it too"));
        }
        errors.push(spotted_error(first, format!("{why}. ")));
    }
}

/// Documents read again as a reader sees their Markdown, to locate there a
/// secret their pages show joined: only for secrets the output alone
/// showed, so a build reads no document twice otherwise.
#[derive(Default)]
struct Documents {
    findings: HashMap<PathBuf, Vec<Placed>>,
}

impl Documents {
    /// The finding of `secret` (lower-cased, or a secret related to it) in
    /// document `doc`, taken out.
    fn holding(&mut self, root: &Path, doc: &Path, secret: &str) -> Option<Placed> {
        let findings = self.findings.entry(doc.to_path_buf()).or_insert_with(|| {
            let text = std::fs::read(root.join(doc)).unwrap_or_default();
            let found = scan_as(&text, Format::Markdown);
            place(doc, &text, found, 0, 0)
        });
        let one: BTreeSet<String> = [secret.to_string()].into();
        let at = findings
            .iter()
            .position(|p| related(&one, &p.finding.secret.to_lowercase()))?;
        Some(findings.remove(at))
    }
}

/// The error for a finding in the output; `why` starts the help.
fn spotted_error(s: Spotted, why: String) -> Diagnostic {
    let what = match s.origin {
        Origin::Copied => String::new(),
        Origin::Generated => " in a generated file".to_string(),
    };
    Diagnostic::error(
        Code::Secret,
        format!("possible {} `{}`{what}", s.rule, mask(&s.secret)),
    )
    .at(s.location)
    .help(format!(
        "{why}Revoke it if it is real, and remove or redact it (e.g. `sk-...XXXX`); if it is a reviewed false positive, add `{}` to `secrets.allow` in seckb.yaml",
        fingerprint(&s.secret)
    ))
}
