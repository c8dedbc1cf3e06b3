//! The foundation: the demo site builds with every link resolving (at `/` and
//! under a base path), bad input is reported precisely without touching the
//! previous output, and builds are reproducible.

use crate::common::*;
use seckb::BuildOptions;
use std::path::Path;

/// Builds the demo site into `out` with `base_url`, if given.
fn build_demo(out: &Path, base_url: Option<&str>) {
    built(&BuildOptions {
        output: Some(out.to_path_buf()),
        base_url: base_url.map(str::to_string),
        ..options(&repo())
    });
}

#[test]
fn demo_site_has_every_page_and_every_link_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_demo(&out, None);
    // A page for every published demo document.
    for entry in walkdir::WalkDir::new(repo().join("content"))
        .into_iter()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".md") || name == "_index.md" {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        if text.contains("\ndraft: true")
            || text.contains("\ntlp: amber")
            || text.contains("\ntlp: red")
            || text.contains("\ntlp: green")
        {
            continue;
        }
        let slug = name.trim_end_matches(".md");
        let slug = if slug.len() > 11 && slug.as_bytes()[4] == b'-' && slug.as_bytes()[10] == b'-' {
            &slug[11..]
        } else {
            slug
        };
        let section = entry
            .path()
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let page = out.join(&section).join(slug).join("index.html");
        assert!(page.is_file(), "no page for {}", entry.path().display());
    }
    for list in [
        "index.html",
        "incidents/index.html",
        "faq/index.html",
        "guides/index.html",
        "search/index.html",
        "404.html",
    ] {
        assert!(out.join(list).is_file(), "missing {list}");
    }
    for taxonomy in ["tags", "vendors", "severity", "status"] {
        assert!(
            out.join(taxonomy).join("index.html").is_file(),
            "missing {taxonomy}/"
        );
    }
    for term in [
        "severity/critical",
        "severity/low",
        "status/resolved",
        "status/investigating",
        "vendors/metricly",
    ] {
        assert!(
            out.join(term).join("index.html").is_file(),
            "missing {term}/"
        );
    }
    let pages = html_files(&out).len();
    assert!(pages > 40, "only {pages} pages");
    let problems = broken_links(&out, "/");
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_internal_url_carries_the_base_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_demo(&out, Some("https://example.github.io/kb/"));
    let problems = broken_links(&out, "/kb/");
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
    let mut checked = 0;
    for (page, html) in html_files(&out) {
        for url in internal_urls(&html) {
            if url.starts_with('#') {
                continue;
            }
            assert!(url.starts_with("/kb/"), "{page}: `{url}` is not under /kb/");
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} internal URLs");
    let feed = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    assert!(feed.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.github.io/kb/atom.xml\"/>"));
}

/// (file, line) of each mistake in tests/fixtures/errors, and its code.
const EXPECTED_ERRORS: [(&str, usize, &str); 14] = [
    ("content/faq/same-url-b.md", 4, "E0201"),
    ("content/incidents/bad-cve.md", 8, "E0109"),
    ("content/incidents/bad-date.md", 3, "E0107"),
    ("content/incidents/broken-anchor.md", 9, "E0301"),
    ("content/incidents/broken-link.md", 9, "E0300"),
    ("content/incidents/duplicate-id.md", 6, "E0200"),
    ("content/incidents/missing-title.md", 2, "E0105"),
    ("content/incidents/misspelt-severity.md", 5, "E0104"),
    ("content/incidents/unknown-key.md", 6, "E0102"),
    ("content/incidents/unordered-timeline.md", 9, "E0108"),
    ("content/incidents/unresolved-related.md", 8, "E0202"),
    ("content/incidents/unterminated.md", 1, "E0101"),
    ("content/incidents/updated-before.md", 4, "E0108"),
    ("content/incidents/yaml-syntax.md", 5, "E0103"),
];

#[test]
fn every_mistake_is_reported_once_at_its_line_and_the_old_output_survives() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    std::fs::create_dir_all(out.join("old")).unwrap();
    std::fs::write(out.join("index.html"), "previous site").unwrap();
    std::fs::write(out.join("old/page.html"), "previous page").unwrap();
    // An earlier build (it has .nojekyll): one a good build would replace.
    std::fs::write(out.join(".nojekyll"), "").unwrap();
    let before = tree_hash(&out);

    let failed = seckb::build_and_write(&BuildOptions {
        output: Some(out.clone()),
        ..options(&fixture("errors"))
    })
    .expect_err("the errors fixture fails");
    let found: Vec<(String, usize, String)> = errors(&failed.diagnostics)
        .into_iter()
        .map(|d| (d.file, d.line, d.code))
        .collect();
    let expected: Vec<(String, usize, String)> = EXPECTED_ERRORS
        .iter()
        .map(|(f, l, c)| (f.to_string(), *l, c.to_string()))
        .collect();
    assert_eq!(found, expected);

    let text = human(&failed.diagnostics);
    assert!(text.contains("help: did you mean `critical`?"), "{text}");
    assert!(text.contains("help: did you mean `summary`?"), "{text}");
    assert!(text.contains("  --> content/incidents/misspelt-severity.md:5:11\n  |\n5 | severity: critcal\n  |           ^^^^^^^\n"), "{text}");
    assert_eq!(
        tree_hash(&out),
        before,
        "the failed build changed the output folder"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["public"]);
}

#[test]
fn two_builds_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    build_demo(&a, None);
    build_demo(&b, None);
    let (ha, hb) = (tree_hash(&a), tree_hash(&b));
    assert!(ha.len() > 50);
    assert_eq!(ha, hb);
}

/// Custom list templates for [`list_pages_are_the_same_with_every_summary_field`]:
/// (name, text) of each site's `templates/`, one site each. Each reads a
/// few fields its own way: copies of the built-in list pages with a
/// comment added, fields named directly, a macro of another file called
/// with the entry, `set` aliases, `map`/`sort`/`group_by` by attribute, a fragment
/// guard, `json_encode` of the entries, a custom `base.html`.
const CUSTOM_LISTS: [&[(&str, &str)]; 4] = [
    &[],
    &[(
        "section.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1><ul>\
         {% for p in section.pages %}{% if p.html.row | safe %}{{ p.html.row | safe }}\
         {% else %}<li><a href=\"{{ p.url }}\">{{ p.title }}</a></li>{% endif %}{% endfor %}</ul>\
         {{ section.pages | map(attribute=\"severity\") | json_encode }}\
         {% for s, ps in section.pages | group_by(attribute=\"status\") %}{{ s }}: {{ ps | length }}\
         {% for p in ps %}{{ p.id }}{% endfor %}{% endfor %}{% endblock content %}",
    )],
    &[
        (
            "list_macros.html",
            "{% macro entry(e) %}<li>{{ e.date }} {{ e.tags | length }} {% for t in e.tags %}{{ t.name }}{% endfor %}</li>{% endmacro entry %}\
             {% macro unused(e) %}{{ e.embargo }}{% endmacro unused %}",
        ),
        (
            "term.html",
            "{% extends \"base.html\" %}{% import \"list_macros.html\" as lm %}{% block content %}\
             {% set all = term.pages %}{% set newest = all | sort(attribute=\"title\") | reverse %}\
             <ul>{% for p in newest | slice(end=5) %}{{ lm::entry(e=p) }}{% endfor %}</ul>\
             {% set first = all | first %}{% if first %}{{ first.kind }}{% endif %}{% endblock content %}",
        ),
    ],
    &[
        (
            "base.html",
            "<!doctype html><html lang=\"{{ site.language }}\"><head><title>{{ title }}</title></head>\
             <body>{% block content %}{% endblock content %}</body></html>",
        ),
        (
            "index.html",
            "{% extends \"base.html\" %}{% block content %}{{ home.open_incidents | json_encode }}\
             {% for p in home.latest %}{{ p.title }} {{ p.status }}{% endfor %}{% endblock content %}",
        ),
    ],
];

/// A list page's summaries hold only the fields its templates read
/// (`template_fields`): every site of [`CUSTOM_LISTS`] (and the built-in
/// theme, whose list pages get their fragments alone) must write the same
/// bytes, file by file, as with every field of every summary
/// (`every_summary_field`), drafts (whose pages show preview-only fields)
/// included.
#[test]
fn list_pages_are_the_same_with_every_summary_field() {
    let dir = tempfile::tempdir().unwrap();
    for (n, templates) in CUSTOM_LISTS.iter().enumerate() {
        let site = dir.path().join(format!("site{n}"));
        copy_dir(&repo().join("content"), &site.join("content"));
        std::fs::copy(repo().join("seckb.yaml"), site.join("seckb.yaml")).unwrap();
        std::fs::create_dir(site.join("templates")).unwrap();
        for (name, text) in *templates {
            std::fs::write(site.join("templates").join(name), text).unwrap();
        }
        if n == 0 {
            for name in ["section.html", "term.html", "index.html"] {
                let builtin = repo().join("themes/default/templates").join(name);
                let text = std::fs::read_to_string(builtin).unwrap();
                std::fs::write(site.join("templates").join(name), text + "{# a copy #}\n").unwrap();
            }
        }
        let build = |every_summary_field: bool| {
            let out = dir.path().join(format!("out{n}-{every_summary_field}"));
            built(&BuildOptions {
                output: Some(out.clone()),
                drafts: true,
                every_summary_field,
                ..options(&site)
            });
            tree_hash(&out)
        };
        let (lean, full) = (build(false), build(true));
        let lists = lean
            .keys()
            .filter(|p| p.starts_with("tags/") || p.starts_with("incidents/"))
            .count();
        assert!(lists > 20, "{lists} list and incident pages");
        assert_eq!(lean, full, "site {n}: {templates:?}");
    }
}

#[test]
fn stage_times_are_each_stage_alone() {
    let options = BuildOptions {
        now: Some(time("2026-06-01T00:00:00Z")),
        ..options(&fixture("exports"))
    };
    let start = std::time::Instant::now();
    let built = seckb::build(&options).expect("the exports fixture builds");
    let wall = start.elapsed();
    let stages = &built.stats.stages;
    assert!(stages.len() >= 6, "{stages:?}");
    // Times since the previous stage, not since the start: they add up to
    // at most the whole build.
    let sum: std::time::Duration = stages.iter().map(|(_, t)| *t).sum();
    assert!(
        sum <= wall,
        "stages {stages:?} add up to {sum:?}, build took {wall:?}"
    );
}
