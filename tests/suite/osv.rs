//! OSV: the records a build exports (`osv/<ID>.json`, `osv/index.json`)
//! against the OSV 1.7.5 JSON Schema (../shared/standards/), only for
//! published incidents; and `seckb import osv` (see the import tests below).

use crate::common;

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
        .filter(|(_, _, i)| seckb::osv::has_record(i))
        .map(|(_, p, i)| format!("osv/{}", seckb::osv::file_name(&seckb::osv::osv_id(p, i))))
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

/// A site with no content yet, for imports: TLP:GREEN is published, as
/// one fixture record is labelled so.
fn empty_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("seckb.yaml"),
        "title: Imported\nbase_url: https://kb.example/\npublish_tlp: green\n",
    )
    .expect("config");
    std::fs::create_dir_all(dir.path().join("content/incidents")).expect("mkdir");
    dir
}

fn import(root: &Path, paths: &[PathBuf], force: bool) -> seckb::osv::import::Report {
    let mut found = seckb::diagnostics::Diagnostics::new();
    let config = seckb::pipeline::load_config(
        &BuildOptions {
            root: root.to_path_buf(),
            ..BuildOptions::default()
        },
        &mut found,
    )
    .expect("config");
    seckb::osv::import::run(root, &config, paths, force).expect("paths exist")
}

fn instant(v: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    v.as_str()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&chrono::Utc))
}

fn sorted_strings(v: &Value) -> Vec<String> {
    let mut list: Vec<String> = v
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    list.sort();
    list
}

/// An `affected` entry without what seckb does not model.
fn modelled_affected(v: &Value) -> Value {
    let mut entry = serde_json::json!({ "package": v["package"] });
    for key in ["ranges", "versions"] {
        if v[key].as_array().is_some_and(|a| !a.is_empty()) {
            entry[key] = v[key].clone();
        }
    }
    entry
}

/// The exported record `out` holds every field seckb models of the imported
/// `input` as it came: id, summary, details, dates, aliases, severity,
/// affected packages, references (after the site's own page) and the
/// database-specific severity, status and TLP.
fn assert_exported_as_imported(out: &Value, input: &Value, name: &str) {
    assert_eq!(out["id"], input["id"], "{name}");
    assert_eq!(out["summary"], input["summary"], "{name}");
    assert_eq!(
        out["details"].as_str().map(str::trim),
        input["details"].as_str().map(str::trim),
        "{name}"
    );
    assert_eq!(
        instant(&out["published"]),
        instant(&input["published"]),
        "{name}"
    );
    assert_eq!(
        instant(&out["modified"]),
        instant(&input["modified"]),
        "{name}"
    );
    assert_eq!(
        sorted_strings(&out["aliases"]),
        sorted_strings(&input["aliases"]),
        "{name}"
    );
    assert_eq!(out["severity"], input["severity"], "{name}");
    let affected = |v: &Value| -> Vec<Value> {
        v.as_array()
            .map(|a| a.iter().map(modelled_affected).collect())
            .unwrap_or_default()
    };
    assert_eq!(
        affected(&out["affected"]),
        affected(&input["affected"]),
        "{name}"
    );
    // The site's own page comes first; then the record's references.
    let refs = out["references"].as_array().unwrap();
    assert_eq!(refs[0]["type"], "ADVISORY");
    assert_eq!(
        Value::Array(refs[1..].to_vec()),
        input["references"],
        "{name}"
    );
    let specific = &input["database_specific"];
    for key in ["severity", "status", "tlp"] {
        if let Some(given) = specific[key].as_str() {
            let given = given.to_ascii_lowercase().replace("moderate", "medium");
            let exported = out["database_specific"][key]
                .as_str()
                .unwrap()
                .to_ascii_lowercase();
            assert_eq!(exported, given, "{name}: database_specific.{key}");
        }
    }
}

/// Adds the range types and event kinds of `input`'s affected ranges to
/// `types`.
fn range_types(input: &Value, types: &mut std::collections::BTreeSet<String>) {
    for a in input["affected"].as_array().unwrap() {
        for r in a["ranges"].as_array().into_iter().flatten() {
            types.insert(r["type"].as_str().unwrap().to_string());
            for e in r["events"].as_array().unwrap() {
                types.insert(e.as_object().unwrap().keys().next().unwrap().clone());
            }
        }
    }
}

#[test]
fn imported_records_build_and_export_as_they_came_on_every_modelled_field() {
    let site = empty_site();
    let records = common::fixture("osv/records");
    let report = import(site.path(), std::slice::from_ref(&records), false);
    let failed: Vec<&seckb::diagnostics::Diagnostic> =
        report.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(report.written.len(), 8);
    let built = build(site.path(), Tlp::Green, false);
    assert!(
        built.warnings.iter().all(|d| !d.is_error()),
        "{:#?}",
        built.warnings
    );
    let files = osv_files(&built);
    let validator = validator();
    let mut types = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&records).expect("records") {
        let path = entry.expect("entry").path();
        let input: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let id = input["id"].as_str().unwrap();
        let out = &files[&format!("osv/{}", seckb::osv::file_name(id))];
        assert_eq!(errors(&validator, out), Vec::<String>::new(), "{id}");
        assert_exported_as_imported(out, &input, &path.display().to_string());
        range_types(&input, &mut types);
    }
    // The fixtures cover every range type and event.
    let covered: Vec<&str> = types.iter().map(String::as_str).collect();
    assert_eq!(
        covered,
        [
            "ECOSYSTEM",
            "GIT",
            "SEMVER",
            "fixed",
            "introduced",
            "last_affected",
            "limit"
        ]
    );
}

#[test]
fn an_import_writes_what_converts_and_reports_the_rest_by_file() {
    let site = empty_site();
    let existing = site
        .path()
        .join("content/incidents/2025-05-10-old-rustsec.md");
    let old = "---\ntitle: Kept\nid: RUSTSEC-2025-0042\ndate: 2025-05-10\nseverity: low\nstatus: resolved\n---\nOld text.\n";
    std::fs::write(&existing, old).unwrap();
    let mixed = common::fixture("osv/mixed");
    let r = common::seckb(site.path(), &["import", "osv", mixed.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1), "{}", common::stderr(&r));
    let err = common::stderr(&r);
    // The malformed file at its line and column, the unconvertible one with
    // its reason, the withdrawn one as a note, the existing file refused.
    assert!(
        err.contains("error[E0008]: not JSON: EOF while parsing an object"),
        "{err}"
    );
    assert!(err.contains("malformed.json:5:1"), "{err}");
    assert!(
        err.contains(
            "GHSA-uuuu-uuuu-uuuu cannot be converted: `affected[0]`: unknown ecosystem `Cargo`"
        ),
        "{err}"
    );
    assert!(err.contains("unknown-ecosystem.json"), "{err}");
    assert!(
        err.contains("note[N0101]: GHSA-wwww-wwww-wwww was withdrawn"),
        "{err}"
    );
    assert!(err.contains("error[E0006]: RUSTSEC-2025-0042 is already content/incidents/2025-05-10-old-rustsec.md: not replaced"), "{err}");
    assert!(err.contains("Imported 1 record(s)"), "{err}");
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), old);
    let mut files: Vec<String> = std::fs::read_dir(site.path().join("content/incidents"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["2025-01-14-go-2025-3301.md", "2025-05-10-old-rustsec.md"]
    );
    // The site builds, and --force replaces the existing file in place.
    build(site.path(), Tlp::Clear, false);
    let r = common::seckb(
        site.path(),
        &["import", "osv", "--force", mixed.to_str().unwrap()],
    );
    assert_eq!(r.status.code(), Some(1), "{}", common::stderr(&r));
    let replaced = std::fs::read_to_string(&existing).unwrap();
    assert!(
        replaced.contains("title: \"Out-of-bounds read in acme-parse on truncated input\""),
        "{replaced}"
    );
    let built = build(site.path(), Tlp::Clear, false);
    assert_eq!(osv_files(&built).len(), 3);
    // A path that does not exist is a usage error, and nothing is written.
    let fresh = empty_site();
    let good = mixed.join("good.json");
    let r = common::seckb(
        fresh.path(),
        &["import", "osv", good.to_str().unwrap(), "no-such-folder"],
    );
    assert_eq!(r.status.code(), Some(2), "{}", common::stderr(&r));
    assert_eq!(
        std::fs::read_dir(fresh.path().join("content/incidents"))
            .unwrap()
            .count(),
        0
    );
    // Every record converts: exit 0.
    let r = common::seckb(fresh.path(), &["import", "osv", good.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(0), "{}", common::stderr(&r));
}

#[test]
fn a_file_copied_into_osv_is_refused_as_if_seckb_had_made_it() {
    let site = empty_site();
    std::fs::create_dir_all(site.path().join("static/osv")).unwrap();
    std::fs::write(
        site.path().join("static/osv/GHSA-fake-fake-fake.json"),
        "{}",
    )
    .unwrap();
    let options = BuildOptions {
        root: site.path().to_path_buf(),
        now: Some(common::NOW.parse().expect("NOW")),
        ..BuildOptions::default()
    };
    let failed = seckb::build(&options).expect_err("the build fails");
    let found: Vec<(&str, String)> = failed
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code.id().0, d.message.clone()))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "E0201");
    assert!(found[0].1.contains("inside `osv/`"), "{}", found[0].1);
}
