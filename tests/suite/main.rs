//! seckb's integration tests: one test binary (one compile, one link) with a
//! module per feature, sharing the helpers and the site builder of
//! [`common`]. Fixture sites are in tests/fixtures/, insta snapshots in
//! tests/suite/snapshots/.
//!
//! Cases build through the library (`seckb::build` in memory,
//! `seckb::build_and_write` into a folder) and assert on its diagnostics and
//! output. The binary runs only where the process is the point: exit codes,
//! command-line parsing, what a terminal or CI log shows, `seckb serve`,
//! kills, a dropped privilege, and the hostile cases bounded in memory, stack
//! and time ([`common::Site::bounded`]).
//!
//! Cases that take more than a few seconds are `#[ignore]`d with the reason;
//! scripts/test.sh (and so .ci/run) runs them with `cargo test -- --ignored`.

// A function is at most 80 lines (clippy.toml), as in the library: longer
// ones are split into named steps, so each reads in one screen.
#![warn(clippy::too_many_lines)]

mod common;

mod affected;
mod affected_check;
mod build;
mod charts;
mod distribution;
mod exports;
mod hostile;
mod i18n;
mod inputs;
#[cfg(unix)]
mod kill;
mod leaks;
mod osv;
mod page_policy;
mod pages;
mod publish;
mod search;
mod security;
mod serve;
mod updates;
mod xss;
