//! Input values that must be refused, not written: empty (null) values,
//! URLs a reader would follow somewhere else than the text says, and
//! taxonomy terms that would share a page. Each case builds a small site in
//! a temporary folder through the library, asserts every error's code,
//! file, line and column, and that the build wrote nothing.

use crate::common::*;
use seckb::BuildOptions;

/// An incident with `front` lines after the required ones (lines 2-5).
fn incident(front: &str) -> String {
    format!("---\ntitle: T\ndate: 2026-01-01\nseverity: low\nstatus: resolved\n{front}---\nBody.\n")
}

// ---------------------------------------------------------------------------
// Empty values

#[test]
fn every_front_matter_key_left_empty_is_an_error_at_its_line() {
    use seckb::content::{frontmatter, Kind};
    let s = Site::new();
    let file = "content/incidents/a.md";
    let keys = frontmatter::allowed_keys(Kind::Incident);
    assert!(keys.contains(&"tlp") && keys.contains(&"draft") && keys.contains(&"embargo"));
    for key in keys {
        // Required keys are replaced by their empty form; others are added.
        let text = match key {
            "title" | "date" | "severity" | "status" => {
                incident("").replace(&format!("\n{key}: "), &format!("\n{key}:\n# was: "))
            }
            _ => incident(&format!("{key}:\n")),
        };
        s.file(file, &text);
        let line = text.lines().position(|l| l == format!("{key}:")).unwrap() + 1;
        if key == "extra" {
            // Free-form data: a null is data like any other.
            std::fs::remove_dir_all(s.builds()).expect("remove the output");
            continue;
        }
        let errors = s.build_fails_with(&[diag("E0105", file, line, 1)]);
        assert_eq!(errors[0].message, format!("`{key}` has no value"), "{key}");
    }
}

#[test]
fn empty_values_inside_lists_and_mappings_and_written_as_null() {
    let s = Site::new();
    let file = "content/incidents/a.md";
    s.file(
        file,
        incident(concat!(
            "tlp: ~\n",                                    // 6
            "draft: null\n",                               // 7
            "tags:\n  - a\n  -\n",                         // 8-10
            "affected:\n  - vendor: Acme\n    product:\n", // 11-13
            "timeline:\n  - date:\n    event: x\n",        // 14-16
            "cves: [CVE-2026-0001, ~]\n",                  // 17
            "extra:\n  anything: ~\n",                     // 18-19
        )),
    );
    s.build_fails_with(&[
        diag("E0105", file, 6, 6),
        diag("E0105", file, 7, 8),
        diag("E0105", file, 10, 4),
        diag("E0105", file, 13, 5),
        diag("E0105", file, 15, 5),
        // Flow lists are located at their key.
        diag("E0105", file, 17, 7),
    ]);
    // An empty `tlp:` does not publish a restricted document at clear:
    // with the value written, the ceiling leaves it out.
    s.file(file, incident("tlp: red\n"));
    let out = s.builds();
    assert!(!out.join("incidents/a").exists());
}

#[test]
fn an_empty_value_in_a_section_index_or_seckb_yaml_is_an_error() {
    let s = Site::new();
    s.file("content/guides/_index.md", "---\ntitle:\n---\nIntro.\n");
    s.build_fails_with(&[diag("E0105", "content/guides/_index.md", 2, 1)]);
    s.remove("content/guides/_index.md");
    s.file("content/guides/g.md", "---\ntitle: G\n---\nx\n");
    let configs: [(&str, Diag); 5] = [
        ("publish_tlp:\n", diag("E0002", "seckb.yaml", 3, 1)),
        ("default_tlp: ~\n", diag("E0002", "seckb.yaml", 3, 14)),
        ("raw_html:\n", diag("E0002", "seckb.yaml", 3, 1)),
        (
            "security_txt:\n  contact: [mailto:a@example.org]\n  expires:\n",
            diag("E0002", "seckb.yaml", 5, 3),
        ),
        ("secrets:\n  allow:\n", diag("E0002", "seckb.yaml", 4, 3)),
    ];
    for (extra, expected) in configs {
        s.file("seckb.yaml", format!("{CONFIG}{extra}"));
        s.build_fails_with(&[expected]);
    }
    // Every top-level key of seckb.yaml but `extra`.
    for key in seckb::yaml::struct_fields::<seckb::config::RawConfig>() {
        s.file("seckb.yaml", format!("{key}:\n"));
        if *key == "extra" {
            s.builds();
        } else {
            s.build_fails_with(&[diag("E0002", "seckb.yaml", 1, 1)]);
        }
    }
}

// ---------------------------------------------------------------------------
// URLs

#[test]
fn reference_urls_a_browser_would_rewrite_are_refused() {
    let s = Site::new();
    let file = "content/incidents/a.md";
    let urls = [
        r#""https://a.example/\njavascript:alert(1)""#,
        r#""https://a.example/\tx""#,
        r#""https://a.example/a b""#,
        r#""https://a.example/\u202Etxt.exe""#,
        r#""https://a.example/\u200B""#,
        r#""https://a.example/\"onmouseover=alert(1)""#,
        r#""https://a.example/<b>""#,
        r#"'https:\\evil.example/'"#,
        "https://user:secret@a.example/",
        "https://bank.example@evil.example/",
        "javascript:alert(1)",
    ];
    let list: String = urls.iter().map(|u| format!("  - {u}\n")).collect();
    s.file(file, incident(&format!("references:\n{list}")));
    let expected: Vec<Diag> = (0..urls.len())
        .map(|i| diag("E0302", file, 7 + i, 5))
        .collect();
    s.build_fails_with(&expected);
    // Titled references are checked the same way, at their `url:`.
    s.file(
        file,
        incident("references:\n  - title: x\n    url: \"https://a/\\r\\nb\"\n"),
    );
    s.build_fails_with(&[diag("E0302", file, 8, 10)]);
}

#[test]
fn urls_in_seckb_yaml_that_reach_output_are_refused_at_their_line() {
    let s = Site::new();
    s.file("content/guides/g.md", "---\ntitle: G\n---\nx\n");
    let cases: [(&str, Diag); 8] = [
        (
            "csaf:\n  publisher:\n    name: A\n    namespace: \"https://a.example/\\nx\"\n    category: vendor\n",
            diag("E0002", "seckb.yaml", 6, 16),
        ),
        (
            "csaf:\n  publisher:\n    name: A\n    namespace: https://u:p@a.example/\n    category: vendor\n",
            diag("E0002", "seckb.yaml", 6, 16),
        ),
        (
            "security_txt:\n  contact: [\"https://a.example/\\u202E\"]\n  expires: 2027-01-01T00:00:00Z\n",
            diag("E0002", "seckb.yaml", 4, 12),
        ),
        (
            "security_txt:\n  contact:\n    - \"mailto:a@example.org\\nBcc: b@example.org\"\n  expires: 2027-01-01T00:00:00Z\n",
            diag("E0002", "seckb.yaml", 5, 7),
        ),
        (
            "security_txt:\n  contact: [mailto:a@example.org]\n  expires: 2027-01-01T00:00:00Z\n  policy: https://u:p@a.example/policy\n",
            diag("E0002", "seckb.yaml", 6, 11),
        ),
        ("cname: https://docs.example/\n", diag("E0002", "seckb.yaml", 3, 8)),
        ("cname: docs.example:8080\n", diag("E0002", "seckb.yaml", 3, 8)),
        ("cname: docs.example/kb\n", diag("E0002", "seckb.yaml", 3, 8)),
    ];
    for (extra, expected) in cases {
        s.file("seckb.yaml", format!("{CONFIG}{extra}"));
        s.build_fails_with(&[expected]);
    }
}

#[test]
fn a_bad_base_url_is_one_error_at_its_line() {
    let s = Site::new();
    s.file("content/guides/g.md", "---\ntitle: G\n---\nx\n");
    for base in [
        "https://user:pw@example.org/",
        "\"https://example.org/\\\"><script>\"",
        "\"https://example.org/a'b/\"",
        "\"https://example.org/a b/\"",
        "\"https://example.org/a\\nb/\"",
        "<https://example.org/>",
        "javascript:alert(1)",
        "ftp://example.org/",
        "file:///etc/",
        "https://example.org/?q=1",
    ] {
        s.file("seckb.yaml", format!("title: T\nbase_url: {base}\n"));
        s.build_fails_with(&[diag("E0002", "seckb.yaml", 2, 11)]);
    }
    // --base-url is checked the same way (it has no line to point at).
    s.file("seckb.yaml", CONFIG);
    let options = BuildOptions {
        base_url: Some("https://user:pw@example.org/".into()),
        ..s.options()
    };
    let errors = s.build_fails_with_options(&options);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].code.id().0, "E0002");
    assert!(errors[0].message.starts_with("--base-url:"), "{errors:#?}");
}

#[test]
fn aliases_must_be_plain_site_paths() {
    let s = Site::new();
    let file = "content/guides/g.md";
    let bad = [
        "javascript:alert(1)",
        "https://evil.example/",
        "//evil.example/x",
        r#""/a\\b""#,
        "/a/../../etc",
        "/a/%2e%2e/b",
        "/a%2fb",
        "/.git/config",
        "/.well-known/security.txt",
        r#""/a\nb""#,
        "/a?b",
        "\"/a#b\"",
        "/",
    ];
    let list: String = bad.iter().map(|a| format!("  - {a}\n")).collect();
    s.file(file, format!("---\ntitle: G\naliases:\n{list}---\nx\n"));
    let expected: Vec<Diag> = (0..bad.len())
        .map(|i| diag("E0106", file, 4 + i, 5))
        .collect();
    s.build_fails_with(&expected);
    // A plain old path redirects.
    s.file(
        file,
        "---\ntitle: G\naliases: [/old/Name_v1.2~x/, /2019/g.html]\n---\nx\n",
    );
    let out = s.builds();
    assert!(out.join("old/Name_v1.2~x/index.html").is_file());
    assert!(out.join("2019/g.html").is_file());
}

// ---------------------------------------------------------------------------
// Taxonomy terms

#[test]
fn tags_whose_urls_collide_are_an_error_naming_both() {
    let s = Site::new();
    s.file(
        "content/incidents/a.md",
        incident("tags: [C++, Rust]\naffected:\n  - vendor: Acme Corp\n"),
    );
    s.file(
        "content/incidents/b.md",
        incident("tags:\n  - rust\n  - C#\nthird_parties: [Acme-Corp]\n")
            .replace("2026-01-01", "2025-12-01"),
    );
    let errors = s.build_fails_with(&[
        diag("E0201", "content/incidents/b.md", 8, 5),
        diag("E0201", "content/incidents/b.md", 9, 17),
    ]);
    assert_eq!(
        errors[0].message,
        "tag `C#` maps to /tags/c/, the page of tag `C++` (content/incidents/a.md:6:8)"
    );
    assert_eq!(
        errors[1].message,
        "vendor `Acme-Corp` maps to /vendors/acme-corp/, the page of vendor `Acme Corp` (content/incidents/a.md:8:13)"
    );
    // Names differing only in case are one term, on one page.
    s.file(
        "content/incidents/b.md",
        incident("tags: [rust, c plus plus]\nthird_parties: [ACME CORP]\n"),
    );
    let out = s.builds();
    let rust = std::fs::read_to_string(out.join("tags/rust/index.html")).unwrap();
    assert!(rust.contains("/incidents/a/") && rust.contains("/incidents/b/"));
    assert!(out.join("tags/c/index.html").is_file());
    assert!(out.join("tags/c-plus-plus/index.html").is_file());
}

#[test]
fn a_colliding_term_of_an_unpublished_document_is_not_named() {
    let s = Site::new();
    s.file("content/incidents/a.md", incident("tags: [C++]\n"));
    s.file("content/incidents/b.md", incident("tags: [C#]\ntlp: red\n"));
    let out = s.builds();
    let tag = std::fs::read_to_string(out.join("tags/c/index.html")).unwrap();
    assert!(tag.contains("C++") && !tag.contains("C#"));
    // With its ceiling raised, the build sees both and fails.
    let options = BuildOptions {
        tlp: Some(seckb::content::Tlp::Red),
        output: Some(s.root().join("red")),
        ..s.options()
    };
    let failed = seckb::build_and_write(&options).expect_err("the red build fails");
    assert_eq!(
        errors(&failed.diagnostics),
        [diag("E0201", "content/incidents/b.md", 6, 8)]
    );
    assert!(!s.root().join("red").exists());
}

#[test]
fn terms_without_letters_or_digits_are_refused() {
    let s = Site::new();
    let file = "content/incidents/a.md";
    s.file(
        file,
        incident("tags: [ok, \"!!!\"]\naffected:\n  - \"---\"\n  - vendor: \"?\"\nthird_parties: [\"…\"]\n"),
    );
    s.build_fails_with(&[
        // The flow list is located at its key.
        diag("E0106", file, 6, 7),
        diag("E0106", file, 8, 5),
        diag("E0106", file, 9, 13),
        diag("E0106", file, 10, 16),
    ]);
}
