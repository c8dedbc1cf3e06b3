//! From findings to diagnostics. Sources are reported where they are
//! written; the build's output is watched as it is made ([`Watch`]), and
//! what it shows that no source holds is reported at the output file.

use super::{fingerprint, is_binary, mask, scan_as, Finding, Format, SNIFF};
use crate::config::CONFIG_FILE;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::yaml;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What scanning sources found: an error for each finding not allowed, and
/// every secret found (allowed or not), so that the output's copy of a
/// source's secret is not reported a second time.
#[derive(Debug, Default)]
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    pub known: Known,
}

impl Checked {
    pub fn extend(&mut self, other: Checked) {
        self.diagnostics.extend(other.diagnostics);
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
struct Placed {
    finding: Finding,
    location: Location,
}

/// Locates each finding of `text` in `file` (`findings` in order of
/// offset). `line` and `column` are the lines before `text` in the file and
/// the characters before it on its first line (a file scanned in pieces).
/// Every finding on a shown line is masked, so no line shows another secret
/// in clear; a line is masked once however many findings it holds.
fn place(
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

/// Where an output finding was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A file the build made (a page, a feed, the search index …), by
    /// its output path.
    Generated,
    /// A file copied as it is (an attachment, a static or theme file), by
    /// its source path.
    Copied,
}

/// A finding in the output, located.
#[derive(Debug)]
pub struct Spotted {
    pub origin: Origin,
    pub rule: &'static str,
    pub secret: String,
    pub location: Location,
}

/// The secret scan of a build's output: every file the build hands to its
/// [`crate::output::Sink`] is scanned there, on the thread that made it.
#[derive(Debug, Default)]
pub struct Watch {
    spotted: Mutex<Vec<Spotted>>,
    /// Copied files that could not be read, so were not scanned.
    unreadable: Mutex<Vec<(PathBuf, String)>>,
    /// Files renamed after they were scanned (the search index's
    /// documents), from → to, kept only once something was spotted.
    renamed: Mutex<Vec<(String, String)>>,
}

/// Pieces of a file scanned alone: a streamed file or a large copy is
/// never whole in memory.
const BLOCK: usize = 4 << 20;
/// A piece is cut at a line end; a line longer than this is cut inside.
const LONG_LINE: usize = 16 << 20;
/// Bytes scanned twice where a long line is cut, so a secret across the
/// cut is found whole.
const OVERLAP: usize = 4096;

impl Watch {
    /// Scans a file the build made, whole; `path` is its output path.
    pub fn generated(&self, path: &str, bytes: &[u8]) {
        let findings = scan_as(bytes, Format::of_path(path));
        if !findings.is_empty() {
            let placed = place(Path::new(path), bytes, findings, 0, 0);
            self.keep(Origin::Generated, placed);
        }
    }

    /// Scans a file copied to output path `path` from `source`, unless its
    /// first bytes show it is binary. It is read in pieces.
    pub fn copied(&self, path: &str, source: &Path) {
        if let Err(e) = self.try_copied(path, source) {
            if let Ok(mut list) = self.unreadable.lock() {
                list.push((source.to_path_buf(), e.to_string()));
            }
        }
    }

    fn try_copied(&self, path: &str, source: &Path) -> std::io::Result<()> {
        let mut file = std::fs::File::open(source)?;
        // Only the first bytes of a binary file are read.
        let mut head = [0u8; SNIFF];
        let n = read_full(&mut file, &mut head)?;
        if is_binary(&head[..n]) {
            return Ok(());
        }
        let mut scan = Piecewise::new(
            self,
            Origin::Copied,
            source.to_path_buf(),
            Format::of_path(path),
        );
        scan.push(&head[..n]);
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = read_full(&mut file, &mut buf)?;
            if n == 0 {
                break;
            }
            scan.push(&buf[..n]);
        }
        scan.finish();
        Ok(())
    }

    /// A file made piece by piece at output path `path`.
    pub fn stream(&self, path: &str) -> Piecewise<'_> {
        Piecewise::new(
            self,
            Origin::Generated,
            PathBuf::from(path),
            Format::of_path(path),
        )
    }

    fn keep(&self, origin: Origin, placed: Vec<Placed>) {
        if let Ok(mut spotted) = self.spotted.lock() {
            spotted.extend(placed.into_iter().map(|p| Spotted {
                origin,
                rule: p.finding.rule,
                secret: p.finding.secret,
                location: p.location,
            }));
        }
    }

    /// The generated file at `from` is now at `to`: a finding in it is
    /// reported there.
    pub fn renamed(&self, from: &str, to: &str) {
        if self.spotted.lock().is_ok_and(|s| s.is_empty()) {
            return;
        }
        if let Ok(mut renamed) = self.renamed.lock() {
            renamed.push((from.to_string(), to.to_string()));
        }
    }

    /// Everything seen so far, at the files' final paths (the watch is
    /// left empty).
    pub fn take(&self) -> (Vec<Spotted>, Vec<(PathBuf, String)>) {
        let spotted = self.spotted.lock().map(|mut s| std::mem::take(&mut *s));
        let unreadable = self.unreadable.lock().map(|mut u| std::mem::take(&mut *u));
        let renamed = self.renamed.lock().map(|mut r| std::mem::take(&mut *r));
        let mut spotted = spotted.unwrap_or_default();
        let renamed: HashMap<PathBuf, PathBuf> = renamed
            .unwrap_or_default()
            .into_iter()
            .map(|(from, to)| (PathBuf::from(from), PathBuf::from(to)))
            .collect();
        for s in spotted.iter_mut().filter(|s| s.origin == Origin::Generated) {
            if let Some(to) = renamed.get(&s.location.file) {
                s.location.file = to.clone();
            }
        }
        (spotted, unreadable.unwrap_or_default())
    }
}

/// Fills `buf` as far as the file goes; the number of bytes read.
fn read_full(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A file scanned piece by piece as it is written or read: pieces end at
/// a line end (in markup, before a tag or comment left open at it), so a
/// reader's text is the same as the whole file's unless a tag spans more
/// than a piece (4 MiB) — a limit the docs state.
pub struct Piecewise<'w> {
    watch: &'w Watch,
    origin: Origin,
    file: PathBuf,
    format: Format,
    pending: Vec<u8>,
    /// Lines before `pending`, and characters before it on its first line.
    line: usize,
    column: usize,
    /// Where `pending` starts in the file, and what was reported, by
    /// (fingerprint, offset): the pieces of a cut long line overlap.
    offset: usize,
    seen: HashSet<(String, usize)>,
}

impl<'w> Piecewise<'w> {
    fn new(watch: &'w Watch, origin: Origin, file: PathBuf, format: Format) -> Piecewise<'w> {
        Piecewise {
            watch,
            origin,
            file,
            format,
            pending: Vec::new(),
            line: 0,
            column: 0,
            offset: 0,
            seen: HashSet::new(),
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
        if self.pending.len() >= BLOCK {
            self.flush(false);
        }
    }

    /// Scans what is left.
    pub fn finish(mut self) {
        self.flush(true);
    }

    fn flush(&mut self, last: bool) {
        let (cut, keep_from) = match self.cut() {
            _ if last => (self.pending.len(), self.pending.len()),
            Some(cut) => (cut, cut),
            None if self.pending.len() >= LONG_LINE => {
                (self.pending.len(), self.pending.len() - OVERLAP)
            }
            None => return,
        };
        let pending = std::mem::take(&mut self.pending);
        self.scan(&pending[..cut]);
        self.advance(&pending[..keep_from]);
        self.pending = pending[keep_from..].to_vec();
    }

    /// Where the pending bytes may be cut: after the last line end, or
    /// before the line of a tag left open at it.
    fn cut(&self) -> Option<usize> {
        let bytes = &self.pending;
        let newline = memchr::memrchr(b'\n', bytes)?;
        if matches!(self.format, Format::Text | Format::Json) {
            return Some(newline + 1);
        }
        let open = memchr::memrchr(b'<', &bytes[..newline]);
        let close = memchr::memrchr(b'>', &bytes[..newline]);
        match open {
            Some(lt) if close.is_none_or(|gt| gt < lt) => {
                match memchr::memrchr(b'\n', &bytes[..lt]) {
                    Some(n) => Some(n + 1),
                    None => Some(newline + 1),
                }
            }
            _ => Some(newline + 1),
        }
    }

    fn scan(&mut self, piece: &[u8]) {
        let (offset, seen) = (self.offset, &mut self.seen);
        let findings: Vec<Finding> = scan_as(piece, self.format)
            .into_iter()
            .filter(|f| seen.insert((fingerprint(&f.secret), offset + f.offset)))
            .collect();
        if !findings.is_empty() {
            let placed = place(&self.file, piece, findings, self.line, self.column);
            self.watch.keep(self.origin, placed);
        }
    }

    /// Moves the start of the pending bytes past `consumed`.
    fn advance(&mut self, consumed: &[u8]) {
        self.offset += consumed.len();
        match memchr::memrchr(b'\n', consumed) {
            Some(n) => {
                self.line += memchr::memchr_iter(b'\n', consumed).count();
                self.column = String::from_utf8_lossy(&consumed[n + 1..]).chars().count();
            }
            None => self.column += String::from_utf8_lossy(consumed).chars().count(),
        }
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
) -> Vec<Diagnostic> {
    let relative = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
    let mut errors: Vec<Diagnostic> = unreadable
        .into_iter()
        .map(|(file, e)| {
            Diagnostic::error(
                Code::Io,
                format!(
                    "cannot read {} to scan it for secrets: {e}",
                    relative(&file).display()
                ),
            )
            .at(Location::file(&relative(&file)))
        })
        .collect();
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
    errors
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
