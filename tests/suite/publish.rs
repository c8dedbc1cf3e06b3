//! Publishing: `seckb init` and `seckb new`, the GitHub Pages workflow,
//! feeds, sitemap, redirects, and link checking in every output format of
//! `seckb check`.

use crate::common::*;
use seckb::diagnostics::Format;
use seckb::BuildOptions;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Each mistake of tests/fixtures/broken-links, one GitHub annotation each:
/// the source (file, line, column) and the target it names.
const BROKEN_LINKS_GITHUB: &str = "\
::error file=content/guides/raw-html.md,line=6,col=17,title=E0300 broken-link::broken link `../nowhere/`: no such page or file in the output%0Ahelp: this link is raw HTML in the document: fix its URL, or add the page it points to
::error file=content/guides/site-path.md,line=4,col=5,title=E0300 broken-link::broken link `/kb/archive/2019/`: no such page or file in the output%0Ahelp: links between documents are relative .md paths; anchors come from headings (lower-case, words joined by `-`)
::error file=content/incidents/2026-01-01-missing-page.md,line=7,col=6,title=E0300 broken-link::link to `../guides/gone.md`: no such document%0Ahelp: links between documents are paths relative to this file, such as ../faq/api-keys.md
::error file=content/incidents/2026-01-02-missing-anchor.md,line=9,col=5,title=E0301 broken-anchor::broken anchor `/kb/guides/target/#no-such-heading`: /guides/target/index.html has no element with id `no-such-heading`%0Ahelp: links between documents are relative .md paths; anchors come from headings (lower-case, words joined by `-`)
::error file=content/incidents/2026-01-03-bad-references.md,line=8,col=10,title=E0302 invalid-url::`javascript:alert(1)` uses the `javascript` scheme; only http and https are allowed%0Ahelp: references must be absolute http:// or https:// URLs
::error file=content/incidents/2026-01-03-bad-references.md,line=9,col=5,title=E0302 invalid-url::`ftp://ftp.example.org/advisory.txt` uses the `ftp` scheme; only http and https are allowed%0Ahelp: references must be absolute http:// or https:// URLs
::error file=content/incidents/2026-01-03-bad-references.md,line=11,col=10,title=E0302 invalid-url::\"https://exa mple.org/\" holds whitespace (' ', character 12)%0Ahelp: references must be absolute http:// or https:// URLs
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

/// A link a template breaks on every page is found in no content file on
/// the first few pages, and taken for the template's on the rest (which are
/// then not read again); links from content on those pages still get their
/// lines.
#[test]
fn a_template_link_broken_on_many_pages_is_one_error_and_content_links_keep_their_lines() {
    let site = Site::fixture("broken-links");
    site.file(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }}</h1>\n{{ page.content | safe }}\n<p><a href=\"{{ url(path=\"retired/\") }}\">Retired</a></p>\n{% endblock content %}\n",
    );
    for i in 1..=4 {
        site.file(
            &format!("content/guides/a-{i}.md"),
            format!("---\ntitle: Guide {i}\n---\nText.\n"),
        );
    }
    let (code, diags) = site.check_with_messages();
    assert_eq!(code, 1);
    let template: Vec<&(Diag, String)> = diags
        .iter()
        .filter(|(_, m)| m.contains("retired"))
        .collect();
    assert_eq!(template.len(), 1, "{diags:#?}");
    let (at, message) = template[0];
    assert_eq!((at.file.as_str(), at.line), ("templates/page.html", 5));
    assert!(
        message.contains("on /guides/a-1/index.html and 6 other pages"),
        "{message}"
    );
    // raw-html.md and site-path.md sort after the four new guides.
    let located: Vec<(&str, usize)> = diags
        .iter()
        .map(|(d, _)| (d.file.as_str(), d.line))
        .collect();
    assert!(
        located.contains(&("content/guides/raw-html.md", 6)),
        "{located:?}"
    );
    assert!(
        located.contains(&("content/guides/site-path.md", 4)),
        "{located:?}"
    );
    assert_eq!(diags.len(), 10, "{diags:#?}");
}

#[test]
fn a_build_with_broken_links_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let failed = seckb::build_and_write(&BuildOptions {
        output: Some(out.clone()),
        ..options(&fixture("broken-links"))
    })
    .expect_err("broken links fail the build");
    let text = human(&failed.diagnostics);
    assert!(
        text.contains("error[E0301]: broken anchor `/kb/guides/target/#no-such-heading`"),
        "{text}"
    );
    assert!(
        text.contains("  --> templates/section.html:6:25\n"),
        "{text}"
    );
    assert_eq!(errors(&failed.diagnostics).len(), 9, "{text}");
    assert!(!out.exists());
}

/// `links: { internal: warn }`: every broken internal link and anchor is
/// still listed, as a warning, and the site builds; a bad URL and a link to
/// an unpublished document stay errors.
#[test]
fn a_site_may_make_broken_internal_links_warnings() {
    let site = Site::fixture("broken-links");
    site.file(
        "seckb.yaml",
        site.read("seckb.yaml") + "links: { internal: warn }\n",
    );
    let (code, _) = site.check();
    let annotations = seckb::diagnostics::render(&site.diagnostics(), Format::Github, false);
    let expected: String = BROKEN_LINKS_GITHUB
        .lines()
        .map(
            |l| match l.contains("title=E0300") || l.contains("title=E0301") {
                true => l.replacen("::error", "::warning", 1) + "\n",
                false => l.to_string() + "\n",
            },
        )
        .collect();
    assert_eq!(annotations, expected);
    assert_eq!(code, 1, "the bad URLs are errors");

    site.remove("content/incidents/2026-01-03-bad-references.md");
    let built = build_in_memory(site.root()).expect("builds with warnings");
    let codes: Vec<&str> = built.warnings.iter().map(|d| d.code.id().0).collect();
    assert_eq!(
        codes,
        ["E0300", "E0300", "E0300", "E0301", "E0300", "E0300"]
    );

    site.file(
        "content/guides/secret.md",
        "---\ntitle: Secret\ntlp: red\n---\nText.\n",
    );
    site.file(
        "content/guides/points-at-secret.md",
        "---\ntitle: Points\n---\nSee [it](secret.md).\n",
    );
    let failed = build_in_memory(site.root()).expect_err("fails");
    let errors: Vec<&str> = failed
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.id().0)
        .collect();
    assert_eq!(errors, ["E0203"]);
}

// ---------------------------------------------------------------------------
// seckb init and the GitHub Pages workflow
// ---------------------------------------------------------------------------

/// A new site made by `seckb init` in a temporary folder.
fn init_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("advisories");
    seckb::scaffold::init(&site, false).expect("init");
    (dir, site)
}

/// Builds `site` into its public/ folder under `base_url`, if given, with
/// `drafts`; returns its warnings as the terminal shows them.
fn build(site: &Path, base_url: Option<&str>, drafts: bool) -> String {
    let built = built(&BuildOptions {
        base_url: base_url.map(str::to_string),
        drafts,
        ..options(site)
    });
    human(&built.warnings)
}

#[test]
fn an_init_site_builds_cleanly_and_every_link_resolves() {
    let (_dir, site) = init_site();
    for file in [
        "seckb.yaml",
        ".gitignore",
        ".github/workflows/pages.yml",
        "content/_index.md",
        "content/faq/reporting-security-issues.md",
        "content/guides/verify-our-emails.md",
    ] {
        assert!(site.join(file).is_file(), "init did not write {file}");
    }
    let text = build(&site, None, false);
    assert_eq!(text, "", "the sample site is not clean");
    let out = site.join("public");
    assert!(out
        .join("incidents/phishing-emails-impersonating-support/index.html")
        .is_file());
    assert!(out.join(".nojekyll").is_file());
    let problems = broken_links(&out, "/");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // As the workflow builds it: under the project path GitHub Pages reports.
    build(&site, Some("https://octo.github.io/advisories/"), false);
    let problems = broken_links(&out, "/advisories/");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let gitignore = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    assert!(gitignore.lines().any(|l| l == "/public/"), "{gitignore}");
}

/// The `with:` of the step that uses `action`, in the job `job`.
fn step<'a>(workflow: &'a serde_yaml::Value, job: &str, action: &str) -> &'a serde_yaml::Value {
    workflow["jobs"][job]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with(&format!("{action}@")))
        })
        .unwrap_or_else(|| panic!("job `{job}` does not use {action}"))
}

/// The command of the step named `name` in the build job.
fn run<'a>(workflow: &'a serde_yaml::Value, name: &str) -> &'a str {
    workflow["jobs"]["build"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str() == Some(name))
        .and_then(|s| s["run"].as_str())
        .unwrap_or_else(|| panic!("no step `{name}` with a run command"))
}

/// The steps of the build job, in order: each one's `uses` or `run`.
fn build_steps(workflow: &serde_yaml::Value) -> Vec<&str> {
    workflow["jobs"]["build"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| s["uses"].as_str().or(s["run"].as_str()).unwrap())
        .collect()
}

#[test]
fn the_workflow_builds_with_seckb_and_deploys_with_the_pages_actions() {
    let (_dir, site) = init_site();
    let text = std::fs::read_to_string(site.join(".github/workflows/pages.yml")).unwrap();
    let workflow: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();

    // seckb is set up by the action of its own repository, at the tag of
    // the version that wrote the workflow.
    let repository = env!("CARGO_PKG_REPOSITORY");
    let action = format!(
        "{}@v{}",
        repository.strip_prefix("https://github.com/").unwrap(),
        env!("CARGO_PKG_VERSION")
    );
    let steps = build_steps(&workflow);
    let at = |what: &str| {
        steps
            .iter()
            .position(|s| *s == what)
            .unwrap_or_else(|| panic!("no step `{what}` in {steps:?}"))
    };
    let check = "seckb check --format github";
    let build_command = "seckb build --base-url \"${{ steps.pages.outputs.base_url }}/\"";
    // In this order: the base URL and seckb first, the check before the build.
    assert!(at("actions/checkout@v5") < at("actions/configure-pages@v5"));
    assert!(at("actions/configure-pages@v5") < at(&action));
    assert!(at(&action) < at(check));
    assert!(at(check) < at(build_command));
    assert!(at(build_command) < at("actions/upload-pages-artifact@v5"));
    // The base URL comes from the Pages configuration.
    let pages = step(&workflow, "build", "actions/configure-pages");
    assert_eq!(pages["id"].as_str(), Some("pages"));
    assert_eq!(run(&workflow, "Build the site"), build_command);

    // The artifact is the folder `seckb build` writes, hidden files included.
    let upload = &step(&workflow, "build", "actions/upload-pages-artifact")["with"];
    let folder = upload["path"].as_str().unwrap();
    build(&site, Some("https://octo.github.io/advisories/"), false);
    assert_eq!(folder, "public");
    assert!(site.join(folder).join("index.html").is_file());
    assert!(site.join(folder).join(".nojekyll").is_file());
    assert_eq!(upload["include-hidden-files"].as_bool(), Some(true));

    // Pushes to main deploy; pull requests build; a schedule lifts embargoes.
    let on = &workflow["on"];
    assert_eq!(on["push"]["branches"][0].as_str(), Some("main"));
    assert!(on.get("pull_request").is_some(), "{text}");
    let cron = on["schedule"][0]["cron"].as_str().expect("a schedule");
    assert_eq!(cron.split_whitespace().count(), 5, "{cron}");
    let deploy = &workflow["jobs"]["deploy"];
    assert_eq!(
        deploy["if"].as_str(),
        Some("github.event_name != 'pull_request' && github.ref == 'refs/heads/main'")
    );
    assert_eq!(deploy["needs"].as_str(), Some("build"));
    assert_eq!(deploy["environment"]["name"].as_str(), Some("github-pages"));
    assert_eq!(deploy["concurrency"]["group"].as_str(), Some("pages"));
    let deploy_step = step(&workflow, "deploy", "actions/deploy-pages");
    assert_eq!(deploy_step["id"].as_str(), Some("deployment"));

    // Only the deploy job may write to Pages; nothing may write the code.
    assert_eq!(deploy["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(deploy["permissions"]["id-token"].as_str(), Some("write"));
    for permissions in [
        &workflow["permissions"],
        &workflow["jobs"]["build"]["permissions"],
    ] {
        let grants = permissions.as_mapping().expect("permissions");
        assert!(
            grants.values().all(|v| v.as_str() == Some("read")),
            "{text}"
        );
    }
}

#[test]
fn the_readme_shows_the_workflow_init_writes() {
    let (_dir, site) = init_site();
    let workflow = std::fs::read_to_string(site.join(".github/workflows/pages.yml")).unwrap();
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = readme
        .split("## Deploy to GitHub Pages")
        .nth(1)
        .expect("README has a \"Deploy to GitHub Pages\" section");
    let block = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|b| b.split("```\n").next())
        .expect("the section shows the workflow");
    assert_eq!(block, workflow);
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join(".git")).unwrap();
    std::fs::write(site.join("notes.txt"), "mine").unwrap();

    let result = seckb(&site, &["init"]);
    assert_eq!(result.status.code(), Some(2));
    let text = stderr(&result);
    assert!(text.starts_with("error[E0006]: "), "{text}");
    assert!(
        text.contains("is not empty (it holds `notes.txt`)"),
        "{text}"
    );
    assert!(text.contains("--force"), "{text}");
    assert!(!site.join("seckb.yaml").exists());

    let result = seckb(&site, &["init", "--force"]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(site.join("seckb.yaml").is_file());
    assert_eq!(
        std::fs::read_to_string(site.join("notes.txt")).unwrap(),
        "mine"
    );

    // A folder holding only a git repository counts as empty.
    let fresh = dir.path().join("fresh");
    std::fs::create_dir_all(fresh.join(".git")).unwrap();
    let result = seckb(&fresh, &["init"]);
    assert!(result.status.success(), "{}", stderr(&result));
}

// ---------------------------------------------------------------------------
// seckb new
// ---------------------------------------------------------------------------

#[test]
fn new_documents_of_every_kind_build_as_drafts() {
    let (_dir, site) = init_site();
    let cases = [
        (
            vec!["incident", "Breach: \"phase 2\" # at a vendor"],
            "content/incidents/2026-11-29-breach-phase-2-at-a-vendor.md",
            "incidents/breach-phase-2-at-a-vendor/index.html",
        ),
        (
            vec!["faq", "Is my data safe?"],
            "content/faq/is-my-data-safe.md",
            "faq/is-my-data-safe/index.html",
        ),
        (
            vec!["page", "Key rotation policy"],
            "content/guides/key-rotation-policy.md",
            "guides/key-rotation-policy/index.html",
        ),
        (
            vec!["page", "Disclosure policy", "--section", "policies"],
            "content/policies/disclosure-policy.md",
            "policies/disclosure-policy/index.html",
        ),
    ];
    for (args, file, _) in &cases {
        let mut all = vec!["new"];
        all.extend(args.iter().copied());
        all.extend(["--now", NOW]);
        let result = seckb(&site, &all);
        assert!(result.status.success(), "{args:?}: {}", stderr(&result));
        assert_eq!(stdout(&result).trim(), site.join(file).to_str().unwrap());
        let text = std::fs::read_to_string(site.join(file)).unwrap();
        assert!(text.lines().any(|l| l.starts_with("draft: true")), "{text}");
        assert!(!text.contains("{{"), "a placeholder is left in {file}");
    }
    let incident = std::fs::read_to_string(site.join(cases[0].1)).unwrap();
    assert!(incident.contains("\ntitle: \"Breach: \\\"phase 2\\\" # at a vendor\"\n"));
    assert!(incident.contains("\ndate: 2026-11-29 "));

    // Drafts are left out of a normal build, and build cleanly with --drafts.
    build(&site, None, false);
    for (_, _, page) in &cases {
        assert!(!site.join("public").join(page).exists(), "{page} published");
    }
    assert_eq!(build(&site, None, true), "");
    for (_, _, page) in &cases {
        assert!(site.join("public").join(page).is_file(), "no {page}");
    }
    let page = std::fs::read_to_string(site.join("public").join(cases[0].2)).unwrap();
    assert!(page.contains("Breach: &quot;phase 2&quot; # at a vendor"));
}

#[test]
fn new_never_overwrites_and_names_the_file() {
    let (_dir, site) = init_site();
    let file = site.join("content/faq/is-my-data-safe.md");
    let first = seckb(&site, &["new", "faq", "Is my data safe?"]);
    assert!(first.status.success(), "{}", stderr(&first));
    std::fs::write(&file, "edited").unwrap();

    let again = seckb(&site, &["new", "faq", "Is my data safe?"]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        stderr(&again).lines().next(),
        Some("error[E0006]: content/faq/is-my-data-safe.md already exists; seckb new never overwrites a file")
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "edited");

    // An incident of another day would take the sample incident's URL.
    let clash = seckb(
        &site,
        &[
            "new",
            "incident",
            "Phishing emails impersonating support",
            "--now",
            NOW,
        ],
    );
    assert_eq!(clash.status.code(), Some(2));
    assert!(
        stderr(&clash).contains("content/incidents/2026-01-12-phishing-emails-impersonating-support.md already has the URL incidents/phishing-emails-impersonating-support/"),
        "{}",
        stderr(&clash)
    );
    assert!(!site
        .join("content/incidents/2026-11-29-phishing-emails-impersonating-support.md")
        .exists());

    for bad in [
        vec!["new", "page", "X", "--section", "faq"],
        vec!["new", "incident", "X", "--section", "guides"],
        vec!["new", "incident", "???"],
    ] {
        let result = seckb(&site, &bad);
        assert_eq!(result.status.code(), Some(2), "{bad:?}");
        assert!(
            stderr(&result).starts_with("error[E0002]: "),
            "{}",
            stderr(&result)
        );
    }
}

// ---------------------------------------------------------------------------
// Feeds, sitemap, robots.txt, redirects, CNAME
// ---------------------------------------------------------------------------

/// tests/fixtures/publish built into a temporary folder.
/// `options` with its `output` a temporary folder.
fn build_publish_fixture(options: BuildOptions) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    built(&BuildOptions {
        output: Some(out.clone()),
        ..options
    });
    (dir, out)
}

/// The options of a build of tests/fixtures/publish.
fn publish_fixture() -> BuildOptions {
    options(&fixture("publish"))
}

fn parse_feed(path: &Path) -> feed_rs::model::Feed {
    let bytes = std::fs::read(path).unwrap();
    feed_rs::parser::parse(bytes.as_slice()).unwrap()
}

const KB: &str = "https://example.org/kb/";

#[test]
fn the_site_feed_is_atom_in_update_order_without_unpublished_documents() {
    let (_dir, out) = build_publish_fixture(publish_fixture());
    let feed = parse_feed(&out.join("atom.xml"));
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(feed.id, format!("{KB}atom.xml"));
    assert_eq!(feed.title.as_ref().unwrap().content, "Publish & <Test>");
    assert_eq!(feed.authors[0].name.as_deref(), Some("The PSIRT"));
    assert_eq!(feed.updated, Some(time("2026-03-01T00:00:00Z")));
    let links: Vec<(Option<&str>, &str)> = feed
        .links
        .iter()
        .map(|l| (l.rel.as_deref(), l.href.as_str()))
        .collect();
    assert_eq!(
        links,
        [
            (Some("self"), "https://example.org/kb/atom.xml"),
            (Some("alternate"), KB)
        ]
    );
    // Newest `updated` first; a tie goes to the later `date`. No draft, no
    // TLP:AMBER document, no undated guide.
    let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "https://example.org/kb/incidents/third/",
            "https://example.org/kb/incidents/first/",
            "https://example.org/kb/faq/questions/",
            "https://example.org/kb/incidents/second/",
        ]
    );
    for e in &feed.entries {
        assert_eq!(e.links[0].href, e.id);
        assert_eq!(e.links[0].rel.as_deref(), Some("alternate"));
    }
    let titles: Vec<&str> = feed
        .entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "[CRITICAL] Third incident <with> \"markup\" & more",
            "INC-1 [HIGH] First incident",
            "Questions",
            "INC-2 [LOW] Second incident",
        ]
    );
    let dates: Vec<_> = feed
        .entries
        .iter()
        .map(|e| (e.published, e.updated))
        .collect();
    assert_eq!(
        dates,
        [
            (
                Some(time("2026-02-15T09:30:00Z")),
                Some(time("2026-03-01T00:00:00Z"))
            ),
            (
                Some(time("2026-01-01T00:00:00Z")),
                Some(time("2026-03-01T00:00:00Z"))
            ),
            (
                Some(time("2026-02-20T00:00:00Z")),
                Some(time("2026-02-20T00:00:00Z"))
            ),
            (
                Some(time("2026-02-01T00:00:00Z")),
                Some(time("2026-02-01T00:00:00Z"))
            ),
        ]
    );
    // The entry's HTML links like the page does.
    let content = feed.entries[1].content.as_ref().unwrap();
    assert_eq!(content.content_type.to_string(), "text/html");
    assert!(content
        .body
        .as_ref()
        .unwrap()
        .contains("href=\"/kb/guides/handbook/#keys\""));
}

#[test]
fn the_incident_feed_says_severity_and_status() {
    let (_dir, out) = build_publish_fixture(publish_fixture());
    let feed = parse_feed(&out.join("incidents/atom.xml"));
    assert_eq!(feed.id, format!("{KB}incidents/atom.xml"));
    assert_eq!(
        feed.title.as_ref().unwrap().content,
        "Publish & <Test>: incidents"
    );
    let alternate = feed
        .links
        .iter()
        .find(|l| l.rel.as_deref() == Some("alternate"));
    assert_eq!(alternate.unwrap().href, format!("{KB}incidents/"));
    let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "https://example.org/kb/incidents/third/",
            "https://example.org/kb/incidents/first/",
            "https://example.org/kb/incidents/second/",
        ]
    );
    let first = &feed.entries[1];
    assert!(first
        .summary
        .as_ref()
        .unwrap()
        .content
        .starts_with("Severity: high. Status: monitoring. "));
    let terms: Vec<&str> = first.categories.iter().map(|c| c.term.as_str()).collect();
    assert_eq!(terms, ["severity:high", "status:monitoring", "alpha"]);
}

#[test]
fn every_page_links_both_feeds_in_its_head() {
    let (_dir, out) = build_publish_fixture(publish_fixture());
    let mut checked = 0;
    for (page, html) in html_files(&out) {
        if is_redirect(&html) {
            continue;
        }
        let doc = scraper::Html::parse_document(&html);
        let selector =
            scraper::Selector::parse("head link[rel=alternate][type=\"application/atom+xml\"]")
                .unwrap();
        let feeds: Vec<&str> = doc
            .select(&selector)
            .filter_map(|e| e.value().attr("href"))
            .collect();
        assert_eq!(
            feeds[..2],
            ["/kb/atom.xml", "/kb/incidents/atom.xml"],
            "{page}"
        );
        // Incident and term pages link their own feed too, beside them.
        let own = page.starts_with("incidents/") && page != "incidents/index.html"
            || ["tags/", "vendors/", "severity/", "status/"]
                .iter()
                .any(|t| page.starts_with(t) && page.matches('/').count() == 2);
        let expected = own.then(|| format!("/kb/{}", page.replace("index.html", "atom.xml")));
        assert_eq!(feeds.get(2).map(|f| f.to_string()), expected, "{page}");
        assert!(feeds.len() <= 3, "{page}: {feeds:?}");
        checked += 1;
    }
    assert!(checked > 20, "only {checked} pages");
}

fn is_redirect(html: &str) -> bool {
    html.contains("<meta http-equiv=\"refresh\"")
}

/// The URLs of the sitemap, after checking its namespace.
fn sitemap_urls(out: &Path) -> BTreeSet<String> {
    let xml = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(xml.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    xml.split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap().to_string())
        .collect()
}

/// The URL of every HTML page of the output but 404.html and redirects.
fn page_urls(out: &Path) -> BTreeSet<String> {
    html_files(out)
        .into_iter()
        .filter(|(path, html)| path != "404.html" && !is_redirect(html))
        .map(|(path, _)| format!("{KB}{}", path.trim_end_matches("index.html")))
        .collect()
}

#[test]
fn the_sitemap_lists_exactly_the_published_pages() {
    let (_dir, out) = build_publish_fixture(publish_fixture());
    let urls = sitemap_urls(&out);
    assert_eq!(urls, page_urls(&out));
    assert!(urls.contains(&format!("{KB}incidents/first/")));
    assert!(urls.contains(&format!("{KB}guides/handbook/")));
    for hidden in ["draft", "amber", "old/first", "advisories"] {
        assert!(
            !urls.iter().any(|u| u.contains(hidden)),
            "`{hidden}` is in the sitemap"
        );
    }
    let xml = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(xml.contains(
        "<url><loc>https://example.org/kb/incidents/first/</loc><lastmod>2026-03-01</lastmod></url>"
    ));
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert_eq!(
        robots,
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/kb/sitemap.xml\n"
    );

    // An internal TLP:AMBER build lists the amber pages, and keeps crawlers out.
    let (_dir, out) = build_publish_fixture(BuildOptions {
        tlp: Some(seckb::content::Tlp::Amber),
        ..publish_fixture()
    });
    let urls = sitemap_urls(&out);
    assert_eq!(urls, page_urls(&out));
    assert!(urls.contains(&format!("{KB}incidents/amber/")));
    assert!(urls.contains(&format!("{KB}guides/amber-guide/")));
    assert!(!urls.iter().any(|u| u.contains("draft")));
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(
        robots.starts_with("User-agent: *\nDisallow: /\n"),
        "{robots}"
    );
}

#[test]
fn aliases_redirect_to_their_page_and_cname_is_written() {
    let (_dir, out) = build_publish_fixture(publish_fixture());
    for alias in ["old/first/index.html", "advisories/2026/1.html"] {
        let html = std::fs::read_to_string(out.join(alias)).unwrap();
        assert!(
            html.contains("<meta http-equiv=\"refresh\" content=\"0; url=/kb/incidents/first/\">"),
            "{alias}: {html}"
        );
        assert!(
            html.contains(
                "<link rel=\"canonical\" href=\"https://example.org/kb/incidents/first/\">"
            ),
            "{alias}: {html}"
        );
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
    }
    assert_eq!(
        std::fs::read_to_string(out.join("CNAME")).unwrap(),
        "advisories.example.org\n"
    );
    assert_eq!(std::fs::read(out.join(".nojekyll")).unwrap(), b"");
    let not_found = std::fs::read_to_string(out.join("404.html")).unwrap();
    assert!(not_found.contains("<h1>Page not found</h1>"));
    let problems = broken_links(&out, "/kb/");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// seckb check: warnings
// ---------------------------------------------------------------------------

#[test]
fn warnings_fail_check_only_with_deny_warnings() {
    let site = fixture("publish");
    let result = seckb(&site, &["check", "--format", "json"]);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    let stale: Vec<serde_json::Value> = stdout(&result)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|d: &serde_json::Value| d["file"] == "content/incidents/2026-02-15-third.md")
        .collect();
    assert_eq!(
        stale,
        [serde_json::json!({
            "file": "content/incidents/2026-02-15-third.md",
            "line": 6,
            "column": 9,
            "severity": "warning",
            "code": "W0100",
            "name": "stale-investigation",
            "message": "incident still `investigating` 287 days after its date",
            "help": "once the cause is known, set `status` to identified, monitoring or resolved",
        })]
    );
    let result = seckb(&site, &["check", "--format", "github", "--deny-warnings"]);
    assert_eq!(result.status.code(), Some(1));
    assert!(stdout(&result).contains(
        "::warning file=content/incidents/2026-02-15-third.md,line=6,col=9,title=W0100 stale-investigation::incident still `investigating` 287 days after its date"
    ));
    // check writes nothing.
    assert!(!site.join("public").exists());
}

#[test]
fn the_readme_lists_every_diagnostic_code() {
    let source = std::fs::read_to_string(repo().join("src/diagnostics.rs")).unwrap();
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let pattern = regex::Regex::new(r#"\("([EWN]\d{4})", "([a-z0-9-]+)"\)"#).unwrap();
    let codes: Vec<(String, String)> = pattern
        .captures_iter(&source)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect();
    assert!(codes.len() > 25, "found only {codes:?}");
    let missing: Vec<String> = codes
        .iter()
        .filter(|(code, name)| !readme.contains(&format!("| {code} | {name} | ")))
        .map(|(code, name)| format!("{code} {name}"))
        .collect();
    assert!(missing.is_empty(), "not in the README's table: {missing:?}");
}

/// The `value`s of the `<option>`s of `<select id="{id}">` in `html`, the
/// empty "all" option left out.
fn select_options(html: &str, id: &str) -> Vec<String> {
    let start = html.find(&format!("<select id=\"{id}\"")).expect("select");
    let end = start + html[start..].find("</select>").expect("select end");
    html[start..end]
        .split("<option value=\"")
        .skip(1)
        .filter_map(|o| o.split('"').next())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_incident_list_filters_and_links_only_what_its_published_incidents_have() {
    // Published: high/monitoring, low/resolved, critical/investigating, all
    // of 2026. Medium and identified are only on a draft and a TLP:AMBER
    // incident: no option or link may hint at them.
    let (_dir, out) = build_publish_fixture(publish_fixture());
    let html = std::fs::read_to_string(out.join("incidents/index.html")).unwrap();
    assert_eq!(
        select_options(&html, "filter-severity"),
        ["critical", "high", "low"]
    );
    assert_eq!(
        select_options(&html, "filter-status"),
        ["investigating", "monitoring", "resolved"]
    );
    assert_eq!(select_options(&html, "filter-year"), ["2026"]);
    let links: Vec<&str> = html
        .split("<a href=\"/kb/")
        .skip(1)
        .filter_map(|a| a.split('"').next())
        .filter(|href| href.starts_with("severity/") || href.starts_with("status/"))
        .collect();
    assert_eq!(
        links,
        [
            "severity/critical/",
            "severity/high/",
            "severity/low/",
            "status/investigating/",
            "status/monitoring/",
            "status/resolved/"
        ]
    );
    // With drafts, the draft's severity (medium) joins, in severity order.
    let (_dir, out) = build_publish_fixture(BuildOptions {
        drafts: true,
        ..publish_fixture()
    });
    let html = std::fs::read_to_string(out.join("incidents/index.html")).unwrap();
    assert_eq!(
        select_options(&html, "filter-severity"),
        ["critical", "high", "medium", "low"]
    );
}

/// Mistakes on the command line are usage errors (exit 2) that build
/// nothing; mistakes in the site are content errors (exit 1).
#[test]
fn usage_errors_exit_2_and_build_nothing() {
    let site = Site::fixture("publish");
    let out = site.path("public");
    let out_arg = out.to_str().unwrap();
    for args in [
        vec![
            "build",
            "--base-url",
            "ftp://example.org/",
            "--output",
            out_arg,
        ],
        vec![
            "build",
            "--base-url",
            "https://user:pw@example.org/",
            "--output",
            out_arg,
        ],
        vec![
            "build",
            "--base-url",
            "https://example.org/\"x",
            "--output",
            out_arg,
        ],
        vec!["build", "--tlp", "purple", "--output", out_arg],
        vec!["check", "--tlp", "amber+loose"],
        vec!["check", "--format", "yaml"],
    ] {
        let result = seckb(site.root(), &args);
        assert_eq!(
            result.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&result)
        );
        assert!(!out.exists(), "{args:?} wrote the output");
    }
    std::fs::write(
        site.path("seckb.yaml"),
        "title: T\nbase_url: ftp://example.org/\n",
    )
    .unwrap();
    let result = seckb(site.root(), &["build", "--output", out_arg]);
    assert_eq!(
        result.status.code(),
        Some(1),
        "a bad base_url in seckb.yaml is content"
    );
}

/// `-v` times every stage the build ran, for `check` as for `build`, and
/// for a check that fails too.
#[test]
fn verbose_check_and_build_print_stage_timings() {
    let site = Site::fixture("publish");
    let out = site.path("public");
    let stage_lines = |args: &[&str]| {
        let result = seckb(site.root(), args);
        let text = stderr(&result);
        let stages: Vec<String> = text
            .lines()
            .filter(|l| l.starts_with("  ") && l.ends_with(" ms"))
            .map(|l| l.trim().split("  ").next().unwrap_or("").to_string())
            .collect();
        (result.status.code(), stages)
    };
    let (code, check) = stage_lines(&["-v", "check"]);
    assert_eq!(code, Some(0));
    assert_eq!(check.first().map(String::as_str), Some("config and theme"));
    assert_eq!(check.last().map(String::as_str), Some("link check"));
    let (code, build) = stage_lines(&["-v", "build", "--output", out.to_str().unwrap()]);
    assert_eq!(code, Some(0));
    assert_eq!(build, check);
    let (_, quiet) = stage_lines(&["check"]);
    assert!(quiet.is_empty(), "{quiet:?}");
    // A failing check times the stages it ran.
    let doc = site.path("content/incidents/2026-01-01-first.md");
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(
        &doc,
        text.replace("../guides/handbook.md#keys", "../guides/missing.md"),
    )
    .unwrap();
    let (code, failed) = stage_lines(&["-v", "check"]);
    assert_eq!(code, Some(1));
    assert!(failed.len() >= 4, "{failed:?}");
}
