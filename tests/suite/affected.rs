//! Affected packages and version ranges in front matter: valid entries of
//! each ecosystem become OSV ranges; every bad name, version or range is an
//! error at its file, line and column, saying what was expected; and the
//! range vectors shared with the browser (tests/fixtures/range-cases.json)
//! hold in Rust.

use crate::common;

use seckb::affected::{self, Event, EventKind, Range, RangeType, Scheme};
use seckb::diagnostics::{Diagnostic, Level};
use seckb::BuildOptions;
use serde_json::Value;
use std::path::Path;

const CONFIG: &str = "title: Affected\nbase_url: https://example.org/\n";
const FILE: &str = "content/incidents/2026-01-01-x.md";

/// A site in a temporary folder with one incident of `front` front matter
/// (after `title`, `date` and `status`, so its first line is line 5).
fn site(front: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("seckb.yaml"), CONFIG).expect("config");
    let path = dir.path().join(FILE);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let text = format!(
        "---\ntitle: X\ndate: 2026-01-01\nstatus: resolved\n{front}severity: high\n---\nBody.\n"
    );
    std::fs::write(path, text).expect("write");
    dir
}

fn options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        now: Some(common::NOW.parse().expect("NOW")),
        ..BuildOptions::default()
    }
}

fn built(front: &str) -> seckb::Built {
    let dir = site(front);
    match seckb::build(&options(dir.path())) {
        Ok(b) => b,
        Err(f) => panic!("build failed: {:#?}", f.diagnostics),
    }
}

/// The errors of a failing build: (code, line, column, message, help).
fn errors(front: &str) -> Vec<(String, usize, usize, String, String)> {
    let dir = site(front);
    let failed = match seckb::build(&options(dir.path())) {
        Ok(_) => panic!("the build succeeded:\n{front}"),
        Err(f) => f,
    };
    failed
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d: &Diagnostic| {
            let at = d.location.as_ref().expect("located");
            assert_eq!(at.file, Path::new(FILE));
            (
                d.code.id().0.to_string(),
                at.line,
                at.column,
                d.message.clone(),
                d.help.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn the_affected(built: &seckb::Built) -> Vec<seckb::content::Affected> {
    built.site.pages[0]
        .doc
        .kind
        .incident()
        .expect("incident")
        .affected
        .clone()
}

fn events(list: &[(EventKind, &str)]) -> Vec<Event> {
    list.iter()
        .map(|(kind, v)| Event {
            kind: *kind,
            version: v.to_string(),
        })
        .collect()
}

#[test]
fn packages_of_each_ecosystem_become_osv_ranges() {
    use EventKind::*;
    let b = built(concat!(
        "affected:\n",
        "  - ecosystem: crates.io\n    name: acme-cli\n    versions: \">= 0.9.0, < 1.2.1\"\n    fixed: 1.2.1\n",
        "  - purl: pkg:npm/%40acme/sdk\n    fixed: 2.4.1\n",
        "  - ecosystem: Go\n    name: github.com/acme/gateway/v5\n    versions: \">= v5.0.0, < v5.0.4\"\n",
        "  - ecosystem: PyPI\n    name: acme-python\n    versions: \"<= 3.6.1\"\n",
        "  - ecosystem: Maven\n    name: org.acme:acme-core\n    versions: \">= 2.0-beta9, < 2.15.0\"\n",
        "  - ecosystem: RubyGems\n    name: acme\n    versions: [1.0.1, \"1.0.2\"]\n",
        "  - ecosystem: Debian:12\n    name: acme-agent\n    fixed: 1.4-2+deb12u1\n",
        "  - ecosystem: Go\n    name: github.com/acme/agent\n    ranges:\n      - type: GIT\n        repo: https://github.com/acme/agent\n        events:\n          - introduced: \"0\"\n          - fixed: 0123456789abcdef0123456789abcdef01234567\n",
        "  - vendor: Acme\n    product: Gateway\n    versions: from 4.8 on\n",
    ));
    let a = the_affected(&b);
    let ranges = |i: usize| a[i].ranges.clone();
    assert_eq!(
        ranges(0),
        [Range {
            kind: RangeType::Semver,
            repo: None,
            events: events(&[(Introduced, "0.9.0"), (Fixed, "1.2.1")])
        }]
    );
    assert_eq!(a[0].fixed, ["1.2.1"]);
    let npm = a[1].package.as_ref().expect("package");
    assert_eq!(
        (npm.ecosystem.as_str(), npm.name.as_str()),
        ("npm", "@acme/sdk")
    );
    assert_eq!(
        ranges(1)[0].events,
        events(&[(Introduced, "0"), (Fixed, "2.4.1")])
    );
    assert_eq!(
        ranges(2)[0].events,
        events(&[(Introduced, "5.0.0"), (Fixed, "5.0.4")])
    );
    assert_eq!(
        ranges(3),
        [Range {
            kind: RangeType::Ecosystem,
            repo: None,
            events: events(&[(Introduced, "0"), (LastAffected, "3.6.1")])
        }]
    );
    assert_eq!(ranges(4)[0].kind, RangeType::Ecosystem);
    assert_eq!(a[5].listed, ["1.0.1", "1.0.2"]);
    assert!(a[5].ranges.is_empty());
    assert_eq!(
        ranges(6)[0].events,
        events(&[(Introduced, "0"), (Fixed, "1.4-2+deb12u1")])
    );
    assert_eq!(ranges(7)[0].kind, RangeType::Git);
    assert_eq!(a[7].fixed, ["0123456789abcdef0123456789abcdef01234567"]);
    // A vendor product's versions without a comparator are free text.
    assert_eq!(a[8].versions.as_deref(), Some("from 4.8 on"));
    assert!(a[8].ranges.is_empty() && a[8].package.is_none());
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
}

#[test]
fn a_vendor_products_range_is_checked_too() {
    let b = built(
        "affected:\n  - vendor: Acme\n    product: Gateway\n    versions: \">= 4.8.0, < 4.12.3\"\n",
    );
    let a = the_affected(&b);
    assert_eq!(a[0].scheme, Scheme::Maven);
    assert_eq!(a[0].ranges[0].events.len(), 2);
    let found = errors(
        "affected:\n  - vendor: Acme\n    product: Gateway\n    versions: \"banana <<>> 7\"\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    let (code, line, column, message, help) = &found[0];
    assert_eq!((code.as_str(), *line, *column), ("E0106", 8, 16));
    assert!(
        message.contains("`banana <<>> 7` is no comparator"),
        "{message}"
    );
    assert!(help.contains("free text"), "{help}");
}

/// Each bad entry alone: its error's code, line, column and words.
#[test]
fn bad_ranges_and_versions_are_located_errors_that_say_what_was_expected() {
    let cases: &[(&str, (&str, usize, usize), &str)] = &[
        // The column of the bad version inside the quoted range.
        ("affected:\n  - ecosystem: crates.io\n    name: a\n    versions: \">= 1.2.0, < 1.4\"\n", ("E0106", 8, 28), "`1.4` is not a SemVer version"),
        ("affected:\n  - ecosystem: crates.io\n    name: a\n    versions: < 1.4\n", ("E0106", 8, 17), "`1.4` is not a SemVer version"),
        ("affected:\n  - ecosystem: npm\n    name: a\n    versions: \">= 2.0.0, < 1.0.0\"\n", ("E0106", 8, 28), "the interval is empty"),
        ("affected:\n  - ecosystem: npm\n    name: a\n    versions: \"> 1.0.0\"\n", ("E0106", 8, 16), "`>` is not a bound"),
        ("affected:\n  - ecosystem: PyPI\n    name: a\n    versions: \">= 3.4.0, < 3.6-banana\"\n", ("E0106", 8, 28), "not a PEP 440 version"),
        ("affected:\n  - ecosystem: RubyGems\n    name: a\n    versions: \">= 1.0.0\"\n", ("E0106", 8, 16), "have no order"),
        ("affected:\n  - ecosystem: pypi\n    name: a\n", ("E0106", 6, 16), "unknown ecosystem `pypi`"),
        ("affected:\n  - ecosystem: PyPI\n", ("E0105", 6, 3), "no `name`"),
        ("affected:\n  - purl: pkg:cargo/hyper@1.0.0\n", ("E0106", 6, 11), "has a version"),
        ("affected:\n  - purl: pkg:deb/debian/curl\n", ("E0105", 6, 3), "no `ecosystem`"),
        ("affected:\n  - purl: pkg:npm/left-pad\n    ecosystem: npm\n    name: right-pad\n", ("E0106", 6, 11), "names npm `left-pad`"),
        ("affected:\n  - product: Gateway\n", ("E0105", 6, 3), "needs a `vendor` or a package"),
        ("affected:\n  - ecosystem: crates.io\n    name: a\n    fixed: 1.10\n", ("E0104", 8, 12), "YAML reads `1.10` as the number 1.1"),
        ("affected:\n  - ecosystem: crates.io\n    name: a\n    versions: \">= 1.0.0, < 1.4.3\"\n    fixed: 1.4.4\n", ("E0106", 9, 12), "`fixed: 1.4.4` is not where a range"),
        ("affected:\n  - ecosystem: npm\n    name: a\n    versions: [\"1.0.0\", \"1.0\"]\n", ("E0106", 8, 26), "`1.0` is not a SemVer version"),
        ("affected:\n  - ecosystem: npm\n    name: a\n    versions: [1.0.0, 1.10]\n", ("E0104", 8, 23), "YAML reads `1.10` as the number 1.1"),
        ("affected:\n  - ecosystem: npm\n    name: a\n    versions:\n      - 1.0.0\n      - \"1.0\"\n", ("E0106", 10, 10), "`1.0` is not a SemVer version"),
        ("affected:\n  - ecosystem: npm\n    name: a\n    ranges:\n      - events:\n          - fixed: 1.0.0\n", ("E0106", 9, 9), "without an `introduced` event"),
        ("affected:\n  - ecosystem: npm\n    name: a\n    ranges:\n      - events:\n          - introduced: 2.0.0\n          - fixed: 1.0.0\n", ("E0106", 11, 20), "not above the `introduced: 2.0.0`"),
        ("affected:\n  - ecosystem: npm\n    name: a\n    ranges:\n      - events:\n          - introduced: \"0\"\n          - fixed: 1.0.0\n            limit: 2.0.0\n", ("E0106", 11, 13), "exactly one of"),
        ("affected:\n  - ecosystem: Go\n    name: a\n    ranges:\n      - type: GIT\n        repo: https://github.com/a/b\n        events:\n          - introduced: \"0\"\n          - fixed: abc123\n", ("E0106", 13, 20), "not a full commit hash"),
        ("affected:\n  - ecosystem: npm\n    name: a\n    ranges:\n      - type: semver\n        events:\n          - introduced: \"0\"\n", ("E0104", 9, 15), "unknown variant `semver`"),
        ("affected:\n  - ecosystem: npm\n    name: a\n    ranges:\n      - type: SEMVER\n", ("E0105", 9, 7), "without `events`"),
        ("advisory_ids: [GHSA-abcd-efgh-ijkl, not an id]\n", ("E0109", 5, 37), "`not an id` is not a valid entry"),
        ("references:\n  - url: https://example.org/\n    type: patch\n", ("E0104", 7, 11), "unknown variant `patch`"),
    ];
    let mut wrong = Vec::new();
    for (front, (code, line, column), words) in cases {
        let found = errors(front);
        let [(c, l, col, message, help)] = found.as_slice() else {
            wrong.push(format!("{front}{found:#?}"));
            continue;
        };
        // An unknown word's message lists what is expected; others say it in the help.
        let says_expected = !help.is_empty() || message.contains("expected one of");
        if (c.as_str(), *l, *col) != (*code, *line, *column)
            || !message.contains(words)
            || !says_expected
        {
            wrong.push(format!("{front}found {c} {l}:{col} {message} / {help}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn an_incident_with_cves_and_no_product_or_package_is_warned_about() {
    let b = built("cves: [CVE-2026-1234]\naffected: [Acme]\n");
    let w: Vec<(&str, Level, usize)> = b
        .warnings
        .iter()
        .map(|d| {
            (
                d.code.id().0,
                d.level,
                d.location.as_ref().map_or(0, |l| l.line),
            )
        })
        .collect();
    assert_eq!(w, [("W0101", Level::Warning, 5)]);
    let b = built(
        "cves: [CVE-2026-1234]\naffected:\n  - ecosystem: npm\n    name: a\n    fixed: 1.0.1\n",
    );
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
    let b = built("affected: [Acme]\n");
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
}

fn cases() -> Value {
    let text =
        std::fs::read_to_string(common::fixture("range-cases.json")).expect("range-cases.json");
    serde_json::from_str(&text).expect("JSON")
}

fn scheme(case: &Value) -> Scheme {
    Scheme::of(case["ecosystem"].as_str().expect("ecosystem"))
}

#[test]
fn the_shared_range_vectors_hold_in_rust() {
    let cases = cases();
    for c in cases["order"].as_array().expect("order") {
        let s = scheme(c);
        let (a, b) = (c["a"].as_str().unwrap(), c["b"].as_str().unwrap());
        let order = s
            .parse(a)
            .unwrap()
            .compare(&s.parse(b).unwrap())
            .map(|o| o as i64);
        assert_eq!(order, c["order"].as_i64(), "{c}");
    }
    for c in cases["compact"].as_array().expect("compact") {
        let parsed = affected::parse_compact(c["versions"].as_str().unwrap(), scheme(c));
        match c.get("error_at") {
            Some(at) => assert_eq!(
                parsed.map_err(|p| p.offset as u64).err(),
                at.as_u64(),
                "{c}"
            ),
            None => {
                let compact = parsed.unwrap_or_else(|p| panic!("{c}: {p:?}"));
                assert_eq!(serde_json::json!(compact.events), c["events"], "{c}");
                let listed = c
                    .get("versions_listed")
                    .cloned()
                    .unwrap_or(serde_json::json!([]));
                assert_eq!(serde_json::json!(compact.exact), listed, "{c}");
            }
        }
    }
    for c in cases["affected"].as_array().expect("affected") {
        let entry = &c["entry"];
        let s = Scheme::of(entry["package"]["ecosystem"].as_str().unwrap());
        let ranges: Vec<Range> = entry["ranges"]
            .as_array()
            .map(|rs| rs.iter().map(range_from_json).collect())
            .unwrap_or_default();
        let listed: Vec<String> = entry["versions"]
            .as_array()
            .map(|vs| vs.iter().map(|v| v.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        for (version, expected) in c["versions"].as_object().expect("versions") {
            let got = affected::affects(s, &ranges, &listed, version).ok();
            assert_eq!(got, expected.as_bool(), "{version} in {entry}");
        }
    }
}

fn range_from_json(r: &Value) -> Range {
    let kind = serde_json::from_value(r["type"].clone()).expect("type");
    let events = r["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            let (key, v) = e.as_object().and_then(|o| o.iter().next()).expect("event");
            let kind = EventKind::ALL
                .into_iter()
                .find(|k| k.key() == key)
                .expect("kind");
            Event {
                kind,
                version: v.as_str().unwrap().to_string(),
            }
        })
        .collect();
    Range {
        kind,
        repo: r["repo"].as_str().map(String::from),
        events,
    }
}

#[test]
fn every_mistake_of_an_entry_is_reported_in_one_run() {
    let found = errors(concat!(
        "affected:\n",
        "  - ecosystem: npm\n    name: a\n    versions: \">= 1.0\"\n    fixed: \"2.0\"\n",
        "    ranges:\n      - events:\n          - fixed: 1.0.0\n",
    ));
    let at: Vec<(&str, usize, usize)> = found
        .iter()
        .map(|(c, l, col, _, _)| (c.as_str(), *l, *col))
        .collect();
    assert_eq!(
        at,
        [("E0106", 8, 19), ("E0106", 9, 13), ("E0106", 11, 9)],
        "{found:#?}"
    );
}
