//! Tests of `markdown`.

use super::*;
use crate::diagnostics::{Code, Diagnostics};
use crate::nesting;

fn links() -> Links {
    let mut l = Links {
        base_path: "/kb/".into(),
        ..Links::default()
    };
    l.documents.insert(
        "faq/api-keys.md".into(),
        LinkTarget {
            url: "/kb/faq/api-keys/".into(),
            state: TargetState::Published,
        },
    );
    l.documents.insert(
        "incidents/secret.md".into(),
        LinkTarget {
            url: "/kb/incidents/secret/".into(),
            state: TargetState::Unpublished("TLP:AMBER".into()),
        },
    );
    l.assets.insert("incidents/diagram.png".into());
    l
}

fn run(md: &str, split: bool) -> (Rendered, Diagnostics) {
    let text = format!("---\ntitle: x\n---\n{md}");
    let lines = LineIndex::new(&text);
    let source = Source {
        file: Path::new("content/incidents/a.md"),
        text: &text,
        dir: "incidents",
        offset: 17,
        lines: &lines,
    };
    let mut found = Diagnostics::new();
    let rendered = render(md, &source, &links(), RawHtml::Sanitize, split, &mut found);
    (rendered, found)
}

#[test]
fn headings_get_unique_ids_and_anchor_links() {
    let (r, _) = run("## Rotate keys\n\n## Rotate keys\n\n### Why?\n", false);
    assert!(
        r.html.contains(
            "<h2 id=\"rotate-keys\">Rotate keys <a class=\"anchor\" href=\"#rotate-keys\""
        ),
        "{}",
        r.html
    );
    assert!(r.html.contains("<h2 id=\"rotate-keys-1\">"));
    assert_eq!(
        r.toc.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        ["rotate-keys", "rotate-keys-1", "why"]
    );
}

#[test]
fn md_links_are_rewritten_and_broken_ones_located() {
    let (r, d) = run(
        "See [keys](../faq/api-keys.md#rotate) and [img](diagram.png).\n\n[x](nope.md)\n",
        false,
    );
    assert!(
        r.html.contains("href=\"/kb/faq/api-keys/#rotate\""),
        "{}",
        r.html
    );
    assert!(r.html.contains("href=\"/kb/incidents/diagram.png\""));
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, Code::BrokenLink);
    let loc = d[0].location.as_ref().unwrap();
    assert_eq!((loc.line, loc.column), (6, 1));
    assert_eq!(
        r.links[0],
        LinkRecord {
            href: "/kb/faq/api-keys/#rotate".into(),
            line: 4,
            column: 5
        }
    );
}

#[test]
fn links_to_unpublished_documents_are_errors() {
    let (_, d) = run("[s](secret.md)\n", false);
    assert_eq!(d[0].code, Code::LinkToUnpublished);
}

#[test]
fn faq_bodies_split_into_questions() {
    let (r, _) = run(
        "Intro.\n\n## Was my data exposed?\n\nNo.\n\n## What now?\n\nRotate.\n",
        true,
    );
    assert_eq!(r.html.trim(), "<p>Intro.</p>");
    assert_eq!(r.questions.len(), 2);
    assert_eq!(r.questions[0].anchor, "was-my-data-exposed");
    assert_eq!(r.questions[0].answer.trim(), "<p>No.</p>");
    assert_eq!(r.questions[1].answer_text, "Rotate.");
}

#[test]
fn external_images_are_refused() {
    let (r, d) = run("![chart](https://cdn.example/chart.png)\n\n<img src=\"https://t.example/p.gif\" alt=\"p\">\n", false);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, Code::InvalidUrl);
    assert!(
        !r.html.contains("cdn.example") && !r.html.contains("t.example"),
        "{}",
        r.html
    );
}

#[test]
fn documents_nested_too_deep_are_refused_where_the_limit_is_crossed() {
    let (r, d) = run(&"> ".repeat(10_000), false);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, Code::NestingTooDeep);
    let loc = d[0].location.as_ref().unwrap();
    assert_eq!((loc.line, loc.column), (4, 2 * nesting::MAX_DEPTH + 1));
    assert!(r.html.is_empty());
    let (_, d) = run(&format!("{}x\n", "<div>".repeat(300)), false);
    assert_eq!(d[0].code, Code::NestingTooDeep);
    let (r, d) = run(
        &format!("{}x\n", "> ".repeat(nesting::MAX_DEPTH - 1)),
        false,
    );
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(
        r.html.matches("<blockquote>").count(),
        nesting::MAX_DEPTH - 1
    );
}

#[test]
fn aligned_table_cells_get_classes_not_inline_styles() {
    // Regression (found by the markdown fuzz target): `style=` attributes
    // that the site's Content-Security-Policy refuses.
    let (r, _) = run(
        "| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n",
        false,
    );
    assert!(!r.html.contains("style="), "{}", r.html);
    assert!(
        r.html.contains("<th class=\"align-left\">a</th><th class=\"align-center\">b</th><th class=\"align-right\">c</th><th>d</th>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<td class=\"align-left\">1</td><td class=\"align-center\">2</td><td class=\"align-right\">3</td><td>4</td>"),
        "{}",
        r.html
    );
    // The same with raw HTML elsewhere in the body (sanitized).
    let (r, _) = run("<b>x</b>\n\n| a |\n|--:|\n| 1 |\n", false);
    assert!(
        r.html.contains("<td class=\"align-right\">1</td>"),
        "{}",
        r.html
    );
}

#[test]
fn custom_heading_ids_cannot_break_out_of_the_attribute() {
    // Regression (found by the hostile-input suite): `{#id}` was emitted unescaped.
    let (r, _) = run("## Title {#x\"onmouseover=\"alert(1)}\n", false);
    assert!(
        r.html.contains(
            "<h2 id=\"x&quot;onmouseover=&quot;alert(1)\">Title <a class=\"anchor\" href=\"#x&quot;onmouseover=&quot;alert(1)\""
        ),
        "{}",
        r.html
    );
}

#[test]
fn raw_html_is_sanitized_and_scripts_refused() {
    let (r, _) = run(
        "<img src=x onerror=alert(1)><script>alert(1)</script>\n\n[x](javascript:alert(1))\n",
        false,
    );
    assert!(
        !r.html.contains("onerror") && !r.html.contains("<script"),
        "{}",
        r.html
    );
}

#[test]
fn relative_paths_resolve_inside_content_only() {
    assert_eq!(
        resolve_relative("incidents", "../faq/a.md").as_deref(),
        Some("faq/a.md")
    );
    assert_eq!(
        resolve_relative("incidents", "/guides/b.md").as_deref(),
        Some("guides/b.md")
    );
    assert_eq!(resolve_relative("incidents", "../../x.md"), None);
    assert_eq!(resolve_relative("", "a%20b.md").as_deref(), Some("a b.md"));
    assert_eq!(percent_decode("%é%2"), "%é%2");
}

#[test]
fn truncation_cuts_at_words() {
    assert_eq!(truncate("one two three four", 9), "one two…");
    assert_eq!(truncate("short", 200), "short");
}

#[test]
fn plain_text_separates_every_paragraph() {
    // Search and word counts read `text`: "first.Second" would be one identifier.
    let (r, _) = run("First paragraph.\n\nSecond one.\n", false);
    assert_eq!(r.text, "First paragraph.\nSecond one.\n");
}

#[test]
fn link_destinations_are_rewritten_where_written() {
    let md = "See [the FAQ](../faq/x.md#a \"t\") and ![d](d.png), [ref][r], <https://e.org/>, `[no](x.md)`.\n\n[r]: ../faq/y.md\n";
    let out = rewrite_link_destinations(md, |d| {
        (!is_external(d)).then(|| format!("https://kb.example/{}", d.trim_start_matches("../")))
    });
    assert_eq!(
        out,
        "See [the FAQ](https://kb.example/faq/x.md#a \"t\") and ![d](https://kb.example/d.png), [ref][r], <https://e.org/>, `[no](x.md)`.\n\n[r]: https://kb.example/faq/y.md\n"
    );
}
