//! Machine-readable exports: `api/incidents.json` against its documented
//! schema, `.well-known/security.txt` against RFC 9116, schema.org JSON-LD
//! on document pages, and `seckb schema` against every demo document. (The
//! CSAF documents are validated by the official validator in
//! tests/browser/csaf.test.mjs.)

use crate::common::*;
use seckb::{BuildOptions, Built};
use serde_json::Value;
use std::path::Path;

/// Builds with `options` into `out`.
fn build(out: &Path, options: BuildOptions) -> Built {
    built(&BuildOptions {
        output: Some(out.to_path_buf()),
        ..options
    })
}

fn json_file(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("a valid JSON Schema")
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn api_json_matches_its_documented_schema_and_lists_exactly_the_published_incidents() {
    let schema = json_file(&repo().join("docs/api-incidents.schema.json"));
    let validator = validator(&schema);
    let dir = tempfile::tempdir().unwrap();

    let out = dir.path().join("fixture");
    build(&out, options(&fixture("exports")));
    let api = json_file(&out.join("api/incidents.json"));
    assert_eq!(errors(&validator, &api), Vec::<String>::new());
    assert_eq!(api["version"], 1);
    // Newest first; the draft, the TLP:AMBER one and the embargoed one are left out.
    let listed: Vec<(&str, &str)> = api["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["slug"].as_str().unwrap(), i["id"].as_str().unwrap_or("-")))
        .collect();
    assert_eq!(
        listed,
        [
            ("phishing-wave", "-"),
            ("gateway-rce", "EXP-2026-0001"),
            ("legacy-tls", "EXP:2025.7"),
        ]
    );
    let text = std::fs::read_to_string(out.join("api/incidents.json")).unwrap();
    for hidden in [
        "EXP-2026-0003",
        "EXP-2026-0004",
        "EXP-2026-0005",
        "Internal review",
        "Coordinated disclosure",
    ] {
        assert!(!text.contains(hidden), "api/incidents.json leaks {hidden}");
    }
    let rce = &api["incidents"][1];
    assert_eq!(
        rce["url"],
        "https://psirt.example.org/kb/incidents/gateway-rce/"
    );
    assert_eq!(rce["updated"], "2026-05-20T08:30:00Z");
    assert_eq!(rce["cvss"]["score"], 9.8);
    assert_eq!(
        rce["timeline"][1]["event"],
        "Fixed release 2.3.2 published."
    );
    assert_eq!(
        rce["faqs"][0]["url"],
        "https://psirt.example.org/kb/faq/questions/"
    );
    assert_eq!(
        rce["csaf"],
        "https://psirt.example.org/kb/.well-known/csaf/2026/exp-2026-0001.json"
    );

    // An internal build with drafts lists them all, and the demo site validates too.
    let internal = dir.path().join("internal");
    build(
        &internal,
        BuildOptions {
            tlp: Some(seckb::content::Tlp::Red),
            drafts: true,
            ..options(&fixture("exports"))
        },
    );
    let api = json_file(&internal.join("api/incidents.json"));
    assert_eq!(errors(&validator, &api), Vec::<String>::new());
    assert_eq!(api["incidents"].as_array().unwrap().len(), 6);
    let demo = dir.path().join("demo");
    build(&demo, options(&repo()));
    let api = json_file(&demo.join("api/incidents.json"));
    assert_eq!(errors(&validator, &api), Vec::<String>::new());
    assert!(api["incidents"].as_array().unwrap().len() >= 5);

    // The schema has teeth: a wrong value and an undocumented field fail it.
    let mut bad = api.clone();
    bad["incidents"][0]["severity"] = "urgent".into();
    bad["incidents"][1]["internal_notes"] = "x".into();
    let found = errors(&validator, &bad);
    assert_eq!(found.len(), 2, "{found:?}");
}

/// `Name: value` fields of a security.txt, comments and blank lines skipped.
fn fields(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (name, value) = l
                .split_once(": ")
                .unwrap_or_else(|| panic!("not a field: {l:?}"));
            (name.to_string(), value.to_string())
        })
        .collect()
}

/// The values of every `name` field of `fields`, in order.
fn values<'a>(fields: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    fields
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

#[test]
fn security_txt_has_the_required_fields_in_rfc_9116_form() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let built = build(&out, options(&fixture("exports")));
    let codes: Vec<&str> = built.warnings.iter().map(|d| d.code.id().0).collect();
    assert!(!codes.contains(&"W0200"), "{}", human(&built.warnings));
    let text = std::fs::read_to_string(out.join(".well-known/security.txt")).unwrap();
    assert!(text.ends_with('\n') && !text.contains('\r'));
    let fields = fields(&text);
    let known = [
        "Contact",
        "Expires",
        "Encryption",
        "Acknowledgments",
        "Preferred-Languages",
        "Canonical",
        "Policy",
        "Hiring",
        "CSAF",
    ];
    for (name, _) in &fields {
        assert!(known.contains(&name.as_str()), "unknown field {name}");
    }
    assert_required_fields(&fields);
    assert_optional_fields(&fields);
    assert!(out
        .join(".well-known/csaf/provider-metadata.json")
        .is_file());
}

/// RFC 9116's required fields: at least one Contact, each a mailto:, tel:
/// or https: URI; exactly one Expires, in RFC 3339, after the build clock
/// and within a year of it.
fn assert_required_fields(fields: &[(String, String)]) {
    let contacts = values(fields, "Contact");
    assert_eq!(
        contacts,
        [
            "mailto:psirt@example.org",
            "tel:+1-201-555-0123",
            "https://example.org/security/report"
        ]
    );
    for c in &contacts {
        let uri = url::Url::parse(c).unwrap();
        assert!(["mailto", "tel", "https"].contains(&uri.scheme()), "{c}");
    }
    let expires = values(fields, "Expires");
    assert_eq!(expires.len(), 1);
    let expires = time(expires[0]);
    let now = now();
    assert!(expires > now && expires - now < chrono::Duration::days(365));
}

/// The optional fields: those that may appear once appear once, web URIs
/// are https, and each holds the fixture's value.
fn assert_optional_fields(fields: &[(String, String)]) {
    let all = |name: &str| values(fields, name);
    for name in [
        "Preferred-Languages",
        "Canonical",
        "Encryption",
        "Policy",
        "Acknowledgments",
        "Hiring",
        "CSAF",
    ] {
        assert_eq!(all(name).len(), 1, "{name}");
    }
    for name in [
        "Canonical",
        "Encryption",
        "Policy",
        "Acknowledgments",
        "Hiring",
        "CSAF",
    ] {
        assert!(all(name)[0].starts_with("https://"), "{name}");
    }
    assert_eq!(
        all("Canonical"),
        ["https://psirt.example.org/kb/.well-known/security.txt"]
    );
    assert_eq!(all("Preferred-Languages"), ["en, fr"]);
    let csaf = all("CSAF")[0];
    assert_eq!(
        csaf,
        "https://psirt.example.org/kb/.well-known/csaf/provider-metadata.json"
    );
}

#[test]
fn security_txt_expiry_is_a_warning_and_bad_values_are_errors() {
    let site = Site::fixture("exports");
    let config = site.path("seckb.yaml");
    let original = std::fs::read_to_string(&config).unwrap();
    for (expires, problem) in [
        ("2026-11-01T00:00:00Z", "has passed"),
        ("2028-01-01T00:00:00Z", "is more than a year ahead"),
    ] {
        std::fs::write(&config, original.replace("2027-05-01T00:00:00Z", expires)).unwrap();
        let built = build_in_memory(site.root()).expect("an expiry is a warning");
        let text = human(&built.warnings);
        assert!(
            text.contains(&format!(
                "warning[W0200]: `security_txt.expires` ({expires}) {problem}"
            )),
            "{text}"
        );
        assert!(text.contains("--> seckb.yaml:12:12"), "{text}");
        let denied = seckb(site.root(), &["check", "--deny-warnings"]);
        assert_eq!(denied.status.code(), Some(1));
    }
    let broken = original
        .replace("tel:+1-201-555-0123", "http://example.org/report")
        .replace("2027-05-01T00:00:00Z", "next year")
        .replace("namespace: https://example.org", "namespace: example.org");
    std::fs::write(&config, broken).unwrap();
    let failed = build_in_memory(site.root()).expect_err("bad values are errors");
    let found: Vec<(String, usize)> = failed
        .diagnostics
        .iter()
        .map(Diag::from)
        .map(|d| (d.code, d.line))
        .collect();
    assert_eq!(
        found,
        [
            ("E0002".to_string(), 10),
            ("E0002".to_string(), 12),
            ("E0002".to_string(), 21)
        ]
    );
}

/// The parsed JSON-LD blocks of an HTML page (all must parse).
fn json_ld(html: &str) -> Vec<Value> {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(r#"script[type="application/ld+json"]"#).unwrap();
    doc.select(&selector)
        .map(|s| {
            let text: String = s.text().collect();
            assert!(
                !text.contains('<') && !text.contains('>') && !text.contains('&'),
                "unescaped: {text}"
            );
            serde_json::from_str(&text).unwrap()
        })
        .collect()
}

#[test]
fn faq_json_ld_holds_each_question_and_answer_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&out, options(&fixture("exports")));
    let html = std::fs::read_to_string(out.join("faq/questions/index.html")).unwrap();
    let blocks = json_ld(&html);
    assert_eq!(blocks.len(), 1);
    let faq = &blocks[0];
    assert_eq!(faq["@context"], "https://schema.org");
    assert_eq!(faq["@type"], "FAQPage");
    let questions: Vec<(&str, &str)> = faq["mainEntity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            assert_eq!(q["@type"], "Question");
            assert_eq!(q["acceptedAnswer"]["@type"], "Answer");
            (
                q["name"].as_str().unwrap(),
                q["acceptedAnswer"]["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        questions,
        [
            ("Am I affected?", "If you run Gateway 2.0 to 2.3.1, yes."),
            (
                "What does </script><!-- in a log mean?",
                "It is an attack attempt & should be reported: <script> in a URL is never ours."
            ),
            ("How do I upgrade?", "Follow the upgrade guide."),
        ]
    );
}

#[test]
fn demo_faq_json_ld_holds_one_question_per_heading_each_visible_on_the_page() {
    let dir = tempfile::tempdir().unwrap();
    // The demo's FAQ: one Question per `##` heading of its source, each visible on the page.
    let demo = dir.path().join("demo");
    build(&demo, options(&repo()));
    let source = std::fs::read_to_string(repo().join("content/faq/metricly-incident.md")).unwrap();
    let headings: Vec<&str> = source
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .collect();
    assert!(headings.len() > 3);
    let html = std::fs::read_to_string(demo.join("faq/metricly-incident/index.html")).unwrap();
    let faq = &json_ld(&html)[0];
    let names: Vec<&str> = faq["mainEntity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), headings.len());
    let page = scraper::Html::parse_document(&html);
    let h2: Vec<String> = page
        .select(&scraper::Selector::parse("main h2").unwrap())
        // The heading's own text, before its `#` self-link.
        .filter_map(|h| h.text().next().map(|t| t.trim().to_string()))
        .collect();
    for name in &names {
        assert!(
            h2.iter().any(|h| h == name),
            "question {name:?} is not a heading on the page: {h2:?}"
        );
    }
}

#[test]
fn article_json_ld_describes_documents_and_list_pages_carry_none() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&out, options(&fixture("exports")));
    let incident =
        &json_ld(&std::fs::read_to_string(out.join("incidents/gateway-rce/index.html")).unwrap())
            [0];
    assert_eq!(incident["@type"], "Article");
    assert_eq!(
        incident["headline"],
        "Remote code execution in the Example Gateway"
    );
    assert_eq!(incident["datePublished"], "2026-05-01T00:00:00Z");
    assert_eq!(incident["dateModified"], "2026-05-20T08:30:00Z");
    assert_eq!(incident["author"]["name"], "Example PSIRT team");
    assert_eq!(incident["publisher"]["name"], "Example PSIRT");
    assert_eq!(
        incident["keywords"],
        serde_json::json!(["gateway", "rce", "CVE-2026-10001", "Example"])
    );
    assert_eq!(
        incident["url"],
        "https://psirt.example.org/kb/incidents/gateway-rce/"
    );
    let guide =
        &json_ld(&std::fs::read_to_string(out.join("guides/upgrading/index.html")).unwrap())[0];
    assert_eq!(guide["@type"], "TechArticle");
    assert_eq!(guide["dateModified"], "2026-05-01T00:00:00Z");
    // List pages carry none.
    assert!(
        json_ld(&std::fs::read_to_string(out.join("incidents/index.html")).unwrap()).is_empty()
    );
}

/// The front matter of a Markdown file as JSON, as the parser reads it.
fn front_matter(text: &str) -> Value {
    let split = seckb::content::frontmatter::split(text).unwrap();
    let yaml: serde_yaml::Value = serde_yaml::from_str(split.yaml).unwrap();
    serde_json::to_value(yaml).unwrap()
}

fn schema_output(args: &[&str]) -> Value {
    let mut all = vec!["schema"];
    all.extend_from_slice(args);
    // `seckb schema` needs no site: run it from a folder without seckb.yaml.
    let empty = tempfile::tempdir().unwrap();
    let result = seckb(empty.path(), &all);
    assert!(result.status.success(), "{}", stderr(&result));
    serde_json::from_str(&stdout(&result)).unwrap()
}

/// The validators of `seckb schema --kind K` for each kind: incident, faq,
/// page (in that order).
fn kind_validators() -> Vec<(&'static str, jsonschema::Validator)> {
    ["incident", "faq", "page"]
        .into_iter()
        .map(|k| (k, validator(&schema_output(&["--kind", k]))))
        .collect()
}

#[test]
fn every_demo_document_validates_against_seckb_schema() {
    let any = validator(&schema_output(&[]));
    let kinds = kind_validators();
    let kind_of = |path: &Path| match path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
    {
        Some("incidents") => "incident",
        Some("faq") => "faq",
        _ => "page",
    };
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(repo().join("content"))
        .into_iter()
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "md")
            || path.file_name().is_some_and(|n| n == "_index.md")
        {
            continue;
        }
        let fm = front_matter(&std::fs::read_to_string(path).unwrap());
        let (_, own) = kinds.iter().find(|(k, _)| *k == kind_of(path)).unwrap();
        assert_eq!(errors(own, &fm), Vec::<String>::new(), "{}", path.display());
        assert_eq!(
            errors(&any, &fm),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} demo documents");
}

#[test]
fn a_wrong_field_or_a_missing_key_fails_seckb_schema() {
    let kinds = kind_validators();
    let incident = &kinds[0].1;
    let faq = &kinds[1].1;
    let good = front_matter(
        "---\ntitle: X\ndate: 2026-01-02\nseverity: low\ncves: [CVE-2026-1234]\n---\n",
    );
    assert!(incident.is_valid(&good));
    for (wrong, why) in [
        ("severity: urgent", "unknown severity"),
        ("severty: low", "misspelt key"),
        ("cves: [CVE-26-1]", "malformed CVE"),
        ("date: 9 November", "not a date"),
        ("records_affected: many", "not an integer"),
        ("tlp:", "a key with no value"),
        ("tags: [a, ~]", "a list entry with no value"),
        (
            "timeline: [{date: 2026-01-02, what: x}]",
            "timeline entry without `event`",
        ),
    ] {
        // A valid incident with one line replaced (or, for a new key, added).
        let key = wrong.split(':').next().unwrap();
        let mut lines = vec!["---", "title: X"];
        lines.extend(
            ["date: 2026-01-02", "severity: low"]
                .into_iter()
                .filter(|l| !l.starts_with(&format!("{key}:"))),
        );
        lines.extend([wrong, "---", ""]);
        let fm = front_matter(&lines.join("\n"));
        assert!(
            !incident.is_valid(&fm),
            "{why} passed the incident schema: {fm}"
        );
    }
    // Keys of another kind, and missing required keys, fail too.
    assert!(!faq.is_valid(&front_matter(
        "---\ntitle: X\ndate: 2026-01-02\nseverity: low\n---\n"
    )));
    assert!(
        !incident.is_valid(&front_matter("---\ntitle: X\ndate: 2026-01-02\n---\n")),
        "incident without severity or cvss"
    );
    assert!(
        !kinds[2]
            .1
            .is_valid(&front_matter("---\ndate: 2026-01-02\n---\n")),
        "page without title"
    );
    assert!(kinds[2]
        .1
        .is_valid(&front_matter("---\ntitle: About\n---\n")));
}

#[test]
fn csaf_file_names_that_collide_are_an_error() {
    let site = Site::fixture("exports");
    site.file("content/incidents/2026-08-01-same-file.md", "---\ntitle: Same file name\nid: exp-2026-0001\ndate: 2026-08-01\nseverity: low\nstatus: resolved\n---\nText.\n");
    let failed = build_in_memory(site.root()).expect_err("the names collide");
    let text = human(&failed.diagnostics);
    assert!(
        text.contains("error[E0201]") && text.contains(".well-known/csaf/2026/exp-2026-0001.json"),
        "{text}"
    );
    assert!(
        text.contains("--> content/incidents/2026-08-01-same-file.md:3:5"),
        "{text}"
    );
}
