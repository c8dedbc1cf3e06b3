//! The output's watch: every file the build makes, scanned for secrets on
//! the thread that made it, in blocks with an overlap, as it streams.

use super::report::place;
use super::report::Placed;
use super::{fingerprint, is_binary, scan_as, Finding, Format, SNIFF};
use crate::diagnostics::Location;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
    /// Files gathered into another after they were scanned (the search
    /// index's documents, in `seckb check`), from → to, kept only once
    /// something was spotted.
    renamed: Mutex<Vec<(String, String)>>,
}

/// Pieces of a file scanned alone: a streamed file or a large copy is
/// never whole in memory.
pub(super) const BLOCK: usize = 4 << 20;
/// A piece is cut at a line end; a line longer than this is cut inside.
pub(super) const LONG_LINE: usize = 16 << 20;
/// Bytes scanned twice where a long line is cut, so a secret across the
/// cut is found whole.
pub(super) const OVERLAP: usize = 4096;

impl Watch {
    /// Scans a file the build made, whole; `path` is its output path. A
    /// gzip-compressed file (the search index's documents) is scanned as
    /// its reader sees it: decompressed ([`Watch::generated_plain`]).
    pub fn generated(&self, path: &str, bytes: &[u8]) {
        match gunzip(bytes) {
            Some(plain) => self.generated_plain(path, &plain),
            None => self.scan_generated(path, bytes, Format::of_path(path)),
        }
    }

    /// Scans `plain`, the text of the file the build writes compressed at
    /// `path` (`….json.gz`: read as JSON); findings are located in `plain`.
    pub fn generated_plain(&self, path: &str, plain: &[u8]) {
        let format = Format::of_path(path.strip_suffix(".gz").unwrap_or(path));
        self.scan_generated(path, plain, format);
    }

    fn scan_generated(&self, path: &str, bytes: &[u8], format: Format) {
        let findings = scan_as(bytes, format);
        if !findings.is_empty() {
            let placed = place(Path::new(path), bytes, findings, 0, 0);
            self.keep(Origin::Generated, placed);
        }
    }

    /// Scans a file copied to output path `path` from `source`, unless its
    /// first bytes show it is binary; a gzip-compressed one (`app.log.gz`)
    /// as the text it decompresses to. It is read in pieces.
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
        if head[..n].starts_with(&GZIP_MAGIC) {
            let reader = std::io::BufReader::new(std::fs::File::open(source)?);
            let plain = flate2::read::MultiGzDecoder::new(reader).take(GUNZIP_LIMIT);
            let format = Format::of_path(path.strip_suffix(".gz").unwrap_or(path));
            if self.scan_copied(plain, source, format).is_ok() {
                return Ok(());
            }
            // Damaged: sniffed and scanned as written, as any other copy.
        }
        self.scan_copied((&head[..n]).chain(file), source, Format::of_path(path))
    }

    /// Scans what `reader` reads of the copy of `source`, unless its first
    /// bytes are binary; what was read before an error is scanned.
    fn scan_copied(
        &self,
        mut reader: impl Read,
        source: &Path,
        format: Format,
    ) -> std::io::Result<()> {
        let mut head = [0u8; SNIFF];
        let n = read_full(&mut reader, &mut head)?;
        if is_binary(&head[..n]) {
            return Ok(());
        }
        let mut scan = Piecewise::new(self, Origin::Copied, source.to_path_buf(), format);
        scan.push(&head[..n]);
        let mut buf = vec![0u8; 1 << 20];
        let read = loop {
            match read_full(&mut reader, &mut buf) {
                Ok(0) => break Ok(()),
                Ok(n) => scan.push(&buf[..n]),
                Err(e) => break Err(e),
            }
        };
        scan.finish();
        read
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

    /// The generated file at `from` is now in `to`: a finding in it is
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

/// The bytes a gzip stream (one member or several) decompresses to, up to
/// [`GUNZIP_LIMIT`]; `None` for bytes that are not gzip (or are damaged,
/// or hold more: those are scanned as written).
pub(super) fn gunzip(bytes: &[u8]) -> Option<Vec<u8>> {
    if !bytes.starts_with(&GZIP_MAGIC) {
        return None;
    }
    let mut plain = Vec::new();
    let mut decoder = flate2::read::MultiGzDecoder::new(bytes).take(GUNZIP_LIMIT + 1);
    decoder.read_to_end(&mut plain).ok()?;
    (plain.len() as u64 <= GUNZIP_LIMIT).then_some(plain)
}

/// The first bytes of a gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The most a gzip file (generated or copied) is decompressed to for its scan.
const GUNZIP_LIMIT: u64 = 1 << 30;

/// Fills `buf` as far as the file goes; the number of bytes read.
pub(super) fn read_full(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
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
