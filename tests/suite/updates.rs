//! Incidents that change: `updates:` validated (order, disagreement with
//! the front matter, unknown keys), the change log on the page, a feed
//! entry per update with a stable id, per-incident and per-term feeds,
//! nothing unpublished in any feed, `api/changes.json` against its schema,
//! the ongoing-incident banner, review warnings and `seckb owners`.

use crate::common::*;
use std::collections::BTreeMap;

/// An incident of `date` with `front` (extra front matter lines, ending
/// in a newline) and `updates` (the YAML list, indented under `updates:`).
fn incident(title: &str, date: &str, front: &str, updates: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\n{front}updates:\n{updates}---\nWhat happened.\n")
}

/// Two updates: investigating, then resolved with a severity change.
const TWO_UPDATES: &str = "  - date: 2026-11-02\n    status: investigating\n    severity: low\n    text: We are looking into it.\n  - date: 2026-11-03T10:00:00Z\n    status: resolved\n    severity: high\n    text: \"Fixed; see the [guide](../guides/g.md).\"\n";

/// A site with one incident of [`TWO_UPDATES`] (id INC-1, tag `outage`) and a guide.
fn site_with_updates() -> Site {
    let site = Site::new();
    site.file(
        "content/incidents/outage.md",
        incident(
            "Outage",
            "2026-11-01",
            "id: INC-1\ntags: [outage]\n",
            TWO_UPDATES,
        ),
    );
    site.file(
        "content/guides/g.md",
        "---\ntitle: Guide\ndate: 2026-10-01\ntags: [outage]\n---\nText.\n",
    );
    site
}

#[test]
fn an_update_out_of_order_is_an_error_at_its_date() {
    let site = Site::new();
    let updates =
        "  - date: 2026-11-05\n    text: Later.\n  - date: 2026-11-03\n    text: Earlier.\n";
    add_low_incident(&site, updates);
    // Line 8 holds `  - date: 2026-11-03`, its value at column 11.
    site.fails_with(&[diag("E0108", "content/incidents/x.md", 8, 11)]);
    let (_, messages) = site.check_with_messages();
    assert!(
        messages[0]
            .1
            .contains("update 2 (2026-11-03) comes before the update above it"),
        "{messages:?}"
    );
}

#[test]
fn an_update_before_the_incident_date_is_an_error_at_its_date() {
    let site = Site::new();
    let updates = "  - date: 2026-10-30\n    text: Before.\n";
    add_low_incident(&site, updates);
    site.fails_with(&[diag("E0108", "content/incidents/x.md", 6, 11)]);
}

#[test]
fn a_front_matter_status_or_severity_that_disagrees_with_the_latest_update_is_an_error_at_the_key()
{
    let site = site_with_updates();
    site.file(
        "content/incidents/x.md",
        incident(
            "X",
            "2026-11-01",
            "status: investigating\nseverity: low\n",
            TWO_UPDATES,
        ),
    );
    // status: on line 4, severity: on line 5, values at column 9 and 11.
    site.fails_with(&[
        diag("E0112", "content/incidents/x.md", 4, 9),
        diag("E0112", "content/incidents/x.md", 5, 11),
    ]);
    let (_, messages) = site.check_with_messages();
    let texts: Vec<&str> = messages.iter().map(|(_, m)| m.as_str()).collect();
    assert!(
        texts.iter().any(|m| m.contains(
            "`status: investigating` disagrees with the latest update that sets it (update 2 on line 12, `status: resolved`)"
        )),
        "{texts:?}"
    );
    // Saying the same as the latest update is fine.
    site.file(
        "content/incidents/x.md",
        incident(
            "X",
            "2026-11-01",
            "status: resolved\nseverity: high\n",
            TWO_UPDATES,
        ),
    );
    assert_eq!(site.check(), (0, vec![]));
}

#[test]
fn an_unknown_key_in_an_update_is_an_error_naming_the_keys() {
    let site = Site::new();
    let updates = "  - date: 2026-11-02\n    txt: Typo.\n";
    add_low_incident(&site, updates);
    site.fails_with(&[diag("E0102", "content/incidents/x.md", 7, 5)]);
    let (_, messages) = site.check_with_messages();
    assert!(
        messages[0]
            .1
            .contains("unknown field `txt`, expected one of `date`, `status`, `severity`, `text`"),
        "{messages:?}"
    );
}

#[test]
fn an_unknown_status_in_an_update_is_an_error_at_it() {
    let site = Site::new();
    let updates = "  - date: 2026-11-02\n    status: resolvd\n    text: Done.\n";
    add_low_incident(&site, updates);
    let (code, messages) = site.check_with_messages();
    assert_eq!(code, 1);
    assert_eq!(messages[0].0.line, 7, "{messages:?}");
    assert!(messages[0].1.contains("resolved"), "{messages:?}");
}

#[test]
fn status_severity_and_updated_come_from_the_updates() {
    let site = site_with_updates();
    let built = seckb::build(&options(site.root())).expect("builds");
    let (_, page, inc) = built.site.incidents().next().expect("the incident");
    assert_eq!(inc.status, seckb::content::Status::Resolved);
    assert_eq!(inc.severity, seckb::content::Severity::High);
    assert_eq!(
        page.doc.meta.updated.map(|d| d.rfc3339()),
        Some("2026-11-03T10:00:00Z".into())
    );
    let api: serde_json::Value =
        serde_json::from_str(&text(&built, "api/incidents.json")).expect("JSON");
    assert_eq!(api["incidents"][0]["updated"], "2026-11-03T10:00:00Z");
}

/// The text of the output file `path`.
fn text(built: &seckb::Built, path: &str) -> String {
    built
        .output
        .get(path)
        .and_then(|c| c.text())
        .unwrap_or_else(|| panic!("no {path}"))
        .into_owned()
}

#[test]
fn the_page_shows_the_change_log_newest_first() {
    let site = site_with_updates();
    let built = seckb::build(&options(site.root())).expect("builds");
    let html = text(&built, "incidents/outage/index.html");
    let doc = scraper::Html::parse_document(&html);
    let section = scraper::Selector::parse("section.changelog-section").unwrap();
    let log = doc.select(&section).next().expect("a change log");
    insta::assert_snapshot!(log.html());
}

/// The feed at `path` of `built`, parsed.
fn feed(built: &seckb::Built, path: &str) -> feed_rs::model::Feed {
    feed_rs::parser::parse(text(built, path).as_bytes()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Each entry's (id, title) of the feed at `path`.
fn entries(built: &seckb::Built, path: &str) -> Vec<(String, String)> {
    feed(built, path)
        .entries
        .into_iter()
        .map(|e| (e.id, e.title.map(|t| t.content).unwrap_or_default()))
        .collect()
}

#[test]
fn every_update_is_a_feed_entry_with_an_id_that_stays_across_builds() {
    let site = site_with_updates();
    let first = seckb::build(&options(site.root())).expect("builds");
    let update_ids = [
        "tag:example.org,2026-11-01:INC-1/updates/2026-11-03T10:00:00Z/1",
        "tag:example.org,2026-11-01:INC-1/updates/2026-11-02T00:00:00Z/1",
    ];
    for path in [
        "atom.xml",
        "incidents/atom.xml",
        "incidents/outage/atom.xml",
        "tags/outage/atom.xml",
        "severity/high/atom.xml",
        "status/resolved/atom.xml",
    ] {
        let listed = entries(&first, path);
        let ids: Vec<&str> = listed.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids[..2], update_ids, "{path}: {listed:?}");
        assert_eq!(
            listed[0].1,
            "INC-1 [HIGH] Outage: status investigating → resolved, severity low → high",
            "{path}"
        );
        assert!(
            ids.contains(&"https://example.org/incidents/outage/"),
            "{path}"
        );
    }
    // The guide is in the site feed and its tag's, not the incident's.
    assert!(entries(&first, "tags/outage/atom.xml")
        .iter()
        .any(|(id, _)| id == "https://example.org/guides/g/"));
    assert_eq!(entries(&first, "incidents/outage/atom.xml").len(), 3);
    let entry = &feed(&first, "incidents/outage/atom.xml").entries[0];
    assert_eq!(
        entry.links[0].href,
        "https://example.org/incidents/outage/#update-2"
    );
    assert!(entry
        .summary
        .as_ref()
        .unwrap()
        .content
        .contains("Fixed; see the guide."));

    // The same content builds the same ids; an update added on another
    // date changes no other update's id.
    let again = seckb::build(&options(site.root())).expect("builds");
    assert_eq!(entries(&first, "atom.xml"), entries(&again, "atom.xml"));
    let three =
        format!("{TWO_UPDATES}  - date: 2026-11-04\n    text: A post-mortem is published.\n");
    site.file(
        "content/incidents/outage.md",
        incident(
            "Outage",
            "2026-11-01",
            "id: INC-1\ntags: [outage]\n",
            &three,
        ),
    );
    let later = seckb::build(&options(site.root())).expect("builds");
    let ids: Vec<String> = entries(&later, "incidents/outage/atom.xml")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        ids,
        [
            "tag:example.org,2026-11-01:INC-1/updates/2026-11-04T00:00:00Z/1",
            update_ids[0],
            update_ids[1],
            "https://example.org/incidents/outage/",
        ]
    );
}

#[test]
fn incident_and_term_pages_link_their_own_feed_which_exists_and_parses() {
    let site = site_with_updates();
    let built = seckb::build(&options(site.root())).expect("builds");
    let mut checked = 0;
    for (path, content) in built.output.files() {
        let own = path.starts_with("incidents/") && path != "incidents/index.html"
            || ["tags/", "vendors/", "severity/", "status/"]
                .iter()
                .any(|t| path.starts_with(t) && path.matches('/').count() == 2);
        if !path.ends_with("index.html") || !own {
            continue;
        }
        let html = content.text().expect("text").into_owned();
        let doc = scraper::Html::parse_document(&html);
        let selector =
            scraper::Selector::parse("head link[rel=alternate][type=\"application/atom+xml\"]")
                .unwrap();
        let hrefs: Vec<&str> = doc
            .select(&selector)
            .filter_map(|e| e.value().attr("href"))
            .collect();
        let feed_path = path.replace("index.html", "atom.xml");
        assert_eq!(
            hrefs.get(2),
            Some(&format!("/{feed_path}").as_str()),
            "{path}"
        );
        let parsed = feed(&built, &feed_path);
        assert_eq!(parsed.feed_type, feed_rs::model::FeedType::Atom);
        // A severity or status term without documents has an empty feed.
        let lists_some = ["href=\"/incidents/outage/\"", "href=\"/guides/g/\""]
            .iter()
            .any(|link| html.contains(link));
        assert_eq!(!parsed.entries.is_empty(), lists_some, "{feed_path}");
        checked += 1;
    }
    // The incident, its tag, two severity and two status terms… every term page.
    assert!(checked >= 6, "only {checked} pages");
}

#[test]
fn an_alias_on_an_incidents_feed_is_a_url_collision() {
    let site = site_with_updates();
    site.file(
        "content/guides/h.md",
        "---\ntitle: H\naliases:\n  - /incidents/outage/atom.xml/\n---\nText.\n",
    );
    site.fails_with(&[diag("E0201", "content/guides/h.md", 4, 5)]);
}

/// Every feed and `api/changes.json` of `built`, by path.
fn feeds(built: &seckb::Built) -> BTreeMap<String, String> {
    built
        .output
        .files()
        .filter(|(p, _)| p.ends_with("atom.xml") || p.as_str() == "api/changes.json")
        .map(|(p, c)| (p.clone(), c.text().expect("text").into_owned()))
        .collect()
}

#[test]
fn no_unpublished_incident_or_update_reaches_any_feed() {
    let site = site_with_updates();
    let secret = |marker: &str| {
        format!("  - date: 2026-11-05\n    status: resolved\n    severity: low\n    text: {marker} leaked.\n")
    };
    site.file(
        "content/incidents/draft.md",
        incident(
            "Draft",
            "2026-11-04",
            "tags: [outage]\ndraft: true\n",
            &secret("DRAFTMARK"),
        ),
    );
    site.file(
        "content/incidents/amber.md",
        incident(
            "Amber",
            "2026-11-04",
            "tags: [outage]\ntlp: amber\n",
            &secret("AMBERMARK"),
        ),
    );
    site.file(
        "content/incidents/embargoed.md",
        incident(
            "Embargoed",
            "2026-11-04",
            "tags: [outage]\nembargo: 2027-01-01T00:00:00Z\n",
            &secret("EMBARGOMARK"),
        ),
    );
    let with = seckb::build(&options(site.root())).expect("builds");
    for (path, content) in with.output.files() {
        let Some(text) = content.text() else { continue };
        for marker in ["DRAFTMARK", "AMBERMARK", "EMBARGOMARK"] {
            assert!(!text.contains(marker), "{path} holds {marker}");
        }
    }
    for name in ["draft", "amber", "embargoed"] {
        site.remove(&format!("content/incidents/{name}.md"));
    }
    let without = seckb::build(&options(site.root())).expect("builds");
    assert_eq!(feeds(&with), feeds(&without));
    assert!(feeds(&with).len() > 5);
}

#[test]
fn api_changes_json_matches_its_schema_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    copy_demo(dir.path());
    let built = seckb::build(&options(dir.path())).expect("the demo builds");
    let changes: serde_json::Value =
        serde_json::from_str(&text(&built, "api/changes.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("docs/api-changes.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(&changes)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert_eq!(errors, Vec::<String>::new());
    let list = changes["changes"].as_array().unwrap();
    assert_eq!(list.len(), 7, "the demo's two incidents with updates");
    let dates: Vec<&str> = list.iter().map(|c| c["date"].as_str().unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
    assert_eq!(list[0]["incident"], "INC-2026-0042");
    assert_eq!(
        list[0]["status"],
        serde_json::json!({"from": "identified", "to": "monitoring"})
    );
    assert_eq!(list[0]["severity"], serde_json::Value::Null);
    let resolved = list
        .iter()
        .find(|c| c["status"]["to"] == "resolved")
        .expect("the credential-stuffing incident resolved");
    assert_eq!(resolved["status"]["from"], "identified");
    // Every id is its feed entry's.
    let site_feed = text(&built, "atom.xml");
    for c in list {
        let id = c["id"].as_str().unwrap();
        assert!(site_feed.contains(&format!("<id>{id}</id>")), "{id}");
    }
}

/// A site with one open high incident, and `config` added to seckb.yaml.
fn site_with_open_incident(config: &str) -> Site {
    let site = site_with_updates();
    site.file("seckb.yaml", format!("{CONFIG}{config}"));
    site.file(
        "content/incidents/open.md",
        incident(
            "Open one",
            "2026-11-10",
            "",
            "  - date: 2026-11-10\n    status: identified\n    severity: high\n    text: Known.\n",
        ),
    );
    site
}

/// The banner's links on each HTML page of `built`.
fn banners(built: &seckb::Built) -> BTreeMap<String, Vec<String>> {
    let selector = scraper::Selector::parse("aside.site-banner a").unwrap();
    built
        .output
        .files()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, c)| {
            let html = scraper::Html::parse_document(&c.text().expect("text"));
            let links = html
                .select(&selector)
                .filter_map(|a| a.value().attr("href").map(str::to_string))
                .collect();
            (p.clone(), links)
        })
        .collect()
}

#[test]
fn the_banner_shows_on_every_page_while_an_incident_that_severe_is_open() {
    let on = seckb::build(&options(
        site_with_open_incident("banner: { severity: high }\n").root(),
    ))
    .expect("builds");
    let pages = banners(&on);
    assert!(pages.len() > 10);
    for (page, links) in &pages {
        if page == "incidents/open/index.html"
            || !page.ends_with("index.html") && page != "404.html"
        {
            continue;
        }
        // The resolved high incident (Outage) is not announced.
        assert_eq!(links, &["/incidents/open/"], "{page}");
    }
    assert_eq!(pages["404.html"], ["/incidents/open/"]);
    // Off: without `banner:`, or when nothing open is that severe.
    for config in ["", "banner: { severity: critical }\n"] {
        let off = seckb::build(&options(site_with_open_incident(config).root())).expect("builds");
        for (page, links) in banners(&off) {
            assert!(links.is_empty(), "{config:?}: {page} {links:?}");
        }
    }
    let bad = site_with_open_incident("banner: { severity: hgh }\n");
    let (code, diags) = bad.check();
    assert_eq!(
        (code, diags[0].code.as_str(), diags[0].line),
        (1, "E0002", 3)
    );
}

/// The banner names at most `banner.max` incidents, most severe first, and
/// counts the others: every page carries it, so it must not grow with the
/// number of open incidents.
#[test]
fn the_banner_names_at_most_max_incidents_and_counts_the_rest() {
    let site = site_with_open_incident("banner: { severity: low, max: 2 }\n");
    for (n, severity) in ["low", "medium", "critical", "low"].iter().enumerate() {
        site.file(
            &format!("content/incidents/more-{n}.md"),
            incident(
                &format!("More {n}"),
                &format!("2026-11-1{n}"),
                "",
                &format!("  - date: 2026-11-1{n}\n    status: identified\n    severity: {severity}\n    text: Known.\n"),
            ),
        );
    }
    let built = seckb::build(&options(site.root())).expect("builds");
    let home = text(&built, "index.html");
    // Five open incidents: the critical one, the high one, then three counted.
    assert_eq!(
        banners(&built)["index.html"],
        ["/incidents/more-2/", "/incidents/open/", "/incidents/"]
    );
    assert!(home.contains(">and 3 more</a>"), "{home}");
    let (code, diags) = site_with_open_incident("banner: { severity: low, max: 0 }\n").check();
    assert_eq!(
        (code, diags[0].code.as_str(), diags[0].line),
        (1, "E0002", 3),
        "{diags:?}"
    );
}

/// A site that reviews incidents every 30 days and pages every 10 weeks.
fn reviewed_site() -> Site {
    let site = Site::new();
    site.file(
        "seckb.yaml",
        format!("{CONFIG}review: {{ incident: 30d, page: 10w }}\n"),
    );
    site.file(
        "content/incidents/x.md",
        "---\ntitle: X\ndate: 2026-01-01\nseverity: low\nstatus: resolved\nreviewed:\n  by: \"@alice\"\n  date: 2026-11-01\n---\nText.\n",
    );
    site.file(
        "content/guides/g.md",
        "---\ntitle: G\ndate: 2026-10-01\n---\nText.\n",
    );
    site
}

/// The diagnostics of a check of `site` at `now`.
fn check_at(site: &Site, now: &str) -> Vec<Diag> {
    let options = seckb::BuildOptions {
        now: Some(time(now)),
        ..options(site.root())
    };
    match seckb::build(&options) {
        Ok(built) => built.warnings.iter().map(Diag::from).collect(),
        Err(failed) => panic!("{}", human(&failed.diagnostics)),
    }
}

#[test]
fn a_review_older_than_its_interval_is_a_warning_at_its_date() {
    let site = reviewed_site();
    assert_eq!(check_at(&site, "2026-11-20T00:00:00Z"), vec![]);
    assert_eq!(
        check_at(&site, "2026-12-05T00:00:00Z"),
        [diag("W0102", "content/incidents/x.md", 8, 9)]
    );
    // The guide has no `reviewed`: due 70 days after its date, at its first line.
    assert_eq!(
        check_at(&site, "2026-12-12T00:00:00Z"),
        [
            diag("W0102", "content/guides/g.md", 1, 1),
            diag("W0102", "content/incidents/x.md", 8, 9),
        ]
    );
    // `seckb check --format github` lists them like other diagnostics.
    let out = seckb(
        site.root(),
        &[
            "check",
            "--format",
            "github",
            "--now",
            "2026-12-05T00:00:00Z",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("::warning file=content/incidents/x.md,line=8,col=9,title=W0102 review-overdue::review overdue: last reviewed on 2026-11-01, and incidents are reviewed every 30 days"),
        "{}",
        stdout(&out)
    );
    let bad = Site::new();
    bad.file(
        "seckb.yaml",
        format!("{CONFIG}review:\n  incident: 6 months\n"),
    );
    let (code, diags) = bad.check();
    assert_eq!(
        (code, diags[0].code.as_str(), diags[0].line, diags[0].column),
        (1, "E0002", 4, 13)
    );
}

#[test]
fn seckb_owners_prints_codeowners_and_refuses_a_malformed_owner() {
    let site = site_with_updates();
    site.file(
        "content/incidents/outage.md",
        incident(
            "Outage",
            "2026-11-01",
            "owners: [\"@acme/security\", \"@bob\", sec@acme.example]\n",
            TWO_UPDATES,
        ),
    );
    site.file(
        "content/guides/a b.md",
        "---\ntitle: Spaced\ndraft: true\nowners: [\"@acme/docs\"]\n---\nText.\n",
    );
    let out = seckb(site.root(), &["owners"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "# Generated by `seckb owners` from the documents' `owners:`.\n# Paths are relative to the site root (the folder of seckb.yaml).\n/content/guides/a\\ b.md @acme/docs\n/content/incidents/outage.md @acme/security @bob sec@acme.example\n"
    );
    site.file(
        "content/guides/a b.md",
        "---\ntitle: Spaced\nowners: [acme docs]\n---\nText.\n",
    );
    let out = seckb(site.root(), &["owners"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("E0109") && stderr(&out).contains("content/guides/a b.md:3:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_osv_record_is_modified_at_the_latest_update() {
    let site = Site::new();
    site.file(
        "content/incidents/pkg.md",
        incident(
            "Package",
            "2026-11-01",
            "id: INC-9\naffected:\n  - ecosystem: npm\n    name: left-pad\n    versions: \"< 1.3.0\"\n",
            "  - date: 2026-11-02\n    severity: high\n    text: Found.\n  - date: 2026-11-07T08:00:00Z\n    status: resolved\n    text: Fixed in 1.3.0.\n",
        ),
    );
    let built = seckb::build(&options(site.root())).expect("builds");
    let record: serde_json::Value =
        serde_json::from_str(&text(&built, "osv/x_INC-9.json")).unwrap();
    assert_eq!(record["modified"], "2026-11-07T08:00:00Z");
    assert_eq!(record["published"], "2026-11-01T00:00:00Z");
}

/// `content/incidents/x.md`: a low-severity incident of 2026-11-01 with
/// `updates` (YAML list items) as its `updates:`.
fn add_low_incident(site: &Site, updates: &str) {
    site.file(
        "content/incidents/x.md",
        incident("X", "2026-11-01", "severity: low\n", updates),
    );
}
