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

use crate::output::Output;

/// Where the index lives in the output.
pub const DIR: &str = "search";

/// Builds the index of the published pages' `entries` and adds its files
/// under `search/`.
pub fn add(entries: Vec<entries::Entry>, output: &mut Output) {
    let index = index::build(entries);
    for (path, bytes) in format::files(&index) {
        output.insert_bytes(format!("{DIR}/{path}"), bytes);
    }
}
