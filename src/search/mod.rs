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

use crate::output::{Content, Output, Sink};
use rayon::prelude::*;

/// Where the index lives in the output.
pub const DIR: &str = "search";

pub use index::{NearbyTerms, Prepared, Tables};

/// Builds the index of the entries the document pass prepared and adds its
/// files under `search/`; the document files move from their provisional
/// names to their numbers.
pub fn add(prepared: Vec<Prepared>, tables: &Tables, sink: &Sink, output: &mut Output) {
    let files = format::files(index::build(prepared, tables));
    for (path, bytes) in files.files {
        output.insert_bytes(format!("{DIR}/{path}"), bytes);
    }
    let moved: Vec<(String, Content)> = files
        .documents
        .into_par_iter()
        .map(|(from, to, content)| {
            let to = format!("{DIR}/{to}");
            sink.rename(&format!("{DIR}/{from}"), &to);
            (to, content)
        })
        .collect();
    for (path, content) in moved {
        output.insert(path, content);
    }
}
