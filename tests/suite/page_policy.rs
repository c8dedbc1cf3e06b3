//! What every page tells browsers, crawlers and aggregators: one
//! Content-Security-Policy on every HTML page seckb makes, and for builds
//! that are not the published site (`--drafts`, serve's preview) robots.txt
//! `Disallow: /`, `noindex` on every page and no CSAF aggregator listing.

use crate::common::*;
use seckb::content::Tlp;
use std::collections::BTreeMap;
use std::path::Path;

/// Builds the site at `root` in memory; returns every generated text file.
fn build(root: &Path, drafts: bool, preview: bool, tlp: Option<Tlp>) -> BTreeMap<String, String> {
    let options = seckb::BuildOptions {
        drafts,
        preview,
        tlp,
        ..options(root)
    };
    let built = seckb::build(&options).unwrap_or_else(|failed| {
        panic!(
            "{} does not build: {:#?}",
            root.display(),
            failed.diagnostics
        )
    });
    built
        .output
        .files()
        .filter_map(|(path, content)| Some((path.clone(), content.text()?.into_owned())))
        .collect()
}

fn html_pages(files: &BTreeMap<String, String>) -> Vec<(&String, &String)> {
    files.iter().filter(|(p, _)| p.ends_with(".html")).collect()
}

/// The values of `attribute` of the elements `selector` matches.
fn attributes(html: &str, selector: &str, attribute: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).expect("selector");
    doc.select(&selector)
        .filter_map(|e| e.value().attr(attribute))
        .map(str::to_string)
        .collect()
}

fn policies(html: &str) -> Vec<String> {
    attributes(
        html,
        "head meta[http-equiv=\"Content-Security-Policy\"]",
        "content",
    )
}

fn is_noindex(html: &str) -> bool {
    attributes(html, "head meta[name=\"robots\"]", "content")
        .iter()
        .any(|c| c.split(',').any(|v| v.trim() == "noindex"))
}

#[test]
fn every_html_page_carries_the_same_content_security_policy() {
    // The demo site with everything in it (drafts, every TLP, aliases, CSAF
    // listings), as built and as serve previews it.
    let builds = [
        build(&repo(), true, false, Some(Tlp::Red)),
        build(&repo(), true, true, Some(Tlp::Red)),
        build(&repo(), false, false, None),
    ];
    let home = policies(&builds[2]["index.html"]);
    assert_eq!(home.len(), 1, "{home:?}");
    let policy = &home[0];
    for rule in [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
    ] {
        assert!(policy.contains(rule), "{policy}");
    }
    assert!(!policy.contains("unsafe"), "{policy}");
    for files in &builds {
        let pages = html_pages(files);
        for (path, html) in &pages {
            assert_eq!(policies(html), std::slice::from_ref(policy), "{path}");
        }
        // Every kind of page that is not rendered through base.html is there.
        let redirects = pages
            .iter()
            .filter(|(_, html)| html.contains("http-equiv=\"refresh\""))
            .count();
        assert!(redirects > 0, "no alias redirect page");
        for path in [
            "404.html",
            "search/index.html",
            ".well-known/csaf/index.html",
        ] {
            assert!(files.contains_key(path), "{path}");
        }
    }
}

/// The exports fixture (drafts, an embargo, CSAF) with aggregator listing
/// and mirroring switched on in its configuration.
fn aggregated_site() -> Site {
    let site = Site::fixture("exports");
    // `csaf:` is the configuration's last block.
    let text =
        site.read("seckb.yaml") + "  list_on_aggregators: true\n  mirror_on_aggregators: true\n";
    site.file("seckb.yaml", text);
    site
}

fn aggregator_flags(files: &BTreeMap<String, String>) -> (bool, bool) {
    let metadata: serde_json::Value =
        serde_json::from_str(&files[".well-known/csaf/provider-metadata.json"]).expect("json");
    (
        metadata["list_on_CSAF_aggregators"]
            .as_bool()
            .expect("list"),
        metadata["mirror_on_CSAF_aggregators"]
            .as_bool()
            .expect("mirror"),
    )
}

#[test]
fn previews_keep_crawlers_and_aggregators_out() {
    let site = aggregated_site();
    // `--drafts` (which alone shows embargoed documents early), and serve's
    // preview with and without it.
    for (drafts, preview) in [(true, false), (false, true), (true, true)] {
        let files = build(site.root(), drafts, preview, None);
        let what = format!("drafts {drafts}, preview {preview}");
        let robots = &files["robots.txt"];
        assert!(robots.contains("\nDisallow: /\n"), "{what}: {robots}");
        assert!(!robots.contains("Allow: /\n"), "{what}: {robots}");
        let pages = html_pages(&files);
        assert!(pages.len() > 10, "{what}");
        for (path, html) in pages {
            assert!(is_noindex(html), "{what}: {path} has no noindex");
        }
        assert_eq!(aggregator_flags(&files), (false, false), "{what}");
    }
    // The drafts build did show the draft and the embargoed incident.
    let drafts = build(site.root(), true, false, None);
    assert!(drafts.contains_key("incidents/draft-oauth/index.html"));
    assert!(drafts.contains_key("incidents/embargoed-flaw/index.html"));
}

#[test]
fn the_published_site_stays_indexable_and_listed() {
    let site = aggregated_site();
    let files = build(site.root(), false, false, None);
    assert!(files["robots.txt"].contains("\nAllow: /\n"));
    assert!(!files["robots.txt"].contains("Disallow"));
    assert_eq!(aggregator_flags(&files), (true, true));
    // Only the pages that are never indexed say so: 404 and redirects.
    for (path, html) in html_pages(&files) {
        let expected = path == "404.html" || html.contains("http-equiv=\"refresh\"");
        assert_eq!(is_noindex(html), expected, "{path}");
    }
    assert!(!files.contains_key("incidents/draft-oauth/index.html"));

    // The default without configuration: listed when the site is TLP:CLEAR.
    let files = build(&fixture("exports"), false, false, None);
    assert_eq!(aggregator_flags(&files), (true, true));
    let internal = build(&fixture("exports"), false, false, Some(Tlp::Amber));
    assert_eq!(aggregator_flags(&internal), (false, false));
    assert!(internal["robots.txt"].contains("\nDisallow: /\n"));
    for (path, html) in html_pages(&internal) {
        assert!(is_noindex(html), "{path} of an internal build");
    }
}
