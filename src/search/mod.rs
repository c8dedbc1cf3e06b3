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
use crate::site::Site;

/// Where the index lives in the output.
pub const DIR: &str = "search";

/// Builds the index of `site` and adds its files under `search/`.
pub fn add(site: &Site, output: &mut Output) {
    let index = index::build(entries::collect(site));
    for (path, bytes) in format::files(&index) {
        output.insert_bytes(format!("{DIR}/{path}"), bytes);
    }
}
