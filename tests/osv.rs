//! OSV: the records a build exports (`osv/<ID>.json`, `osv/index.json`)
//! against the OSV 1.7.5 JSON Schema (../shared/standards/), only for
//! published incidents; and `seckb import osv` (see the import tests below).

mod common;

use seckb::content::Tlp;
use seckb::{BuildOptions, Built};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The OSV schema as the standards folder beside the repository keeps it.
fn schema_path() -> PathBuf {
    common::repo().join("../shared/standards/osv-schema-1.7.5.json")
}

fn validator() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(schema_path()).expect("the OSV schema in ../shared/standards/");
    let schema: Value = serde_json::from_str(&text).expect("schema JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("a valid JSON Schema")
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn build(root: &Path, tlp: Tlp, drafts: bool) -> Built {
    let options = BuildOptions {
        root: root.to_path_buf(),
        tlp: Some(tlp),
        drafts,
        now: Some(common::NOW.parse().expect("NOW")),
        ..BuildOptions::default()
    };
    match seckb::build(&options) {
        Ok(b) => b,
        Err(f) => panic!("build failed: {:#?}", f.diagnostics),
    }
}

/// The OSV files of a build, by output path, parsed.
fn osv_files(built: &Built) -> BTreeMap<String, Value> {
    built
        .output
        .files()
        .filter(|(path, _)| path.starts_with("osv/"))
        .map(|(path, content)| {
            let bytes = content.bytes().expect("in memory");
            (path.clone(), serde_json::from_slice(&bytes).expect("JSON"))
        })
        .collect()
}

#[test]
fn every_demo_record_is_valid_osv_and_only_published_incidents_have_one() {
    let validator = validator();
    let built = build(&common::repo(), Tlp::Clear, false);
    let files = osv_files(&built);
    let mut ecosystems = std::collections::BTreeSet::new();
    let mut ids = Vec::new();
    for (path, record) in &files {
        if path == "osv/index.json" {
            continue;
        }
        assert_eq!(errors(&validator, record), Vec::<String>::new(), "{path}");
        assert_eq!(
            *path,
            format!("osv/{}.json", record["id"].as_str().unwrap())
        );
        for a in record["affected"].as_array().unwrap() {
            ecosystems.insert(a["package"]["ecosystem"].as_str().unwrap().to_string());
        }
        ids.push((record["id"].clone(), record["modified"].clone()));
    }
    assert!(
        ids.len() >= 3 && ecosystems.len() >= 2,
        "{ids:?} {ecosystems:?}"
    );
    // The index lists exactly the records, by id, with their `modified`.
    let index: Vec<(Value, Value)> = files["osv/index.json"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["id"].clone(), e["modified"].clone()))
        .collect();
    assert_eq!(index, ids);
    // One record per published incident that names a package, none else.
    let expected: Vec<String> = built
        .site
        .incidents()
        .filter(|p| seckb::osv::has_record(p))
        .map(|p| format!("osv/{}", seckb::osv::file_name(&seckb::osv::osv_id(p))))
        .collect();
    let mut expected = expected;
    expected.sort();
    let found: Vec<&String> = files.keys().filter(|p| *p != "osv/index.json").collect();
    assert_eq!(found, expected.iter().collect::<Vec<_>>());

    // The acme-python record, field by field.
    let python = &files["osv/x_INC-2026-0047.json"];
    assert_eq!(python["aliases"], serde_json::json!(["CVE-2026-51874"]));
    assert_eq!(python["published"], "2026-11-20T00:00:00Z");
    assert_eq!(python["modified"], "2026-11-28T00:00:00Z");
    assert_eq!(
        python["affected"][0]["package"],
        serde_json::json!({"ecosystem": "PyPI", "name": "acme-python", "purl": "pkg:pypi/acme-python"})
    );
    assert_eq!(
        python["affected"][0]["ranges"],
        serde_json::json!([{"type": "ECOSYSTEM", "events": [{"introduced": "3.4.0"}, {"fixed": "3.6.2"}]}])
    );
    assert_eq!(python["database_specific"]["tlp"], "TLP:CLEAR");
    assert_eq!(python["database_specific"]["status"], "identified");
    let details = python["details"].as_str().unwrap();
    assert!(details.starts_with("## Summary"), "{details}");
    // Links to the site's pages are absolute, to their pages (not .md files).
    assert!(
        details
            .contains("](http://127.0.0.1:1111/guides/api-key-policy/#if-a-key-may-have-leaked)"),
        "{details}"
    );
    assert!(!details.contains(".md"), "{details}");
    let gateway = &files["osv/x_INC-2025-0019.json"];
    assert_eq!(gateway["severity"][0]["type"], "CVSS_V3");

    // The schema has teeth: a range without `introduced` fails it.
    let mut bad = python.clone();
    bad["affected"][0]["ranges"][0]["events"] = serde_json::json!([{"fixed": "3.6.2"}]);
    assert!(!errors(&validator, &bad).is_empty());
}

#[test]
fn records_of_unpublished_incidents_are_in_no_build_that_excludes_them() {
    let site = tempfile::tempdir().expect("tempdir");
    common::copy_dir(&common::fixture("leaks"), site.path());
    let hidden = [
        "red-only-package",
        "draft-only-crate",
        "github.com/embargoed/module",
    ];
    let clear = build(site.path(), Tlp::Clear, false);
    let files: Vec<String> = osv_files(&clear).into_keys().collect();
    assert_eq!(files, ["osv/index.json", "osv/x_INC-2026-0001.json"]);
    for (path, content) in clear.output.files() {
        let Ok(bytes) = content.bytes() else { continue };
        let text = String::from_utf8_lossy(&bytes);
        for h in hidden {
            assert!(!text.contains(h), "{path} names {h}");
        }
    }
    let red = build(site.path(), Tlp::Red, false);
    let red_files: Vec<String> = osv_files(&red).into_keys().collect();
    assert_eq!(
        red_files,
        [
            "osv/index.json",
            "osv/x_INC-2026-0001.json",
            "osv/x_INC-2026-0002.json"
        ]
    );
    let record = &osv_files(&red)["osv/x_INC-2026-0002.json"];
    assert_eq!(record["database_specific"]["tlp"], "TLP:RED");
    // Drafts and embargoed documents only in a --drafts preview.
    let drafts = build(site.path(), Tlp::Clear, true);
    assert_eq!(osv_files(&drafts).len(), 4);
}
