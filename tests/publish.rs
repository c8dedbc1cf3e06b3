//! Publishing: link checking with every output format of `seckb check`.

mod common;

use common::*;

/// Each mistake of tests/fixtures/broken-links, one GitHub annotation each:
/// the source (file, line, column) and the target it names.
const BROKEN_LINKS_GITHUB: &str = "\
::error file=content/guides/raw-html.md,line=6,col=17,title=E0300 broken-link::broken link `../nowhere/`: no such page or file in the output%0Ahelp: this link is raw HTML in the document: fix its URL, or add the page it points to
::error file=content/guides/site-path.md,line=4,col=5,title=E0300 broken-link::broken link `/kb/archive/2019/`: no such page or file in the output%0Ahelp: links between documents are relative .md paths; anchors come from headings (lower-case, words joined by `-`)
::error file=content/incidents/2026-01-01-missing-page.md,line=7,col=6,title=E0300 broken-link::link to `../guides/gone.md`: no such document%0Ahelp: links between documents are paths relative to this file, such as ../faq/api-keys.md
::error file=content/incidents/2026-01-02-missing-anchor.md,line=9,col=5,title=E0301 broken-anchor::broken anchor `/kb/guides/target/#no-such-heading`: /guides/target/index.html has no element with id `no-such-heading`%0Ahelp: links between documents are relative .md paths; anchors come from headings (lower-case, words joined by `-`)
::error file=content/incidents/2026-01-03-bad-references.md,line=8,col=10,title=E0302 invalid-url::`javascript:alert(1)` uses the `javascript` scheme; only http and https are allowed%0Ahelp: references must be absolute http:// or https:// URLs
::error file=content/incidents/2026-01-03-bad-references.md,line=9,col=5,title=E0302 invalid-url::`ftp://ftp.example.org/advisory.txt` uses the `ftp` scheme; only http and https are allowed%0Ahelp: references must be absolute http:// or https:// URLs
::error file=content/incidents/2026-01-03-bad-references.md,line=11,col=10,title=E0302 invalid-url::`https://exa mple.org/` is not a valid URL (invalid international domain name)%0Ahelp: references must be absolute http:// or https:// URLs
::error file=content/incidents/_index.md,line=4,col=28,title=E0300 broken-link::broken link `/kb/old-incidents/`: no such page or file in the output%0Ahelp: links between documents are relative .md paths; anchors come from headings (lower-case, words joined by `-`)
::error file=templates/section.html,line=6,col=25,title=E0300 broken-link::broken link `/kb/archive/`: no such page or file in the output (from template `section.html`, on /guides/index.html and 1 other page)%0Ahelp: fix the link in the template, or add the page it points to
";

#[test]
fn every_broken_link_is_one_github_annotation_naming_source_and_target() {
    let result = seckb(&fixture("broken-links"), &["check", "--format", "github"]);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    assert_eq!(stdout(&result), BROKEN_LINKS_GITHUB);
}

#[test]
fn every_broken_link_is_one_json_object_with_file_line_column_and_code() {
    let result = seckb(&fixture("broken-links"), &["check", "--format", "json"]);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    let lines: Vec<serde_json::Value> = stdout(&result)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 9, "{}", stdout(&result));
    // The template link, in full: every field a JSON consumer relies on.
    assert_eq!(
        lines[8],
        serde_json::json!({
            "file": "templates/section.html",
            "line": 6,
            "column": 25,
            "severity": "error",
            "code": "E0300",
            "name": "broken-link",
            "message": "broken link `/kb/archive/`: no such page or file in the output (from template `section.html`, on /guides/index.html and 1 other page)",
            "help": "fix the link in the template, or add the page it points to",
        })
    );
    let summary: Vec<(String, u64, String)> = lines
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("content/guides/raw-html.md", 6, "E0300"),
        ("content/guides/site-path.md", 4, "E0300"),
        ("content/incidents/2026-01-01-missing-page.md", 7, "E0300"),
        ("content/incidents/2026-01-02-missing-anchor.md", 9, "E0301"),
        ("content/incidents/2026-01-03-bad-references.md", 8, "E0302"),
        ("content/incidents/2026-01-03-bad-references.md", 9, "E0302"),
        (
            "content/incidents/2026-01-03-bad-references.md",
            11,
            "E0302",
        ),
        ("content/incidents/_index.md", 4, "E0300"),
        ("templates/section.html", 6, "E0300"),
    ]
    .map(|(f, l, c)| (f.to_string(), l, c.to_string()));
    assert_eq!(summary, expected);
}

#[test]
fn a_build_with_broken_links_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let result = seckb(
        &fixture("broken-links"),
        &["build", "--output", out.to_str().unwrap()],
    );
    assert_eq!(result.status.code(), Some(1));
    let text = stderr(&result);
    assert!(
        text.contains("error[E0301]: broken anchor `/kb/guides/target/#no-such-heading`"),
        "{text}"
    );
    assert!(
        text.contains("  --> templates/section.html:6:25\n"),
        "{text}"
    );
    assert!(text.contains("build failed with 9 error(s)"), "{text}");
    assert!(!out.exists());
}
