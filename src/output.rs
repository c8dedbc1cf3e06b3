//! The built site in memory: output paths and their contents. `build` writes
//! it to disk atomically; `serve` answers requests from it.

use crate::theme::StaticSource;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Vec<u8>),
    /// A file copied as it is (assets, static files), read when written or served.
    Copy(PathBuf),
    Embedded(&'static [u8]),
}

impl Content {
    /// The text of generated files (copies are not read), borrowed: the
    /// link check reads every page of the site.
    pub fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Content::Bytes(b) => Some(String::from_utf8_lossy(b)),
            Content::Embedded(b) => Some(String::from_utf8_lossy(b)),
            Content::Copy(_) => None,
        }
    }

    pub fn bytes(&self) -> std::io::Result<Cow<'_, [u8]>> {
        match self {
            Content::Bytes(b) => Ok(Cow::Borrowed(b)),
            Content::Embedded(b) => Ok(Cow::Borrowed(b)),
            Content::Copy(p) => std::fs::read(p).map(Cow::Owned),
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
