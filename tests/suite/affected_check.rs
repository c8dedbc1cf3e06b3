//! The "am I affected?" checker's build side: `affected/` and
//! `affected/packages.json` exist only when a published incident names a
//! package, hold only published incidents, carry the base path and are a
//! folder no file may take; incident pages that name a package carry their
//! OSV entries for the version box, and every other page is as it was.

use crate::common;

use seckb::content::Tlp;
use seckb::diagnostics::Code;
use seckb::{BuildOptions, Built};
use serde_json::{json, Value};
use std::path::Path;

fn options(root: &Path, tlp: Tlp) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        tlp: Some(tlp),
        now: Some(common::NOW.parse().expect("clock")),
        ..BuildOptions::default()
    }
}

fn build(root: &Path, tlp: Tlp) -> Built {
    match seckb::build(&options(root, tlp)) {
        Ok(built) => built,
        Err(failed) => panic!("build failed: {:#?}", failed.diagnostics),
    }
}

fn text(built: &Built, path: &str) -> String {
    let content = built
        .output
        .get(path)
        .unwrap_or_else(|| panic!("{path} is not built"));
    content.text().expect("generated text").into_owned()
}

/// A site in a temporary folder from (path, text) pairs.
fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

const CONFIG: &str = "title: Check\nbase_url: https://example.org/kb/\n";

fn incident(title: &str, front: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2026-01-01\nstatus: resolved\nseverity: high\n{front}---\nBody.\n")
}

const PACKAGE: &str = "id: INC-2026-0001\naffected:\n  - vendor: Acme\n    product: Acme Gateway\n    versions: \">= 4.8.0, < 4.12.3\"\n  - ecosystem: crates.io\n    name: acme-cli\n    versions: \">= 0.9.0, < 1.2.1\"\n";

#[test]
fn the_checker_holds_the_published_incidents_that_name_a_package() {
    let dir = common::fixture("leaks");
    let clear = build(&dir, Tlp::Clear);
    let data: Value = serde_json::from_str(&text(&clear, "affected/packages.json")).expect("JSON");
    assert_eq!(
        data,
        json!({
            "version": 1,
            "incidents": [{
                "id": "INC-2026-0001",
                "title": "A public incident",
                "url": "/kb/incidents/public/",
                "severity": "high",
                "status": "resolved",
                "affected": [{
                    "package": { "ecosystem": "npm", "name": "public-widget" },
                    "ranges": [{ "type": "SEMVER", "events": [{ "introduced": "0" }, { "fixed": "1.0.1" }] }]
                }]
            }]
        })
    );
    // The page is a page of the build, in the sitemap, and goes through
    // the output like every file (so the leak property covers both).
    let page = text(&clear, "affected/index.html");
    assert!(
        page.contains("data-index=\"/kb/affected/packages.json\""),
        "{page}"
    );
    assert!(
        page.contains("the 1 published incident that names a package (npm)"),
        "{page}"
    );
    assert!(text(&clear, "sitemap.xml").contains("<loc>https://example.org/kb/affected/</loc>"));
    for word in ["red-only-package", "draft-only-crate", "embargoed"] {
        for path in ["affected/packages.json", "affected/index.html"] {
            assert!(!text(&clear, path).contains(word), "{path} names {word}");
        }
    }
    // An internal build lists what it publishes, no more.
    let red = build(&dir, Tlp::Red);
    let data: Value = serde_json::from_str(&text(&red, "affected/packages.json")).expect("JSON");
    let ids: Vec<&str> = data["incidents"]
        .as_array()
        .expect("incidents")
        .iter()
        .map(|i| i["title"].as_str().expect("title"))
        .collect();
    assert_eq!(ids, ["Red evidence incident", "A public incident"]);
}

#[test]
fn a_site_without_packages_has_no_checker_and_unchanged_pages() {
    let dir = site(&[
        ("seckb.yaml", CONFIG),
        (
            "content/incidents/2026-01-01-a.md",
            &incident("A", "affected:\n  - vendor: Acme\n    product: Gateway\n    versions: \">= 1.0, < 2.0\"\n"),
        ),
    ]);
    let built = build(dir.path(), Tlp::Clear);
    let generated: Vec<&String> = built
        .output
        .files()
        .map(|(path, _)| path)
        .filter(|path| path.starts_with("affected/"))
        .collect();
    assert!(generated.is_empty(), "{generated:?}");
    assert!(!text(&built, "sitemap.xml").contains("/affected/"));
    let page = text(&built, "incidents/a/index.html");
    for absent in [
        "data-osv",
        "data-versions",
        "version-check",
        "affected.js",
        "/kb/affected/",
    ] {
        assert!(
            !page.contains(absent),
            "{absent} in a page without packages"
        );
    }
}

/// `&quot;` and the other entities of an attribute value, decoded.
fn unescape(attribute: &str) -> String {
    attribute
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The values of attribute `name` in `html`, decoded.
fn attributes(html: &str, name: &str) -> Vec<String> {
    let marker = format!(" {name}=\"");
    html.split(&marker)
        .skip(1)
        .map(|rest| unescape(rest.split('"').next().unwrap_or_default()))
        .collect()
}

#[test]
fn an_incident_page_that_names_a_package_carries_the_version_box_and_its_data() {
    let dir = site(&[
        ("seckb.yaml", CONFIG),
        ("content/incidents/2026-01-01-a.md", &incident("A", PACKAGE)),
    ]);
    let built = build(dir.path(), Tlp::Clear);
    let page = text(&built, "incidents/a/index.html");
    let osv: Vec<Value> = attributes(&page, "data-osv")
        .iter()
        .map(|a| serde_json::from_str(a).expect("JSON"))
        .collect();
    assert_eq!(
        osv,
        [json!({
            "package": { "ecosystem": "crates.io", "name": "acme-cli" },
            "ranges": [{ "type": "SEMVER", "events": [{ "introduced": "0.9.0" }, { "fixed": "1.2.1" }] }]
        })]
    );
    assert_eq!(attributes(&page, "data-versions"), [">= 4.8.0, < 4.12.3"]);
    assert!(page.contains("<script src=\"/kb/affected.js\" defer></script>"));
    assert!(page.contains("<form class=\"version-check\" id=\"version-check\" hidden>"));
    assert!(page.contains("<a href=\"/kb/affected/\">Check a lock file against every incident</a>"));
    let checker = text(&built, "affected/index.html");
    assert!(checker.contains("data-index=\"/kb/affected/packages.json\""));
    assert!(checker.contains("<link rel=\"canonical\" href=\"https://example.org/kb/affected/\">"));
    assert!(built.output.contains("affected.js"));
}

#[test]
fn hostile_package_names_stay_inside_their_attribute() {
    let built = build(&common::fixture("xss"), Tlp::Clear);
    let page = built
        .output
        .files()
        .filter_map(|(_, c)| c.text())
        .find(|t| t.contains("data-osv="))
        .expect("the hostile incident names a package")
        .into_owned();
    let raw = page.split(" data-osv=\"").nth(1).expect("attribute");
    let raw = &raw[..raw.find('"').expect("closing quote")];
    assert!(!raw.contains(['<', '>', '\'']), "{raw}");
    let osv: Value = serde_json::from_str(&unescape(raw)).expect("JSON");
    assert_eq!(
        osv["package"]["name"],
        "\"><script>alert('package')</script>"
    );
    let data: Value = serde_json::from_str(&text(&built, "affected/packages.json")).expect("JSON");
    let names: Vec<&Value> = data["incidents"]
        .as_array()
        .expect("incidents")
        .iter()
        .flat_map(|i| i["affected"].as_array().expect("affected"))
        .map(|a| &a["package"]["name"])
        .collect();
    assert!(names.contains(&&osv["package"]["name"]), "{names:?}");
}

#[test]
fn nothing_else_may_take_the_checkers_folder() {
    let dir = site(&[
        ("seckb.yaml", CONFIG),
        ("content/incidents/2026-01-01-a.md", &incident("A", "")),
        ("content/affected/_index.md", "---\ntitle: Mine\n---\n"),
        ("content/affected/page.md", "---\ntitle: Page\n---\nText.\n"),
        ("static/affected/packages.json", "{}"),
    ]);
    let failed = seckb::build(&options(dir.path(), Tlp::Clear)).expect_err("refused");
    let mut refused: Vec<(Code, String)> = failed
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let at = d.location.as_ref().expect("located");
            (d.code, at.file.to_string_lossy().into_owned())
        })
        .collect();
    refused.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        refused,
        [
            (Code::UrlCollision, "content/affected/_index.md".to_string()),
            (Code::UrlCollision, "content/affected/page.md".to_string()),
            (
                Code::UrlCollision,
                "static/affected/packages.json".to_string()
            ),
        ],
        "{:#?}",
        failed.diagnostics
    );
}

#[test]
fn a_theme_without_the_checker_template_is_an_error_only_when_needed() {
    let theme = |dir: &Path| {
        common::copy_dir(
            &common::repo().join("themes/default"),
            &dir.join("themes/mine"),
        );
        std::fs::remove_file(dir.join("themes/mine/templates/affected.html")).expect("remove");
    };
    let config = format!("{CONFIG}theme: mine\n");
    let plain = site(&[
        ("seckb.yaml", &config),
        ("content/incidents/2026-01-01-a.md", &incident("A", "")),
    ]);
    theme(plain.path());
    build(plain.path(), Tlp::Clear);
    let packaged = site(&[
        ("seckb.yaml", &config),
        ("content/incidents/2026-01-01-a.md", &incident("A", PACKAGE)),
    ]);
    theme(packaged.path());
    let failed = seckb::build(&options(packaged.path(), Tlp::Clear)).expect_err("no template");
    let errors: Vec<_> = failed.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].code, Code::Template);
    assert!(
        errors[0]
            .message
            .starts_with("the theme has no `affected.html` template"),
        "{}",
        errors[0].message
    );
    let at = errors[0].location.as_ref().expect("located");
    assert_eq!(at.file, Path::new("themes/mine/templates"));
    assert!(errors[0]
        .help
        .as_deref()
        .unwrap_or_default()
        .contains("add templates/affected.html"));
}
