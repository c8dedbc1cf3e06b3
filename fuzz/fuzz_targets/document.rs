//! The whole build of a one-document site: the fuzzed file joins a fixed
//! incident and FAQ (so ids, `related`, FAQ links and `.md` links can
//! resolve) in a site under a base path, and every stage runs in memory, as
//! `seckb check` and `serve` run them. A successful build must be safe HTML
//! on every page, valid JSON in every `.json` file, and identical when
//! repeated; a failed one must say why.
//!
//! Input: one selector byte (the section of the fuzzed file), then its bytes.
//! The site lives in one temporary folder per fuzzing process (in /dev/shm
//! when it exists), rewritten for each input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seckb::pipeline::{build, BuildOptions};
use seckb_fuzz::{check_diagnostics, check_safe_html, now, Html};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const SECTIONS: [&str; 4] = ["incidents", "faq", "guides", ""];

const CONFIG: &str = "title: Fuzz\nbase_url: https://example.org/kb/\nraw_html: sanitize\n";

const INCIDENT: &str = "---
title: Companion incident
date: 2026-01-01
id: INC-2026-0001
severity: high
status: resolved
tags: [phishing]
affected: [Acme]
---
Intro.

## Details

Text with an [anchor target](#details).
";

const FAQ: &str = "---
title: Companion FAQ
date: 2026-01-02
incidents: [INC-2026-0001]
---
## Was I affected?

No.
";

fn site() -> PathBuf {
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let root = base.join(format!("seckb-fuzz-document-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (path, text) in [
        ("seckb.yaml", CONFIG),
        ("content/incidents/companion.md", INCIDENT),
        ("content/faq/companion.md", FAQ),
    ] {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap_or(&root)).expect("site folder");
        std::fs::write(path, text).expect("site file");
    }
    std::fs::create_dir_all(root.join("content/guides")).expect("content/guides");
    root
}

fuzz_target!(|data: &[u8]| {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    let root = ROOT.get_or_init(site);
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let section = SECTIONS[usize::from(selector) % SECTIONS.len()];
    let rel = Path::new("content").join(section).join("fuzzed.md");
    for other in SECTIONS {
        let _ = std::fs::remove_file(root.join("content").join(other).join("fuzzed.md"));
    }
    std::fs::write(root.join(&rel), bytes).expect("write the fuzzed document");
    let options = BuildOptions {
        root: root.clone(),
        now: Some(now()),
        ..BuildOptions::default()
    };
    let text = String::from_utf8_lossy(bytes).replace("\r\n", "\n");
    match build(&options) {
        Ok(built) => {
            check_diagnostics(&built.warnings, &rel, &text);
            let mut pages = Vec::new();
            for (path, content) in built.output.files() {
                if path.ends_with(".html") {
                    let html = content.text().expect("generated page").into_owned();
                    check_safe_html(&html, Html::Page, path);
                    pages.push((path.clone(), html));
                } else if path.ends_with(".json") {
                    if let Some(json) = content.text() {
                        if let Err(e) = serde_json::from_str::<serde_json::Value>(&json) {
                            panic!("{path} is not JSON ({e})");
                        }
                    }
                }
            }
            // Two builds of the same input are byte-identical (DESIGN §6);
            // checked on one input in four, as a build is the slow part.
            if !data.len().is_multiple_of(4) {
                return;
            }
            let again = build(&options).expect("the second build of the same input failed");
            let repeated: Vec<(String, String)> = again
                .output
                .files()
                .filter(|(p, _)| p.ends_with(".html"))
                .map(|(p, c)| (p.clone(), c.text().unwrap_or_default().into_owned()))
                .collect();
            assert!(pages == repeated, "two builds of the same input differ");
        }
        Err(failed) => {
            assert!(failed.diagnostics.iter().any(|d| d.is_error()));
            check_diagnostics(&failed.diagnostics, &rel, &text);
        }
    }
});
