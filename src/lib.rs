//! seckb: a static site generator for security-incident knowledge bases.
//!
//! The pipeline (see `pipeline`) is a list of stages over plain data:
//! `config → load → validate → site → render → outputs → link check → write`.
//! `build`, `check` and `serve` run the same pipeline.

pub mod affected;
pub mod attachments;
pub mod charts;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod graph;
pub mod highlight;
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
