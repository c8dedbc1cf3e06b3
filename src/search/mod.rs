//! The search index, built at build time from the `Site` model — published
//! pages only, never the rendered HTML, so unpublished text cannot leak into
//! it — and written as the files `themes/default/static/search.js` reads:
//! `entries` (what is indexed) → `index` (inverted, facet-ordered) →
//! `format` (manifest, shards, documents). `docs/search-index.md` documents
//! the format.

pub mod entries;
pub mod format;
pub mod index;
pub mod tokenize;

use crate::output::{Content, Writer};
use rayon::prelude::*;

/// Where the index lives in the output.
pub const DIR: &str = "search";

pub use index::{NearbyTerms, Prepared, Tables};

/// Builds the index of the entries the document pass prepared and hands
/// its files (under `search/`) to the sink; the documents the sink spooled
/// are gathered into their compressed files (scanned for secrets as their
/// plain text there).
pub fn add(prepared: Vec<Prepared>, tables: &Tables, output: &mut Writer) {
    let sink = output.sink();
    let files = format::files(index::build(prepared, tables));
    for (path, bytes) in files.files {
        output.put(format!("{DIR}/{path}"), bytes);
    }
    let gathered: Vec<(String, Content)> = files
        .chunks
        .into_par_iter()
        .map(|chunk| {
            let path = format!("{DIR}/{}", chunk.path);
            let (names, contents): (Vec<String>, Vec<Content>) = chunk
                .parts
                .into_iter()
                .map(|(from, content)| (format!("{DIR}/{from}"), content))
                .unzip();
            let parts: Option<Vec<Vec<u8>>> = names
                .iter()
                .zip(contents)
                .map(|(from, content)| sink.unspool(from, content))
                .collect();
            let content = match parts {
                Some(parts) => sink.put_gzip(&path, &format::chunk_text(&parts)),
                // A sink that drops files (`seckb check`) scanned each part
                // as it was spooled: what it found is reported at this file.
                None => {
                    for from in &names {
                        sink.secrets().renamed(from, &path);
                    }
                    Content::Written
                }
            };
            (path, content)
        })
        .collect();
    for (path, content) in gathered {
        output.insert(path, content);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Kind;
    use crate::output::{Output, Sink};

    fn entry(url: &str, text: &str) -> entries::Entry {
        entries::Entry {
            url: url.into(),
            title: "A guide".into(),
            kind: Kind::Page,
            date: None,
            year: None,
            severity: None,
            status: None,
            tags: Vec::new(),
            vendors: Vec::new(),
            vendor_terms: Vec::new(),
            ids: Vec::new(),
            summary: String::new(),
            parent: None,
            meta: Vec::new(),
            text: text.into(),
        }
    }

    /// Entries per file for guides.
    const PER_FILE: u32 = format::CHUNK_ENTRIES[2];

    /// `PER_FILE + 1` guides (a full file and one of one entry), the last
    /// but one (in the first file) holding `text`, through the document
    /// pass's steps and `add`, into `sink`.
    fn index_into(sink: &Sink, text: &str) -> Output {
        let tables = Tables::default();
        let mut nearby = NearbyTerms::default();
        let prepared = (0..=PER_FILE)
            .map(|i| {
                let body = if i + 1 == PER_FILE {
                    text
                } else {
                    "Nothing to see."
                };
                let e = entry(&format!("/guides/{i}/"), body);
                Prepared::new(
                    e,
                    &tables,
                    &mut nearby,
                    sink,
                    format!("docs/tmp-{i}-0.json"),
                )
            })
            .collect();
        let mut output = Writer::new(sink);
        add(prepared, &tables, &mut output);
        output.finish()
    }

    /// An AWS access key id made at run time (no key-shaped literal in the source).
    fn key() -> String {
        ["AK", "IA", "QWERTYUIOPASDFGH"].concat()
    }

    #[test]
    fn a_secret_in_a_document_body_is_found_in_its_compressed_file() {
        let folder = tempfile::tempdir().expect("tempdir");
        let text = format!("Rotate {} now.", key());
        for sink in [
            Sink::memory(),
            Sink::folder(folder.path().to_path_buf()),
            Sink::discard(),
        ] {
            let output = index_into(&sink, &text);
            let docs: Vec<&String> = output
                .files()
                .map(|(p, _)| p)
                .filter(|p| p.starts_with("search/docs/"))
                .collect();
            let last = format!("search/docs/{PER_FILE}.json.gz");
            assert_eq!(docs, ["search/docs/0.json.gz", last.as_str()]);
            let (spotted, _) = sink.secrets().take();
            let found: Vec<(&str, &std::path::Path)> = spotted
                .iter()
                .map(|s| (s.secret.as_str(), s.location.file.as_path()))
                .collect();
            assert!(!found.is_empty(), "{found:?}");
            for (secret, file) in found {
                assert_eq!(
                    (secret, file),
                    (key().as_str(), "search/docs/0.json.gz".as_ref())
                );
            }
        }
        // The folder holds the compressed files and no spooled one.
        let mut written: Vec<String> = std::fs::read_dir(folder.path().join("search/docs"))
            .expect("docs folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        written.sort();
        assert_eq!(
            written,
            ["0.json.gz".to_string(), format!("{PER_FILE}.json.gz")]
        );
    }
}
