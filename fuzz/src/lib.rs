//! What every fuzz target checks besides "no panic": diagnostics point inside
//! the file they name and render in every format, and HTML that seckb
//! sanitized carries no script, event handler or broken attribute quoting.

use seckb::diagnostics::{self, Diagnostic, Format};
use std::path::Path;

/// The fixed clock of every fuzz build (embargoes, stale warnings).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_795_953_600, 0).unwrap_or_default()
}

/// A small valid configuration with a base path, so URLs get one.
pub fn config() -> seckb::config::Config {
    let mut found = seckb::diagnostics::Diagnostics::new();
    seckb::config::parse(
        Path::new("."),
        "title: Fuzz\nbase_url: https://example.org/kb/\nraw_html: sanitize\n",
        &mut found,
    )
    .unwrap_or_else(|| panic!("the fuzz configuration is invalid: {found:?}"))
}

/// Checks diagnostics about `text`, the contents of `file`.
pub fn check_diagnostics(diagnostics: &[Diagnostic], file: &Path, text: &str) {
    let lines = text.lines().count().max(1);
    for d in diagnostics {
        assert!(!d.message.is_empty(), "empty message: {d:?}");
        let Some(loc) = &d.location else { continue };
        if loc.file != file || loc.line == 0 {
            continue;
        }
        assert!(
            loc.line <= lines + 1,
            "{d:?} points at line {} of a {lines}-line file",
            loc.line
        );
        assert!(loc.column >= 1, "{d:?} has column 0");
    }
    let _ = diagnostics::render(diagnostics, Format::Human, true);
    let _ = diagnostics::render(diagnostics, Format::Github, false);
    for line in diagnostics::render(diagnostics, Format::Json, false).lines() {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(line) {
            panic!("diagnostic JSON does not parse ({e}): {line}");
        }
    }
}

/// What HTML is checked: a rendered Markdown fragment, or a whole page of
/// the built site (which has the theme's `<script src>` and `<meta>` tags).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Html {
    Fragment,
    Page,
}

/// Elements that must never come out of sanitized content.
const FORBIDDEN_IN_CONTENT: [&str; 9] = [
    "script", "style", "iframe", "object", "embed", "base", "form", "meta", "link",
];
/// Elements a strict-CSP page must not have (scripts only as `src` files).
const FORBIDDEN_IN_PAGES: [&str; 5] = ["style", "iframe", "object", "embed", "base"];

/// Asserts that `html` (seckb output where raw HTML was sanitized or refused)
/// has no script-capable markup: every tag is well formed, no forbidden
/// element, no `on*`/`style` attribute, no `javascript:` URL, and in pages no
/// inline script. Text is escaped by seckb, so every `<` left in the output
/// starts a tag, a comment or the doctype.
pub fn check_safe_html(html: &str, kind: Html, context: &str) {
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            let Some(end) = after.find("-->") else {
                panic!("{context}: unterminated comment in\n{html}");
            };
            rest = &after[end + 3..];
            continue;
        }
        if kind == Html::Page
            && rest
                .get(..8)
                .is_some_and(|p| p.eq_ignore_ascii_case("!doctype"))
        {
            rest = &rest[rest.find('>').unwrap_or(rest.len())..];
            continue;
        }
        let closing = rest.starts_with('/');
        let tag = rest.trim_start_matches('/');
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        assert!(
            !name.is_empty(),
            "{context}: `<` that starts no tag in\n{html}"
        );
        let forbidden: &[&str] = match kind {
            Html::Fragment => &FORBIDDEN_IN_CONTENT,
            Html::Page => &FORBIDDEN_IN_PAGES,
        };
        assert!(
            !forbidden.contains(&name.as_str()),
            "{context}: <{name}> in\n{html}"
        );
        let attrs_start = &tag[name.len()..];
        let (end, script) = scan_attributes(attrs_start, &name, context, html);
        rest = &attrs_start[end..];
        if name == "script" && !closing {
            let body = &rest[..rest.find("</script>").unwrap_or(rest.len())];
            match script {
                Script::Src => assert!(
                    body.is_empty(),
                    "{context}: <script src> with content in\n{html}"
                ),
                // Data blocks are allowed inline (structured data, the
                // scripts' strings): JSON that cannot close its element.
                Script::Data => {
                    assert!(!body.contains('<'), "{context}: `<` in a JSON block: {body}");
                    if let Err(e) = serde_json::from_str::<serde_json::Value>(body) {
                        panic!("{context}: a JSON block does not parse ({e}): {body}");
                    }
                }
                Script::Inline => panic!("{context}: inline <script> in\n{html}"),
            }
            rest = &rest[body.len()..];
        }
    }
}

/// What a `<script>` tag is, from its attributes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Script {
    Inline,
    Src,
    Data,
}

/// Reads `name="value"` pairs up to the tag's `>`; returns the offset after
/// it and what kind of script the tag would be.
fn scan_attributes(s: &str, tag: &str, context: &str, html: &str) -> (usize, Script) {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut script = Script::Inline;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match bytes.get(i) {
            None => panic!("{context}: unterminated <{tag}> in\n{html}"),
            Some(b'>') => return (i + 1, script),
            Some(b'/') if bytes.get(i + 1) == Some(&b'>') => return (i + 2, script),
            _ => {}
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || b"-_:".contains(&bytes[i])) {
            i += 1;
        }
        let name = s[start..i].to_ascii_lowercase();
        assert!(
            !name.is_empty(),
            "{context}: malformed attributes in <{tag}{}",
            &s[..s.len().min(start + 40)]
        );
        assert!(
            !name.starts_with("on") && name != "style" && name != "srcdoc",
            "{context}: attribute `{name}` on <{tag}> in\n{html}"
        );
        if name == "src" {
            script = Script::Src;
        }
        if bytes.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        assert_eq!(
            bytes.get(i),
            Some(&b'"'),
            "{context}: unquoted `{name}` on <{tag}> in\n{html}"
        );
        let value_start = i + 1;
        let Some(len) = s[value_start..].find('"') else {
            panic!("{context}: unterminated `{name}` on <{tag}> in\n{html}");
        };
        let value = &s[value_start..value_start + len];
        // JSON-LD and the scripts' translated strings: data, not code.
        let data = matches!(value, "application/ld+json" | "application/json");
        if name == "type" && data && script == Script::Inline {
            script = Script::Data;
        }
        let compact: String = value
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect::<String>()
            .to_ascii_lowercase();
        assert!(
            !compact.starts_with("javascript:") && !compact.starts_with("vbscript:"),
            "{context}: script URL in `{name}` on <{tag}>: {value}"
        );
        i = value_start + len + 1;
        if let Some(&c) = bytes.get(i) {
            assert!(
                c.is_ascii_whitespace() || c == b'>' || c == b'/',
                "{context}: attribute `{name}` on <{tag}> runs into the next one: {}",
                &s[start..s.len().min(i + 40)]
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "inline <script>")]
    fn inline_scripts_in_pages_are_caught() {
        check_safe_html("<script>alert(1)</script>", Html::Page, "test");
    }

    #[test]
    #[should_panic(expected = "runs into the next one")]
    fn injected_attributes_are_caught() {
        check_safe_html(
            "<h2 id=\"x\"onmouseover=\"alert(1)\">t</h2>",
            Html::Fragment,
            "test",
        );
    }

    #[test]
    fn ordinary_markup_passes() {
        check_safe_html(
            "<p>a &lt;b&gt; <a href=\"/kb/x/\" rel=\"noopener\">x</a><br/><!-- c --></p>",
            Html::Fragment,
            "test",
        );
        check_safe_html(
            "<!DOCTYPE html><html><head><script src=\"/s.js\" defer></script></head></html>",
            Html::Page,
            "test",
        );
    }
}
