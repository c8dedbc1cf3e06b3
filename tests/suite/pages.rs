//! Paginated lists: every entry exactly once across a list's pages, in
//! order; stable page URLs (no `page/1/`); prev/next; the sitemap; the JSON
//! chunks of the incident list holding exactly its entries; the base path;
//! `pagination.per_page` validated at its value. Fixture: tests/fixtures/pages
//! (3 entries a page, 13 published incidents, one TLP:GREEN left out).

use crate::common::*;
use seckb::BuildOptions;

/// The text of output file `path`, which must exist.
fn text(built: &seckb::Built, path: &str) -> String {
    let content = built
        .output
        .get(path)
        .unwrap_or_else(|| panic!("{path} is not in the output"));
    content.text().expect("generated text").into_owned()
}

/// The page files of the list at site path `list`, in page order, until
/// the page that has no `rel="next"`.
fn pages_of(built: &seckb::Built, list: &str) -> Vec<String> {
    let mut pages = Vec::new();
    let mut number = 1;
    loop {
        let path = if number == 1 {
            format!("{list}index.html")
        } else {
            format!("{list}page/{number}/index.html")
        };
        let html = text(built, &path);
        let has_next = html.contains("<link rel=\"next\"");
        pages.push(html);
        if !has_next {
            return pages;
        }
        number += 1;
    }
}

/// The URLs of the entries of a list page, in order: the title link of
/// each incident row (`cell-title`) or summary (`summary-title`).
fn entries(html: &str) -> Vec<String> {
    html.split("class=\"cell-title\"><a href=\"")
        .skip(1)
        .chain(html.split("class=\"summary-title\"><a href=\"").skip(1))
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn every_entry_appears_once_across_the_pages_in_list_order() {
    let root = fixture("pages");
    let built = build_in_memory(&root).unwrap();
    let site = &built.site;
    let mut lists: Vec<(String, &[usize])> = site
        .lists
        .iter()
        .map(|l| (l.path.clone(), l.pages.as_slice()))
        .collect();
    for tax in &site.taxonomies {
        lists.extend(
            tax.terms
                .iter()
                .map(|t| (tax.term_path(t), t.pages.as_slice())),
        );
    }
    assert!(lists.iter().any(|(path, _)| path == "tags/pagetag/"));
    for (path, indices) in lists {
        let pages = pages_of(&built, &path);
        let want: Vec<String> = indices.iter().map(|&i| site.pages[i].url.clone()).collect();
        let got: Vec<String> = pages.iter().flat_map(|p| entries(p)).collect();
        assert_eq!(got, want, "{path}");
        assert_eq!(pages.len(), want.len().div_ceil(3).max(1), "{path}");
        assert!(pages.iter().all(|p| entries(p).len() <= 3), "{path}");
    }
    assert!(!built.output.contains("incidents/page/1/index.html"));
    assert!(!built.output.contains("tags/pagetag/page/1/index.html"));
}

#[test]
fn pages_link_their_neighbours_and_say_where_they_are() {
    let built = build_in_memory(&fixture("pages")).unwrap();
    let first = text(&built, "incidents/index.html");
    assert!(!first.contains("rel=\"prev\""));
    assert!(first.contains("<link rel=\"next\" href=\"/incidents/page/2/\">"));
    assert!(first.contains("<title>Incidents · Pagination fixture</title>"));
    let second = text(&built, "incidents/page/2/index.html");
    assert!(second.contains("<link rel=\"prev\" href=\"/incidents/\">"));
    assert!(second.contains("<link rel=\"next\" href=\"/incidents/page/3/\">"));
    assert!(second.contains("<title>Incidents – page 2 of 5 · Pagination fixture</title>"));
    assert!(second.contains("aria-label=\"Pages of this list\""));
    assert!(
        second.contains("href=\"/incidents/page/2/\" aria-label=\"Page 2\" aria-current=\"page\"")
    );
    assert!(
        second.contains("<link rel=\"canonical\" href=\"https://example.org/incidents/page/2/\">")
    );
    let last = text(&built, "incidents/page/5/index.html");
    assert!(!last.contains("rel=\"next\""));
    assert!(!built.output.contains("incidents/page/6/index.html"));
    // The caption counts the whole list, not the page.
    assert!(last.contains("13 incidents"));
}

#[test]
fn the_sitemap_lists_every_page_of_every_list() {
    let built = build_in_memory(&fixture("pages")).unwrap();
    let sitemap = text(&built, "sitemap.xml");
    for path in built.output.files().map(|(p, _)| p) {
        if let Some(page) = path.strip_suffix("index.html") {
            if page.contains("page/") {
                let loc = format!("<loc>https://example.org/{page}</loc>");
                assert!(sitemap.contains(&loc), "{loc} is not in the sitemap");
            }
        }
    }
    assert!(sitemap.contains("<loc>https://example.org/incidents/page/5/</loc>"));
    assert!(!sitemap.contains("page/1/"));
}

#[test]
fn the_chunks_hold_exactly_the_incident_list_in_order() {
    let root = fixture("pages");
    for tlp in [None, Some("green")] {
        let options = BuildOptions {
            tlp: tlp.map(|t| t.parse().unwrap()),
            ..options(&root)
        };
        let built = seckb::build(&options).unwrap();
        let site = &built.site;
        let list = site.lists.iter().find(|l| l.path == "incidents/").unwrap();
        let manifest: serde_json::Value =
            serde_json::from_str(&text(&built, "incidents/list.json")).unwrap();
        assert_eq!(manifest["total"], list.pages.len());
        let mut paths = Vec::new();
        for n in 0..manifest["chunks"].as_u64().unwrap() {
            let chunk: Vec<serde_json::Value> =
                serde_json::from_str(&text(&built, &format!("incidents/list-{n}.json"))).unwrap();
            paths.extend(chunk.iter().map(|e| e[0].as_str().unwrap().to_string()));
        }
        let want: Vec<String> = list
            .pages
            .iter()
            .map(|&i| site.pages[i].doc.path.clone())
            .collect();
        assert_eq!(paths, want);
        // incident-05 is TLP:GREEN: only in the build that publishes it.
        assert_eq!(
            paths.iter().any(|p| p == "incidents/incident-05/"),
            tlp.is_some()
        );
        // FAQs have no chunks.
        assert!(!built.output.contains("faq/list.json"));
    }
}

#[test]
fn pages_and_chunks_work_under_a_base_path() {
    let options = BuildOptions {
        base_url: Some("https://example.org/kb/".into()),
        ..options(&fixture("pages"))
    };
    let built = seckb::build(&options).unwrap();
    let second = text(&built, "incidents/page/2/index.html");
    assert!(second.contains("<link rel=\"prev\" href=\"/kb/incidents/\">"));
    assert!(second.contains("data-list=\"/kb/incidents/list.json\" data-base=\"/kb/\""));
    let term = text(&built, "tags/pagetag/page/2/index.html");
    assert!(term.contains("href=\"/kb/tags/pagetag/page/3/\""));
    // Chunk paths are site paths: the script puts the base path before them.
    let chunk = text(&built, "incidents/list-0.json");
    assert!(chunk.starts_with("[[\"incidents/"));
    let sitemap = text(&built, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/kb/incidents/page/2/</loc>"));
}

#[test]
fn a_bad_per_page_is_an_error_at_its_value() {
    // Out of range: at the value. Not a whole number at all: at
    // `pagination:`, where the YAML layer reports a mistyped section (as
    // for `limits:`).
    for (value, column) in [
        ("0", Some(13)),
        ("501", Some(13)),
        ("-3", None),
        ("many", None),
    ] {
        let site = Site::new();
        let config = site.read("seckb.yaml");
        site.file(
            "seckb.yaml",
            format!("{config}pagination:\n  per_page: {value}\n"),
        );
        let line = config.lines().count() + 1;
        let at = match column {
            Some(column) => diag("E0002", "seckb.yaml", line + 1, column),
            None => diag("E0002", "seckb.yaml", line, 1),
        };
        site.build_fails_with(&[at]);
    }
}

#[test]
fn a_document_cannot_take_the_folder_of_a_lists_later_pages() {
    let site = Site::new();
    let incident = |front: &str| {
        format!(
            "---\ntitle: T\ndate: 2026-01-01\nseverity: low\nstatus: resolved\n{front}---\nBody.\n"
        )
    };
    site.file("content/incidents/a.md", incident(""));
    site.file("content/incidents/b.md", incident("slug: page\n"));
    let failed = site.build_fails_with(&[diag("E0201", "content/incidents/b.md", 6, 7)]);
    assert!(
        human(&failed).contains("/incidents/page/"),
        "{}",
        human(&failed)
    );
}

#[test]
fn the_home_page_shows_a_page_of_open_incidents_and_counts_all() {
    let built = build_in_memory(&fixture("pages")).unwrap();
    let site = &built.site;
    let open = site
        .pages
        .iter()
        .filter_map(|p| p.doc.kind.incident())
        .filter(|i| i.status != seckb::content::Status::Resolved)
        .count();
    assert!(open > 3, "the fixture has more open incidents than a page");
    let home = text(&built, "index.html");
    let cards = home.matches("<li class=\"card ").count();
    assert_eq!(cards, 3, "{home}");
    assert!(home.contains(&format!(
        "The 3 most severe of {open} open incidents are shown."
    )));
}

#[test]
fn a_sites_own_list_templates_get_the_same_pages_and_paginator() {
    let site = Site::new();
    let config = site.read("seckb.yaml");
    site.file(
        "seckb.yaml",
        format!("{config}pagination:\n  per_page: 1\n"),
    );
    for (name, date) in [("a", "2026-01-02"), ("b", "2026-01-01")] {
        site.file(
            &format!("content/incidents/{name}.md"),
            format!("---\ntitle: Incident {name}\ndate: {date}\nseverity: low\nstatus: resolved\ntags: [x]\n---\nBody.\n"),
        );
    }
    let list = "{% for p in LIST.pages %}[{{ p.title }}]{% endfor %} {{ paginator.number }}/{{ paginator.count }} of {{ LIST.total }} next={{ paginator.next }}";
    site.file("templates/section.html", list.replace("LIST", "section"));
    site.file("templates/term.html", list.replace("LIST", "term"));
    let built = seckb::build(&site.options()).unwrap();
    assert_eq!(
        text(&built, "incidents/index.html"),
        "[Incident a] 1/2 of 2 next=/incidents/page/2/"
    );
    assert_eq!(
        text(&built, "incidents/page/2/index.html"),
        "[Incident b] 2/2 of 2 next="
    );
    assert_eq!(
        text(&built, "tags/x/page/2/index.html"),
        "[Incident b] 2/2 of 2 next="
    );
}
