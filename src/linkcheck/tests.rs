//! Tests of `linkcheck`.

use super::*;

#[test]
fn attributes_are_read_from_html() {
    let html = r##"<a href="/kb/a/">x</a><img src="b.png"><h2 id="top"><a name="n" data-id="no" title="x href=&quot;">"##;
    let found = attributes(html);
    assert_eq!(found.urls, ["/kb/a/", "b.png"]);
    assert_eq!(found.anchors, ["top", "n"]);
    assert_eq!(unescape("a&amp;b&quot;"), "a&b\"");
}

/// Link-checks the HTML pages of `out`, served under `base_path`.
fn check_output(out: &Output, base_path: &str) -> Vec<Diagnostic> {
    let theme = Theme {
        dir: "themes/default".into(),
        templates: Vec::new(),
        strings: Default::default(),
        statics: Default::default(),
    };
    let mut pages = Vec::new();
    let urls = read_rest(out, &mut pages, &Interner::default());
    let mut found = crate::diagnostics::Diagnostics::new();
    check(out, pages, &urls, base_path, &|_| None, &theme, &mut found);
    let mut found = found.into_vec();
    crate::diagnostics::sort(&mut found);
    found
}

#[test]
fn broken_links_and_anchors_are_found() {
    let mut out = Output::default();
    out.insert_bytes("index.html", br##"<a href="/kb/a/">a</a><a href="/kb/a/#x">x</a><a href="/kb/a/#nope">n</a><a href="/kb/missing/">m</a><a href="/elsewhere/">e</a><a href="#top">t</a><h1 id="top">"##.to_vec());
    out.insert_bytes("a/index.html", br##"<p id="x">"##.to_vec());
    let d = check_output(&out, "/kb/");
    let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(d.len(), 3, "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("`/kb/a/#nope`")));
    assert!(messages.iter().any(|m| m.contains("`/kb/missing/`")));
    assert!(messages.iter().any(|m| m.contains("`/elsewhere/`")));
}

#[test]
fn host_names_without_a_scheme_are_told_from_paths() {
    for host in [
        "github.com/x",
        "www.example.org",
        "docs.example.co.uk",
        "nvd.nist.gov/vuln",
    ] {
        assert!(looks_like_host(host), "{host}");
    }
    for path in [
        "diagram.png",
        "faq/keys.md",
        "report.pdf",
        "../x.html",
        "notes.txt",
        "a/b/c",
        "v1.2/notes",
    ] {
        assert!(!looks_like_host(path), "{path}");
    }
}

#[test]
fn broken_anchors_and_scheme_less_addresses_get_a_suggestion() {
    let mut out = Output::default();
    out.insert_bytes(
        "index.html",
        br##"<a href="/faq/#was-my-key-exposed">a</a><a href="github.com/acme/sdk">g</a><a href="/faq/#zzz">z</a>"##.to_vec(),
    );
    out.insert_bytes(
        "faq/index.html",
        br##"<h2 id="was-my-api-key-exposed">Q</h2><h2 id="how-do-i-rotate">R</h2>"##.to_vec(),
    );
    let d = check_output(&out, "/");
    let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(d.len(), 3, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`/faq/#was-my-key-exposed`")
                && m.contains("; did you mean `#was-my-api-key-exposed`?")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`/faq/#zzz`") && !m.contains("did you mean")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("write `https://github.com/acme/sdk`")),
        "{messages:?}"
    );
}

#[test]
fn named_files_resolve_root_relative_and_relative_urls() {
    let mut out = Output::default();
    out.insert_bytes(
        "incidents/x/index.html",
        br#"<img src="/kb/incidents/a%20b.png"><a href="notes.txt#l2">n</a><a href="/kb/faq/">f</a><a href="/other/c.png">o</a><a href="https://e.example/d.png">e</a>"#.to_vec(),
    );
    let mut pages = Vec::new();
    let urls = read_rest(&out, &mut pages, &Interner::default());
    let mut named: Vec<String> = named_files(&pages, &urls, "/kb/").into_iter().collect();
    named.sort();
    assert_eq!(named, ["incidents/a b.png", "incidents/x/notes.txt"]);
}
