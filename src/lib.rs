//! seckb: a static site generator for security-incident knowledge bases.
//!
//! The pipeline (see `pipeline` and docs/architecture.md) is a short list
//! of stages over plain data: loading (config, theme, documents validated)
//! → site (assembled) → rendering (pages and exports) → collecting (the
//! output) → linking (the link check). `build`, `check` and `serve` run the
//! same pipeline.

// A function is at most 80 lines (clippy.toml): longer ones are split into
// named steps, so each reads in one screen.
#![warn(clippy::too_many_lines)]
// The public API is the modules declared `pub` below (what the binary, the
// tests, the benchmarks and the fuzz targets use) and the re-exports; the
// rest is `pub(crate)`, so the compiler reports what nothing uses.
#![warn(unreachable_pub)]

pub mod affected;
mod attachments;
mod charts;
pub mod config;
pub mod content;
pub mod diagnostics;
mod exports;
mod graph;
mod highlight;
mod html;
mod i18n;
mod interner;
mod jsonld;
mod linkcheck;
pub mod markdown;
#[cfg(test)]
mod module_graph;
mod nesting;
pub mod osv;
pub mod output;
pub mod owners;
pub mod pipeline;
mod preview;
pub mod progress;
mod render;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod secrets;
pub mod serve;
pub mod site;
mod staging;
mod template_check;
mod template_env;
mod template_fields;
mod theme;
mod urls;
pub mod yaml;

pub use pipeline::{build, build_and_write, BuildOptions, Built, Failed};
