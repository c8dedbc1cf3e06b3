//! Hostile front matter and Markdown (script tags, event handlers,
//! `javascript:` URLs, `</script>` in titles, `"><svg onload=…>` in tags and
//! vendors) produce no executable script in any output file: checked by
//! parsing every HTML page, every feed's embedded HTML and every JSON file.

use crate::common::*;
use std::path::Path;

/// Problems that would let content run script in a reader's browser.
fn script_problems(where_: &str, html: &str, base_path: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let all = scraper::Selector::parse("*").unwrap();
    let mut problems = Vec::new();
    for element in doc.select(&all) {
        let el = element.value();
        let name = el.name();
        // The theme's own forms (site search, list filters) submit to the site.
        let own_form = name == "form" && el.attr("action").is_none_or(|a| a.starts_with(base_path));
        let embeds = [
            "iframe", "object", "embed", "frame", "base", "form", "style",
        ];
        if embeds.contains(&name) && !own_form {
            problems.push(format!("{where_}: <{name}> element"));
        }
        if name == "script" {
            let text: String = element.text().collect();
            match (el.attr("type"), el.attr("src")) {
                // Data blocks (JSON-LD, the theme's strings): not run, and no `<` can close them.
                (Some("application/ld+json" | "application/json"), None) => {
                    if text.contains('<') {
                        problems.push(format!("{where_}: a JSON data block contains a raw `<`"));
                    }
                    if serde_json::from_str::<serde_json::Value>(&text).is_err() {
                        problems.push(format!("{where_}: a JSON data block does not parse"));
                    }
                }
                (_, Some(src)) if src.starts_with(base_path) && text.trim().is_empty() => {}
                _ => problems.push(format!(
                    "{where_}: executable <script> {:?}",
                    element.html()
                )),
            }
        }
        for (attr, value) in el.attrs() {
            if attr.starts_with("on") {
                problems.push(format!(
                    "{where_}: event handler {attr}=\"{value}\" on <{name}>"
                ));
            }
            if attr == "style" {
                problems.push(format!("{where_}: style attribute on <{name}>"));
            }
            let v = value.trim().to_ascii_lowercase();
            if ["href", "src", "action", "formaction", "xlink:href", "data"].contains(&attr)
                && (v.starts_with("javascript:")
                    || v.starts_with("data:text")
                    || v.starts_with("vbscript:"))
            {
                problems.push(format!("{where_}: {attr}=\"{value}\" on <{name}>"));
            }
        }
    }
    problems
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[test]
fn hostile_content_yields_no_executable_script_in_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    built(&seckb::BuildOptions {
        output: Some(out.clone()),
        ..options(&fixture("xss"))
    });
    let mut problems = Vec::new();
    let mut checked = (0, 0, 0);
    for entry in walkdir::WalkDir::new(&out)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
    {
        let rel = entry
            .path()
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
        match Path::new(&rel).extension().and_then(|e| e.to_str()) {
            Some("html") => {
                problems.extend(script_problems(&rel, &text, "/kb/"));
                checked.0 += 1;
            }
            Some("xml") => {
                assert!(
                    !text.contains("<script") && !text.contains("<img"),
                    "{rel} carries raw markup"
                );
                // Feed entries carry HTML escaped once: it must be safe once unescaped.
                for part in text.split("<content type=\"html\">").skip(1) {
                    let html = xml_unescape(part.split("</content>").next().unwrap_or(""));
                    problems.extend(script_problems(
                        &format!("{rel} (entry content)"),
                        &html,
                        "/kb/",
                    ));
                }
                checked.1 += 1;
            }
            Some("json") => {
                let parsed: Result<serde_json::Value, _> = serde_json::from_str(&text);
                assert!(parsed.is_ok(), "{rel} is not valid JSON");
                checked.2 += 1;
            }
            _ => {}
        }
    }
    assert!(checked.0 > 15 && checked.1 >= 2, "checked {checked:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // The hostile strings are shown as text, not dropped.
    let page = std::fs::read_to_string(out.join("incidents/hostile/index.html")).unwrap();
    assert!(
        page.contains("&lt;&#x2F;script&gt;&lt;script&gt;alert(&#39;title&#39;)")
            || page.contains("&lt;/script&gt;&lt;script&gt;alert(&#39;title&#39;)"),
        "title not shown as text"
    );
    let code = page.split("data-lang=\"html\"").nth(1).unwrap_or("");
    assert!(
        code.contains("&lt;") && code.contains("in a code block, shown as text"),
        "code block not shown as text"
    );
}

#[test]
fn javascript_and_data_urls_in_markdown_and_references_are_refused() {
    let site = Site::fixture("xss");
    let doc = "content/guides/hostile-guide.md";
    site.file(
        doc,
        "---\ntitle: Links\n---\n[click](javascript:alert(1)) and [data](data:text/html,x).\n",
    );
    assert_eq!(
        errors(&site.diagnostics()),
        [diag("E0302", doc, 4, 1), diag("E0302", doc, 4, 34)]
    );

    let incident = "content/incidents/2026-11-01-hostile.md";
    let text = site.read(incident).replace(
        "url: \"https://example.org/?q='onmouseover='alert(1)&x=1;y=(2)\"",
        "url: \"javascript:alert(1)\"",
    );
    site.file(incident, text);
    site.file(doc, "---\ntitle: Links\n---\nFine.\n");
    let found = errors(&site.diagnostics());
    assert_eq!(
        found.first().map(|d| (d.code.as_str(), d.line)),
        Some(("E0302", 26)),
        "{found:?}"
    );
}
