//! Generates OSV records for the import benchmark (benches/osv-import.sh).
//!
//! ```sh
//! cargo run --release --bin gen-osv -- --records 4000 --out /dev/shm/osv4k [--seed 1]
//! ```
//!
//! One JSON file per record, in folders of 500 as the advisory databases
//! lay them out. Records have the shape of GHSA's and the Go and RustSec
//! databases': a GHSA-, GO- or RUSTSEC- id, CVE and GHSA aliases, a
//! one-line summary, 150–600 words of Markdown details (paragraphs, a list,
//! a fenced code block in one of two), a CVSS 3.1 vector in two of three
//! (with GHSA's severity word), one to three affected packages of npm,
//! PyPI, Go, crates.io or Maven with one or two ranges, and three to six
//! typed references. Output is a pure function of `--records` and `--seed`.

// A function is at most 80 lines (clippy.toml), as in the library: longer
// ones are split into named steps, so each reads in one screen.
#![warn(clippy::too_many_lines)]

use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

/// SplitMix64, as in gen-corpus.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        seckb_bench_tools::splitmix64(&mut self.0)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "parser",
    "request",
    "header",
    "buffer",
    "token",
    "session",
    "input",
    "archive",
    "path",
    "template",
    "handler",
    "length",
    "decoder",
    "upload",
    "cookie",
    "redirect",
    "query",
    "schema",
    "stream",
    "frame",
    "attacker",
    "crafted",
    "remote",
    "allows",
    "bypass",
    "validation",
    "memory",
    "denial",
    "service",
    "leads",
];

const VECTORS: &[(&str, &str)] = &[
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CRITICAL"),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "HIGH"),
    ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:N", "MODERATE"),
    ("CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N", "LOW"),
];

fn sentence(rng: &mut Rng) -> String {
    let n = 8 + rng.below(12);
    let mut words: Vec<&str> = (0..n).map(|_| rng.pick(WORDS)).collect();
    let first = words[0].to_string();
    let capital = first[..1].to_uppercase() + &first[1..];
    words[0] = &capital;
    format!("{}.", words.join(" "))
}

fn details(rng: &mut Rng, package: &str) -> String {
    let mut md = String::new();
    for _ in 0..2 + rng.below(4) {
        let para: Vec<String> = (0..3 + rng.below(4)).map(|_| sentence(rng)).collect();
        md.push_str(&para.join(" "));
        md.push_str("\n\n");
    }
    md.push_str(&format!(
        "### Impact\n\n- {}\n- `{package}` {}\n\n",
        sentence(rng),
        sentence(rng)
    ));
    if rng.below(2) == 0 {
        md.push_str("```\n$ curl -H 'X-Length: -1' http://localhost:8080/upload\nHTTP/1.1 500 Internal Server Error\n```\n\n");
    }
    md.push_str(&format!(
        "Reported in [the issue tracker](https://github.com/acme-bench/{package}/issues/{}).",
        rng.below(9000) + 100
    ));
    md
}

fn version(rng: &mut Rng) -> (u64, u64, u64) {
    (rng.below(6), rng.below(20), rng.below(30))
}

/// One affected package of `ecosystem`, with one or two ranges of events.
fn affected(rng: &mut Rng, ecosystem: &str, name: &str) -> Value {
    let (a, b, c) = version(rng);
    let semver = matches!(ecosystem, "npm" | "Go" | "crates.io");
    let v = |x: u64, y: u64, z: u64| match ecosystem {
        "PyPI" if z == 0 => format!("{x}.{y}"),
        "Maven" => format!("{x}.{y}.{z}"),
        _ => format!("{x}.{y}.{z}"),
    };
    let mut events = vec![
        json!({ "introduced": if rng.below(3) == 0 { "0".to_string() } else { v(a, b, c) } }),
        json!({ "fixed": v(a, b, c + 1 + rng.below(5)) }),
    ];
    if rng.below(3) == 0 {
        events.push(json!({ "introduced": v(a + 1, 0, 0) }));
        events.push(json!({ "fixed": v(a + 1, 0, 1 + rng.below(9)) }));
    }
    json!({
        "package": { "ecosystem": ecosystem, "name": name },
        "ranges": [{ "type": if semver { "SEMVER" } else { "ECOSYSTEM" }, "events": events }],
    })
}

fn record(seed: u64, i: u64) -> (String, Value) {
    let mut rng = Rng::new(seed, i);
    let year = 2020 + i % 6;
    let (prefix, id) = match i % 3 {
        0 => (
            "ghsa",
            format!(
                "GHSA-{:04x}-{:04x}-{:04x}",
                i & 0xffff,
                rng.below(0xffff),
                rng.below(0xffff)
            ),
        ),
        1 => ("go", format!("GO-{year}-{:04}", i)),
        _ => ("rustsec", format!("RUSTSEC-{year}-{:04}", i)),
    };
    let ecosystems = ["npm", "PyPI", "Go", "crates.io", "Maven"];
    let ecosystem = ecosystems[(i as usize + rng.below(2) as usize) % ecosystems.len()];
    let package = format!("bench-{}-{}", rng.pick(WORDS), i % 997);
    let name = match ecosystem {
        "Go" => format!("github.com/acme-bench/{package}"),
        "Maven" => format!("org.acme.bench:{package}"),
        _ => package.clone(),
    };
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let published = format!(
        "{year}-{month:02}-{day:02}T{:02}:{:02}:00Z",
        rng.below(24),
        rng.below(60)
    );
    let modified = format!(
        "{year}-{month:02}-{:02}T12:00:00Z",
        (day + 1 + rng.below(3)).min(28).max(day)
    );
    let mut affected_list = vec![affected(&mut rng, ecosystem, &name)];
    for k in 0..rng.below(3) {
        affected_list.push(affected(&mut rng, ecosystem, &format!("{name}-extra{k}")));
    }
    let mut references =
        vec![json!({ "type": "ADVISORY", "url": format!("https://example.org/advisories/{id}") })];
    for k in 0..2 + rng.below(4) {
        let kind = ["FIX", "WEB", "REPORT", "PACKAGE", "ARTICLE"][(k as usize + i as usize) % 5];
        references.push(json!({ "type": kind, "url": format!("https://github.com/acme-bench/{package}/{}/{}", kind.to_lowercase(), rng.below(100000)) }));
    }
    let mut value = json!({
        "schema_version": "1.7.5",
        "id": id,
        "modified": modified,
        "published": published,
        "aliases": [format!("CVE-{year}-{:05}", 10000 + i)],
        "summary": format!("{} in {package}", sentence(&mut rng).trim_end_matches('.')),
        "details": details(&mut rng, &package),
        "affected": affected_list,
        "references": references,
    });
    if rng.below(3) != 0 {
        let (vector, word) = VECTORS[rng.below(VECTORS.len() as u64) as usize];
        value["severity"] = json!([{ "type": "CVSS_V3", "score": vector }]);
        value["database_specific"] = json!({ "severity": word, "github_reviewed": true });
    }
    (format!("{prefix}/{:03}/{id}.json", i / 500), value)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let (Some(records), Some(out)) = (
        arg("--records").and_then(|n| n.parse::<u64>().ok()),
        arg("--out"),
    ) else {
        eprintln!("usage: gen-osv --records N --out DIR [--seed S]");
        return ExitCode::from(2);
    };
    let seed = arg("--seed").and_then(|s| s.parse().ok()).unwrap_or(1);
    let out = PathBuf::from(out);
    for i in 0..records {
        let (path, value) = record(seed, i);
        let path = out.join(path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                std::fs::write(
                    &path,
                    serde_json::to_string_pretty(&value).unwrap_or_default(),
                )
            });
        if let Err(e) = written {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    eprintln!("{records} records in {}", out.display());
    ExitCode::SUCCESS
}
