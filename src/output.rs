//! The built site in memory: output paths and their contents. `build` writes
//! it to disk atomically; `serve` answers requests from it.

use crate::theme::StaticSource;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Vec<u8>),
    /// A file copied as it is (assets, static files), read when written or served.
    Copy(PathBuf),
    Embedded(&'static [u8]),
    /// Already written to the build's staging folder by a [`Sink`] (or,
    /// for `seckb check`, dropped).
    Written,
}

impl Content {
    /// The text of generated files (copies are not read), borrowed: the
    /// link check reads every page of the site.
    pub fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Content::Bytes(b) => Some(String::from_utf8_lossy(b)),
            Content::Embedded(b) => Some(String::from_utf8_lossy(b)),
            Content::Copy(_) | Content::Written => None,
        }
    }

    pub fn bytes(&self) -> std::io::Result<Cow<'_, [u8]>> {
        match self {
            Content::Bytes(b) => Ok(Cow::Borrowed(b)),
            Content::Embedded(b) => Ok(Cow::Borrowed(b)),
            Content::Copy(p) => std::fs::read(p).map(Cow::Owned),
            Content::Written => Err(std::io::Error::other(
                "the file was written to the staging folder, not kept",
            )),
        }
    }
}

impl From<&StaticSource> for Content {
    fn from(s: &StaticSource) -> Content {
        match s {
            StaticSource::File(p) => Content::Copy(p.clone()),
            StaticSource::Embedded(b) => Content::Embedded(b),
        }
    }
}

/// Where generated files go as they are made. `build` writes each page into
/// its staging folder at once, so no build holds its whole output in memory
/// (at 100,000 documents that is gigabytes); `serve`, `check` and tests keep
/// them. A failed write is remembered, not fatal on the spot: the build
/// reports it only when no collision explains it.
///
/// Every file of the output passes through here, so here it is scanned for
/// secrets (on the thread that made it): pages, exports ([`Writer`]) and
/// search documents in [`Sink::put`], streamed files in [`Stream`], the
/// rest of the output in [`Sink::drain`] (copied files read from their
/// sources).
#[derive(Debug, Default)]
pub struct Sink {
    folder: Option<PathBuf>,
    /// `seckb check`: files are dropped once made (their paths are kept).
    discard: bool,
    /// Files that could not be written ([`Sink::take_failures`]).
    failures: std::sync::Mutex<crate::diagnostics::Diagnostics>,
    secrets: crate::secrets::Watch,
}

impl Sink {
    /// Files are kept in memory.
    pub fn memory() -> Sink {
        Sink::default()
    }

    /// Files are written under `folder`, which exists.
    pub fn folder(folder: PathBuf) -> Sink {
        Sink {
            folder: Some(folder),
            ..Sink::default()
        }
    }

    /// Files are made and dropped (a build that only checks).
    pub fn discard() -> Sink {
        Sink {
            discard: true,
            ..Sink::default()
        }
    }

    /// Whether files stay in memory.
    pub fn keeps(&self) -> bool {
        self.folder.is_none() && !self.discard
    }

    /// Takes the file at output path `path`, scanned for secrets; returns
    /// what the output map holds for it.
    pub fn put(&self, path: &str, bytes: Vec<u8>) -> Content {
        self.secrets.generated(path, &bytes);
        self.write(path, bytes)
    }

    /// Takes the file at output path `path` (`….gz`) as its plain text:
    /// scanned for secrets as it is, written gzip-compressed (no file name
    /// or time in the header, so two builds write the same bytes).
    pub fn put_gzip(&self, path: &str, plain: &[u8]) -> Content {
        self.secrets.generated_plain(path, plain);
        self.write(path, gzip(plain))
    }

    /// A file the build reads back before it is done with it (the search
    /// index's documents, gathered into compressed files once numbered):
    /// written like any other but scanned only when the sink drops it
    /// (`seckb check`, where it is never read back); otherwise the file it
    /// goes into is scanned ([`Sink::put_gzip`]). [`Sink::unspool`] takes
    /// it back.
    pub fn spool(&self, path: &str, bytes: Vec<u8>) -> Content {
        if self.discard {
            self.secrets.generated(path, &bytes);
        }
        self.write(path, bytes)
    }

    /// The bytes of a file [`Sink::spool`] wrote, its file removed; `None`
    /// when the sink dropped it (or it cannot be read back: the sink keeps
    /// the failure).
    pub fn unspool(&self, path: &str, content: Content) -> Option<Vec<u8>> {
        match (content, &self.folder) {
            (Content::Bytes(bytes), _) => Some(bytes),
            (Content::Written, Some(folder)) if !self.discard => {
                let file = folder.join(path);
                let read =
                    std::fs::read(&file).and_then(|b| std::fs::remove_file(&file).map(|()| b));
                read.map_err(|e| self.fail(path, &e)).ok()
            }
            _ => None,
        }
    }

    /// [`Sink::put`] of a file already scanned.
    fn write(&self, path: &str, bytes: Vec<u8>) -> Content {
        if self.discard {
            return Content::Written;
        }
        let Some(folder) = &self.folder else {
            return Content::Bytes(bytes);
        };
        if let Err(e) = create(folder, path).and_then(|mut f| f.write_all(&bytes)) {
            self.fail(path, &e);
        }
        Content::Written
    }

    /// A file at output path `path` written piece by piece, so a large one
    /// (the incidents API) is never whole in memory in `seckb build`.
    pub fn stream(&self, path: &str) -> Stream<'_> {
        let target = match &self.folder {
            _ if self.discard => Target::Discard,
            None => Target::Memory(Vec::new()),
            Some(folder) => match create(folder, path) {
                Ok(f) => Target::File(std::io::BufWriter::new(f)),
                Err(e) => {
                    self.fail(path, &e);
                    Target::Discard
                }
            },
        };
        Stream {
            sink: self,
            path: path.to_string(),
            target,
            scan: self.secrets.stream(path),
        }
    }

    fn fail(&self, path: &str, e: &std::io::Error) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.push(crate::diagnostics::Diagnostic::error(
                crate::diagnostics::Code::Output,
                format!("cannot write {path}: {e}"),
            ));
        }
    }

    /// Scans every file of `output` for secrets, copied ones from their
    /// sources, and moves the in-memory ones into the folder (a memory
    /// sink keeps them). Each file must come here, or through
    /// [`Sink::put`] or [`Sink::stream`], exactly once.
    pub fn drain(&self, output: &mut Output) {
        use rayon::prelude::*;
        output
            .files
            .par_iter_mut()
            .for_each(|(path, content)| match content {
                Content::Bytes(_) | Content::Embedded(_) => {
                    if let Ok(bytes) = content.bytes() {
                        self.secrets.generated(path, &bytes);
                        if !self.keeps() {
                            let bytes = bytes.into_owned();
                            *content = self.write(path, bytes);
                        }
                    }
                }
                Content::Copy(source) => self.secrets.copied(path, source),
                Content::Written => {}
            });
    }

    /// The secret scan of the files handed over so far.
    pub fn secrets(&self) -> &crate::secrets::Watch {
        &self.secrets
    }

    /// The writes that failed so far, taken out.
    pub fn take_failures(&self) -> crate::diagnostics::Diagnostics {
        self.failures
            .lock()
            .map(|mut f| std::mem::take(&mut *f))
            .unwrap_or_default()
    }
}

/// `bytes` gzip-compressed at level 1: at 10,000 documents it took 0.3 s
/// less than the default level 6 (alternating builds) for an index of
/// 24.7 MB instead of 17.4 (Pagefind's: 45 MB), each document file a
/// third larger.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::fast(),
    );
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// Creates the file at output path `path` under `folder`, and its folders.
fn create(folder: &Path, path: &str) -> std::io::Result<std::fs::File> {
    let target = folder.join(path);
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::File::create(target)
}

/// A file being written by [`Sink::stream`], and scanned as it goes.
pub struct Stream<'a> {
    sink: &'a Sink,
    path: String,
    target: Target,
    scan: crate::secrets::Piecewise<'a>,
}

/// Where a [`Stream`] goes: memory, an open file, or nowhere (`seckb
/// check`, or a file that failed; the sink has the failure).
enum Target {
    Memory(Vec<u8>),
    File(std::io::BufWriter<std::fs::File>),
    Discard,
}

impl Stream<'_> {
    pub fn push(&mut self, text: &str) {
        self.scan.push(text.as_bytes());
        match &mut self.target {
            Target::Memory(bytes) => bytes.extend_from_slice(text.as_bytes()),
            Target::File(file) => {
                if let Err(e) = file.write_all(text.as_bytes()) {
                    self.sink.fail(&self.path, &e);
                    self.target = Target::Discard;
                }
            }
            Target::Discard => {}
        }
    }

    /// Closes the file; returns what the output map holds for it.
    pub fn finish(self) -> (String, Content) {
        self.scan.finish();
        match self.target {
            Target::Memory(bytes) => (self.path, Content::Bytes(bytes)),
            Target::File(mut file) => {
                if let Err(e) = file.flush() {
                    self.sink.fail(&self.path, &e);
                }
                (self.path, Content::Written)
            }
            Target::Discard => (self.path, Content::Written),
        }
    }
}

/// Files handed to a [`Sink`] one by one as they are made, and what the
/// output map holds for each: the exports (feeds, the search index, the
/// API, CSAF, …) write through it, so `seckb build` holds none of them
/// longer than it takes to make it (at 100,000 documents the feeds alone
/// were 220 MiB, kept to the end of the build).
pub struct Writer<'a> {
    sink: &'a Sink,
    made: Output,
}

impl<'a> Writer<'a> {
    pub fn new(sink: &'a Sink) -> Writer<'a> {
        Writer {
            sink,
            made: Output::default(),
        }
    }

    /// The sink the files go to.
    pub fn sink(&self) -> &'a Sink {
        self.sink
    }

    /// Hands the file at output path `path` to the sink ([`Sink::put`]).
    pub fn put(&mut self, path: impl Into<String>, bytes: Vec<u8>) {
        let path = path.into();
        let content = self.sink.put(&path, bytes);
        self.made.insert(path, content);
    }

    /// Records a file the sink already has (what [`Sink::put`],
    /// [`Sink::put_gzip`] or [`Stream::finish`] returned).
    pub fn insert(&mut self, path: impl Into<String>, content: Content) {
        self.made.insert(path, content);
    }

    /// What the output map holds for the files made.
    pub fn finish(self) -> Output {
        self.made
    }
}

/// Output paths (relative, `/` separators) to contents, in sorted order.
#[derive(Debug, Default, Clone)]
pub struct Output {
    files: BTreeMap<String, Content>,
}

impl Output {
    pub fn insert(&mut self, path: impl Into<String>, content: Content) {
        self.files.insert(path.into(), content);
    }

    pub fn insert_bytes(&mut self, path: impl Into<String>, bytes: Vec<u8>) {
        self.insert(path, Content::Bytes(bytes));
    }

    /// Moves every file of `other` in; `other`'s file wins where both have one.
    pub fn append(&mut self, mut other: Output) {
        self.files.append(&mut other.files);
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    pub fn get(&self, path: &str) -> Option<&Content> {
        self.files.get(path)
    }

    pub fn files(&self) -> impl Iterator<Item = (&String, &Content)> {
        self.files.iter()
    }

    /// Pairs of paths where the first is a file and the second would need it
    /// to be a folder (`atom.xml` and `atom.xml/index.html`). Such an output
    /// cannot be written, so the build reports them as collisions.
    pub fn file_folder_conflicts(&self) -> Vec<(&str, &str)> {
        self.files
            .keys()
            .filter_map(|file| {
                let folder = format!("{file}/");
                let (inside, _) = self.files.range(folder.clone()..).next()?;
                inside
                    .starts_with(&folder)
                    .then_some((file.as_str(), inside.as_str()))
            })
            .collect()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_in_the_way_of_a_folder_is_found() {
        let mut out = Output::default();
        for path in [
            "atom.xml",
            "atom.xml-old",
            "atom.xml.gz",
            "atom.xml/index.html",
            "a/b.html",
        ] {
            out.insert_bytes(path, Vec::new());
        }
        assert_eq!(
            out.file_folder_conflicts(),
            [("atom.xml", "atom.xml/index.html")]
        );
    }
}
