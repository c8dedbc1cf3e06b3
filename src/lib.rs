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

pub mod affected;
pub mod attachments;
pub mod charts;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod graph;
pub mod highlight;
pub mod i18n;
pub mod interner;
pub mod jsonld;
pub mod linkcheck;
pub mod markdown;
#[cfg(test)]
mod module_graph;
pub mod nesting;
pub mod osv;
pub mod output;
pub mod outputs;
pub mod pipeline;
pub mod preview;
pub mod progress;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod secrets;
pub mod serve;
pub mod site;
pub mod template_check;
pub mod template_env;
pub mod theme;
pub mod urls;
pub mod write;
pub mod yaml;

pub use pipeline::{build, build_and_write, BuildOptions, Built, Failed};
