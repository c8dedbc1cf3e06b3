//! Nothing unpublished leaks through files: attachments belong to the
//! documents that use them, and a folder without a published document
//! leaves no trace. The property: a build equals, file by file, the build
//! of the same site with its excluded documents deleted.

use crate::common::{copy_demo, copy_dir, fixture, Site};
use seckb::content::Tlp;
use seckb::diagnostics::Code;
use seckb::{BuildOptions, Built};
use std::collections::BTreeMap;
use std::path::Path;

fn options(root: &Path, tlp: Tlp, drafts: bool) -> BuildOptions {
    BuildOptions {
        tlp: Some(tlp),
        drafts,
        ..crate::common::options(root)
    }
}

fn build(root: &Path, tlp: Tlp, drafts: bool) -> Built {
    match seckb::build(&options(root, tlp, drafts)) {
        Ok(built) => built,
        Err(failed) => panic!("build failed: {:#?}", failed.diagnostics),
    }
}

/// Every output file's bytes, by output path.
fn files(built: &Built) -> BTreeMap<String, Vec<u8>> {
    built
        .output
        .files()
        .map(|(path, content)| (path.clone(), content.bytes().expect("read").into_owned()))
        .collect()
}

fn leaks_site() -> Site {
    Site::fixture("leaks")
}

/// Deletes the documents `built` left out (every document file under
/// `content/` that is not a published page or a folder's `_index.md`).
fn delete_excluded(root: &Path, built: &Built) -> Vec<String> {
    let published: Vec<&Path> = built
        .site
        .pages
        .iter()
        .map(|p| p.doc.source.as_path())
        .collect();
    let mut deleted = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("content")) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(root).expect("prefix");
        let is_document =
            rel.extension().is_some_and(|e| e == "md") && entry.file_name() != "_index.md";
        if is_document && !published.contains(&rel) {
            std::fs::remove_file(entry.path()).expect("delete");
            deleted.push(rel.to_string_lossy().into_owned());
        }
    }
    deleted.sort();
    deleted
}

fn assert_same_files(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let only_a: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "files only in the full build: {only_a:?}; only in the deleted one: {only_b:?}"
    );
    for (path, bytes) in a {
        assert!(
            b[path] == *bytes,
            "{path} differs:\n{}\n---\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&b[path])
        );
    }
}

/// The ceilings and drafts settings every property run builds at.
const BUILDS: [(Tlp, bool); 4] = [
    (Tlp::Clear, false),
    (Tlp::Amber, false),
    (Tlp::Red, false),
    (Tlp::Clear, true),
];

/// Checks the property on a copy of the site that `copy` makes, at every
/// ceiling; returns how many documents each build excluded.
fn check_property(copy: impl Fn(&Path)) -> Vec<usize> {
    BUILDS
        .iter()
        .map(|&(tlp, drafts)| {
            let site = tempfile::tempdir().expect("tempdir");
            copy(site.path());
            let full = build(site.path(), tlp, drafts);
            let full_files = files(&full);
            let deleted = delete_excluded(site.path(), &full);
            let reduced = build(site.path(), tlp, drafts);
            assert_same_files(&full_files, &files(&reduced));
            deleted.len()
        })
        .collect()
}

#[test]
fn each_build_equals_the_build_with_its_excluded_documents_deleted() {
    let excluded = check_property(|to| copy_dir(&fixture("leaks"), to));
    assert_eq!(excluded, [5, 4, 2, 3]);
}

#[test]
fn every_fixture_site_keeps_the_property() {
    for name in [
        "tlp", "publish", "exports", "search", "charts", "xss", "serve",
        // Lists of several pages (3 a page) and their JSON chunks.
        "pages",
    ] {
        check_property(|to| copy_dir(&fixture(name), to));
    }
}

#[test]
fn the_demo_keeps_the_property() {
    let excluded = check_property(copy_demo);
    assert!(
        excluded.iter().any(|&n| n > 0),
        "the demo has drafts or restricted documents: {excluded:?}"
    );
}

#[test]
fn a_clear_build_names_no_unpublished_file_or_folder_anywhere() {
    let site = leaks_site();
    let built = build(site.root(), Tlp::Clear, false);
    let out = files(&built);
    for used in [
        "incidents/shared.png",
        "incidents/diagram.svg",
        "incidents/logs/shared-notes.txt",
        "extra.css",
    ] {
        assert!(out.contains_key(used), "{used} is used by a published page");
    }
    let secret_words = [
        "red-evidence",
        "red-log",
        "red-bundle",
        "capture",
        "chart.svg",
        "draft-diagram",
        "embargo-notes",
        "stray-notes",
        "red-team-acquisition",
        "Red team acquisition",
        "org-chart",
        "empty-section",
        "Empty section",
        "red-only-tag",
        "Redvendor",
    ];
    for (path, bytes) in &out {
        let text = String::from_utf8_lossy(bytes);
        for word in secret_words {
            assert!(!path.contains(word), "{path} is published");
            assert!(!text.contains(word), "{path} names `{word}`");
        }
    }
}

#[test]
fn attachments_are_published_with_the_documents_that_use_them() {
    let site = leaks_site();
    let red = files(&build(site.root(), Tlp::Red, false));
    for path in [
        "incidents/red-evidence.png",
        "incidents/logs/red-log.txt",
        "incidents/red-bundle/capture.txt",
        "incidents/red-bundle/figures/chart.svg",
        "red-team-acquisition/org-chart.svg",
        "red-team-acquisition/index.html",
    ] {
        assert!(red.contains_key(path), "{path} belongs in a red build");
    }
    // Still under embargo and a draft: their files stay out.
    assert!(!red.contains_key("incidents/embargo-notes.txt"));
    assert!(!red.contains_key("incidents/draft-diagram.svg"));
    assert!(!red.contains_key("incidents/stray-notes.txt"));
    assert!(!red.contains_key("empty-section/index.html"));
    let drafts = files(&build(site.root(), Tlp::Clear, true));
    assert!(drafts.contains_key("incidents/draft-diagram.svg"));
    assert!(drafts.contains_key("incidents/embargo-notes.txt"));
}

#[test]
fn a_file_no_document_uses_is_a_warning_naming_it() {
    let site = leaks_site();
    let built = build(site.root(), Tlp::Clear, false);
    let unused: Vec<String> = built
        .warnings
        .iter()
        .filter(|d| d.code == Code::UnusedFile)
        .map(|d| {
            d.location
                .as_ref()
                .expect("located")
                .file
                .display()
                .to_string()
        })
        .collect();
    // Files that only unpublished documents use are not unused.
    assert_eq!(unused, ["content/incidents/stray-notes.txt"]);
}

#[test]
fn a_published_page_linking_a_file_of_an_unpublished_bundle_is_an_error() {
    let site = leaks_site();
    let public = site.root().join("content/incidents/2026-01-01-public.md");
    let text = std::fs::read_to_string(&public).expect("read");
    std::fs::write(
        &public,
        format!("{text}\nAlso [the capture](red-bundle/capture.txt).\n"),
    )
    .expect("write");
    let failed = seckb::build(&options(site.root(), Tlp::Clear, false)).expect_err("must fail");
    let errors: Vec<_> = failed.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = errors[0];
    assert_eq!(error.code, Code::LinkToUnpublished);
    assert!(error
        .message
        .contains("content/incidents/red-bundle/capture.txt"));
    assert!(error
        .message
        .contains("content/incidents/red-bundle/index.md"));
    let at = error.location.as_ref().expect("located");
    assert_eq!(at.file, Path::new("content/incidents/2026-01-01-public.md"));
    assert_eq!((at.line, at.column), (19, 6));
}

#[test]
fn an_attachment_in_the_way_of_a_generated_file_is_a_collision() {
    let site = leaks_site();
    let dir = site.root().join("content/incidents");
    std::fs::write(dir.join("atom.xml"), "<feed/>").expect("write");
    let public = dir.join("2026-01-01-public.md");
    let text = std::fs::read_to_string(&public).expect("read");
    std::fs::write(&public, format!("{text}\n[feed](atom.xml)\n")).expect("write");
    let failed = seckb::build(&options(site.root(), Tlp::Clear, false)).expect_err("must fail");
    let collision = failed
        .diagnostics
        .iter()
        .find(|d| d.code == Code::UrlCollision)
        .expect("a collision");
    assert_eq!(
        collision.location.as_ref().expect("located").file,
        Path::new("content/incidents/atom.xml")
    );
}
