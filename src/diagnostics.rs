//! One diagnostic type for every stage, rendered like rustc, as JSON lines, or
//! as GitHub workflow annotations. Stages collect diagnostics instead of
//! stopping at the first problem so an author sees every mistake in one run.

use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

mod collector;
mod span;

pub use collector::Diagnostics;

/// How bad a diagnostic is. Errors fail the build; warnings only with `--deny-warnings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    /// Information that fails nothing (upcoming embargo lifts).
    Note,
}

/// Every diagnostic has a stable code; the table in the README lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    Io,
    Config,
    FrontMatterMissing,
    FrontMatterUnterminated,
    YamlSyntax,
    UnknownKey,
    WrongType,
    MissingField,
    InvalidValue,
    InvalidDate,
    DateOrder,
    InvalidIdentifier,
    DuplicateId,
    UrlCollision,
    UnresolvedRelated,
    BrokenLink,
    BrokenAnchor,
    LinkToUnpublished,
    InvalidUrl,
    CvssMismatch,
    InvalidCvss,
    RawHtml,
    NestingTooDeep,
    Secret,
    Template,
    Symlink,
    Encoding,
    StaleInvestigation,
    SecurityTxt,
    EmbargoLift,
    Output,
    WouldOverwrite,
    Serve,
    UnusedFile,
    NoAffectedProducts,
    Import,
    ImportNote,
    UpdateMismatch,
    ReviewOverdue,
}

impl Code {
    /// The stable `E`/`W` number and kebab-case name of the code.
    pub fn id(self) -> (&'static str, &'static str) {
        match self {
            Code::Io => ("E0001", "io"),
            Code::Config => ("E0002", "config"),
            Code::Encoding => ("E0003", "encoding"),
            Code::Symlink => ("E0004", "symlink-outside-site"),
            Code::Output => ("E0005", "output-folder"),
            Code::WouldOverwrite => ("E0006", "would-overwrite"),
            Code::Serve => ("E0007", "serve"),
            Code::Import => ("E0008", "import"),
            Code::FrontMatterMissing => ("E0100", "missing-front-matter"),
            Code::FrontMatterUnterminated => ("E0101", "unterminated-front-matter"),
            Code::UnknownKey => ("E0102", "unknown-front-matter-key"),
            Code::YamlSyntax => ("E0103", "yaml-syntax"),
            Code::WrongType => ("E0104", "wrong-type"),
            Code::MissingField => ("E0105", "missing-field"),
            Code::InvalidValue => ("E0106", "invalid-value"),
            Code::InvalidDate => ("E0107", "invalid-date"),
            Code::DateOrder => ("E0108", "date-order"),
            Code::InvalidIdentifier => ("E0109", "invalid-identifier"),
            Code::InvalidCvss => ("E0110", "invalid-cvss"),
            Code::CvssMismatch => ("E0111", "cvss-severity-mismatch"),
            Code::UpdateMismatch => ("E0112", "update-mismatch"),
            Code::DuplicateId => ("E0200", "duplicate-id"),
            Code::UrlCollision => ("E0201", "url-collision"),
            Code::UnresolvedRelated => ("E0202", "unresolved-related"),
            Code::LinkToUnpublished => ("E0203", "link-to-unpublished"),
            Code::BrokenLink => ("E0300", "broken-link"),
            Code::BrokenAnchor => ("E0301", "broken-anchor"),
            Code::InvalidUrl => ("E0302", "invalid-url"),
            Code::RawHtml => ("E0303", "raw-html"),
            Code::NestingTooDeep => ("E0304", "nesting-too-deep"),
            Code::Secret => ("E0400", "secret"),
            Code::Template => ("E0500", "template"),
            Code::StaleInvestigation => ("W0100", "stale-investigation"),
            Code::NoAffectedProducts => ("W0101", "cves-without-affected-products"),
            Code::ReviewOverdue => ("W0102", "review-overdue"),
            Code::SecurityTxt => ("W0200", "security-txt"),
            Code::UnusedFile => ("W0300", "unused-file"),
            Code::EmbargoLift => ("N0100", "embargo-lift"),
            Code::ImportNote => ("N0101", "import-note"),
        }
    }
}

/// A place in a source file. Lines and columns are 1-based, as editors show them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The text of the line, shown under the message.
    pub source_line: Option<String>,
}

impl Location {
    /// Points at `line:column` of `text`, keeping a copy of that line for display.
    pub fn in_text(file: &Path, text: &str, line: usize, column: usize) -> Location {
        // memchr: a file with thousands of errors asks for thousands of lines.
        let bytes = text.as_bytes();
        let start = match line {
            0 | 1 => Some(0),
            n => memchr::memchr_iter(b'\n', bytes).nth(n - 2).map(|i| i + 1),
        };
        let source_line = start.filter(|&s| s < text.len()).and_then(|s| {
            let end = memchr::memchr(b'\n', &bytes[s..]).map_or(text.len(), |e| s + e);
            shown_line(&text[s..end], column)
        });
        Location {
            file: file.to_path_buf(),
            line,
            column,
            source_line,
        }
    }

    /// Points at `line:column` of `file`, showing `text` as its line (the
    /// secret scan masks a line before it is shown).
    pub fn showing(file: &Path, line: usize, column: usize, text: &str) -> Location {
        Location {
            file: file.to_path_buf(),
            line,
            column,
            source_line: shown_line(text, column),
        }
    }

    /// A whole file, without a line.
    pub fn file(file: &Path) -> Location {
        Location {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            source_line: None,
        }
    }
}

/// The most of a line a diagnostic copies: generated or minified files can
/// have megabyte lines with thousands of errors on each, and copying the
/// line whole into each takes gigabytes (figures: benches/README.md, "Figures behind the code").
const MAX_SHOWN_LINE: usize = 400;

/// The part of a source line shown under a message: the whole line when it
/// is short; else its start, cut at a space (so a secret is never shown in
/// part, past the masking) and marked with `…`, when the caret at `column`
/// falls in it; else nothing (file:line:column still locate it).
fn shown_line(line: &str, column: usize) -> Option<String> {
    let line = line.trim_end_matches('\r');
    if line.len() <= MAX_SHOWN_LINE {
        return Some(line.to_string());
    }
    let mut cut = MAX_SHOWN_LINE;
    while !line.is_char_boundary(cut) {
        cut -= 1;
    }
    let kept = &line[..line[..cut].rfind(char::is_whitespace)?];
    (kept.chars().count() >= column).then(|| format!("{kept} …"))
}

/// Line starts of a file's text, made once, so that the many locations of
/// one file (every broken link, every unknown key) each cost one line rather
/// than a scan of the text up to it.
#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }

    /// `Location::in_text` for the text this index was made from.
    pub fn location(&self, file: &Path, text: &str, line: usize, column: usize) -> Location {
        let source_line = self
            .line_start(line.max(1))
            .filter(|&s| s < text.len())
            .and_then(|s| {
                let end = self
                    .line_start(line.max(1) + 1)
                    .map_or(text.len(), |e| e - 1);
                shown_line(&text[s..end], column)
            });
        Location {
            file: file.to_path_buf(),
            line,
            column,
            source_line,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: Level,
    pub code: Code,
    pub message: String,
    pub location: Option<Location>,
    /// What was expected, or a "did you mean".
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            level: Level::Error,
            code,
            message: message.into(),
            location: None,
            help: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn note(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            level: Level::Note,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(location);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn maybe_help(mut self, help: Option<String>) -> Diagnostic {
        self.help = help;
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// Makes an error a warning (a site's `links: { internal: warn }`).
    pub fn to_warning(&mut self) {
        if self.level == Level::Error {
            self.level = Level::Warning;
        }
    }

    /// Keeps only where the problem is (file, line, column), its level and
    /// code: not the source line, nor the message and help, which may quote
    /// the file. For documents a `serve` preview does not publish, whose
    /// text must not show on every served page.
    pub fn withhold(&mut self) {
        if let Some(location) = &mut self.location {
            location.source_line = None;
        }
        self.message = "not shown: this document is not published in this preview".into();
        self.help = Some(
            "`seckb check`, with `--drafts` and `--tlp` at the document's level, shows it in full"
                .into(),
        );
    }

    fn sort_key(&self) -> (Option<&Location>, Code, &str) {
        (self.location.as_ref(), self.code, &self.message)
    }
}

/// Output formats of `seckb check` (and of build errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

/// Sorts diagnostics by file, line and column so output is stable across runs.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Renders diagnostics in the chosen format; `color` adds ANSI colours to `Human`.
pub fn render(diagnostics: &[Diagnostic], format: Format, color: bool) -> String {
    let mut out = String::new();
    for d in diagnostics {
        match format {
            Format::Human => render_human(&mut out, d, color),
            Format::Json => render_json(&mut out, d),
            Format::Github => render_github(&mut out, d),
        }
    }
    out
}

fn render_human(out: &mut String, d: &Diagnostic, color: bool) {
    let (code, _) = d.code.id();
    let (level, paint) = match d.level {
        Level::Error => ("error", "\x1b[1;31m"),
        Level::Warning => ("warning", "\x1b[1;33m"),
        Level::Note => ("note", "\x1b[1;36m"),
    };
    let (bold, blue, reset) = if color {
        ("\x1b[1m", "\x1b[1;34m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    let paint = if color { paint } else { "" };
    let _ = writeln!(
        out,
        "{paint}{level}[{code}]{reset}{bold}: {}{reset}",
        printable(&d.message)
    );
    if let Some(loc) = &d.location {
        let file = printable(&loc.file.to_string_lossy()).into_owned();
        if loc.line == 0 {
            let _ = writeln!(out, "  {blue}-->{reset} {file}");
        } else {
            let _ = writeln!(out, "  {blue}-->{reset} {file}:{}:{}", loc.line, loc.column);
        }
        if let Some(text) = &loc.source_line {
            let number = loc.line.to_string();
            let pad = " ".repeat(number.len());
            let caret_pad: String = text
                .chars()
                .take(loc.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let carets = "^".repeat(span::width(text, loc.column));
            let text = printable(text);
            let _ = writeln!(out, "{blue}{pad} |{reset}");
            let _ = writeln!(out, "{blue}{number} |{reset} {text}");
            let _ = writeln!(
                out,
                "{blue}{pad} |{reset} {caret_pad}{paint}{carets}{reset}"
            );
        }
    }
    if let Some(help) = &d.help {
        let help = printable(help);
        // `=` stands under the gutter's `|`, however wide the line number.
        let gutter = d
            .location
            .as_ref()
            .filter(|loc| loc.source_line.is_some())
            .map_or(1, |loc| loc.line.to_string().len());
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad} {blue}={reset} {bold}help{reset}: {help}");
    }
    out.push('\n');
}

/// Text from content made safe for a terminal: control characters (an
/// escape sequence in a front matter value could retitle the window, clear
/// the screen or fake output) are shown escaped, as `\u{1b}`. Tabs and line
/// breaks stay.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\t' && c != '\n';
    if !text.contains(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn render_json(out: &mut String, d: &Diagnostic) {
    let (code, name) = d.code.id();
    let loc = d.location.as_ref();
    let value = serde_json::json!({
        "file": loc.map(|l| l.file.to_string_lossy().replace('\\', "/")),
        "line": loc.map(|l| l.line).filter(|l| *l > 0),
        "column": loc.map(|l| l.column).filter(|c| *c > 0),
        "severity": d.level,
        "code": code,
        "name": name,
        "message": d.message,
        "help": d.help,
    });
    out.push_str(&value.to_string());
    out.push('\n');
}

/// GitHub workflow commands: `::error file=…,line=…,col=…,title=…::message`.
fn render_github(out: &mut String, d: &Diagnostic) {
    let (code, name) = d.code.id();
    let level = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "notice",
    };
    let mut props = Vec::new();
    if let Some(loc) = &d.location {
        props.push(format!(
            "file={}",
            escape_property(&printable(&loc.file.to_string_lossy()))
        ));
        if loc.line > 0 {
            props.push(format!("line={}", loc.line));
            props.push(format!("col={}", loc.column.max(1)));
        }
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("{code} {name}"))
    ));
    let mut message = printable(&d.message).into_owned();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(&printable(help));
    }
    let _ = writeln!(
        out,
        "::{level} {}::{}",
        props.join(","),
        escape_data(&message)
    );
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The closest candidate to a misspelt word, when it is close enough to help.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3) && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests;
