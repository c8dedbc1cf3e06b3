//! Search index build time, on a site already built in memory.
//!
//! ```sh
//! cargo bench --bench search -- SITE_DIR [RUNS]
//! ```
//!
//! Runs the whole pipeline once (as `seckb build` does, nothing written), then
//! builds the search index from the same `Site` RUNS times (default 5) and
//! prints the median, with the index's file count, size and 4 KiB blocks. benches/search/run.sh
//! calls it next to Pagefind; see benches/README.md.

// A function is at most 80 lines (clippy.toml), as in the library: longer
// ones are split into named steps, so each reads in one screen.
#![warn(clippy::too_many_lines)]

use rayon::prelude::*;
use seckb::output::Output;
use seckb::pipeline::{build, BuildOptions};
use seckb::search::entries::Entry;
use seckb::site::Site;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; the rest are ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(site) = args.first() else {
        eprintln!("usage: cargo bench --bench search -- SITE_DIR [RUNS]");
        return ExitCode::from(2);
    };
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let options = BuildOptions {
        root: site.into(),
        now: chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .ok()
            .map(|d| d.with_timezone(&chrono::Utc)),
        ..BuildOptions::default()
    };
    let start = Instant::now();
    let built = match build(&options) {
        Ok(built) => built,
        Err(failed) => {
            eprintln!(
                "the site does not build: {} diagnostics",
                failed.diagnostics.len()
            );
            return ExitCode::FAILURE;
        }
    };
    let pipeline = start.elapsed();
    let entries = search_entries(&built.site, &options.root);
    let (mut times, output) = time_index(&entries, runs);
    times.sort();
    let median = times[times.len() / 2];
    let sizes: Vec<usize> = output
        .files()
        .filter_map(|(_, c)| c.bytes().ok().map(|b| b.len()))
        .collect();
    let bytes: usize = sizes.iter().sum();
    // What the files take on a file system of 4 KiB blocks (as `du` counts).
    let blocks: usize = sizes.iter().map(|n| n.div_ceil(4096)).sum();
    println!(
        "{} entries-site: whole build in memory {:.2} s; search index build median {:.0} ms of {} runs ({:?}); {} files, {} bytes, {} 4 KiB blocks",
        built.site.pages.len(),
        pipeline.as_secs_f64(),
        median.as_secs_f64() * 1000.0,
        times.len(),
        times.iter().map(|t| t.as_millis()).collect::<Vec<_>>(),
        output.len(),
        bytes,
        blocks
    );
    ExitCode::SUCCESS
}

/// The search entries of every page, as the build's document pass makes
/// them (not timed): each page's source read from `root` and its body
/// rendered again.
fn search_entries(site: &Site, root: &Path) -> Vec<Entry> {
    site.pages
        .iter()
        .flat_map(|page| {
            let source = &page.doc.source;
            let text = seckb::content::load::read_source(&root.join(source), source)
                .map(|f| f.text)
                .unwrap_or_default();
            let mut found = seckb::diagnostics::Diagnostics::new();
            let body = seckb::site::render_body(
                &page.doc,
                &text,
                &site.links,
                site.config.raw_html,
                &mut found,
            );
            seckb::search::entries::of_page(page, &body)
        })
        .collect()
}

/// Builds the search index from `entries` `runs` times (at least once), as
/// the build does (prepared in parallel, then added): the time of each run
/// and the last run's output.
fn time_index(entries: &[Entry], runs: usize) -> (Vec<Duration>, Output) {
    let mut times = Vec::with_capacity(runs);
    let mut output = Output::default();
    for _ in 0..runs.max(1) {
        let input = entries.to_vec();
        let sink = seckb::output::Sink::memory();
        let start = Instant::now();
        let terms = seckb::search::Tables::default();
        let prepared: Vec<_> = input
            .into_par_iter()
            .enumerate()
            .map_init(seckb::search::NearbyTerms::default, |nearby, (i, e)| {
                let provisional = format!("docs/tmp-{i}.json");
                seckb::search::Prepared::new(e, &terms, nearby, &sink, provisional)
            })
            .collect();
        let mut writer = seckb::output::Writer::new(&sink);
        seckb::search::add(prepared, &terms, &mut writer);
        output = writer.finish();
        times.push(start.elapsed());
    }
    (times, output)
}
