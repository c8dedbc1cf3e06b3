//! Markdown rendering: headings and anchors, `.md` link rewriting against a
//! small site, code highlighting, the raw-HTML policies, FAQ splitting and
//! inline rendering (timeline events, actions).
//!
//! Input: one flag byte (raw-HTML policy, FAQ splitting), then the Markdown.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seckb::config::RawHtml;
use seckb::diagnostics::Diagnostics;
use seckb::markdown::{self, LineIndex, LinkTarget, Links, Source, TargetState};
use seckb_fuzz::{check_diagnostics, check_safe_html, Html};
use std::path::Path;
use std::sync::OnceLock;

const FRONT: &str = "---\ntitle: Fuzz\n---\n";

fn links() -> Links {
    let mut links = Links {
        base_path: "/kb/".into(),
        ..Links::default()
    };
    for (path, state) in [
        ("faq/api-keys.md", TargetState::Published),
        ("incidents/other.md", TargetState::Published),
        (
            "incidents/secret.md",
            TargetState::Unpublished("a draft".into()),
        ),
        ("guides/broken.md", TargetState::Invalid),
    ] {
        let url = format!("/kb/{}/", path.trim_end_matches(".md"));
        links
            .documents
            .insert(path.into(), LinkTarget { url, state });
    }
    links.assets.insert("incidents/diagram.png".into());
    links
}

fuzz_target!(|data: &[u8]| {
    static LINKS: OnceLock<Links> = OnceLock::new();
    let links = LINKS.get_or_init(links);
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let raw_html = match flags % 3 {
        0 => RawHtml::Sanitize,
        1 => RawHtml::Deny,
        _ => RawHtml::Allow,
    };
    let split_questions = flags & 0x10 != 0;
    let body = String::from_utf8_lossy(rest);
    let text = format!("{FRONT}{body}");
    let file = Path::new("content/incidents/fuzz.md");
    let lines = LineIndex::new(&text);
    let source = Source {
        file,
        text: &text,
        dir: "incidents",
        offset: FRONT.len(),
        lines: &lines,
    };
    let mut found = Diagnostics::new();
    let rendered = markdown::render(
        &text[FRONT.len()..],
        &source,
        links,
        raw_html,
        split_questions,
        &mut found,
    );
    check_diagnostics(&found, file, &text);
    // Inline Markdown (timeline events, actions) is one YAML value: a line.
    let first_line = body.lines().next().unwrap_or_default();
    let mut inline_found = Diagnostics::new();
    let (inline, _) =
        markdown::render_inline(first_line, &source, links, raw_html, &mut inline_found);
    check_diagnostics(&inline_found, file, &text);
    let _ = markdown::inline_text(first_line);
    let _ = markdown::truncate(&rendered.text, 200);
    if raw_html != RawHtml::Allow {
        check_safe_html(&rendered.html, Html::Fragment, "body");
        check_safe_html(&inline, Html::Fragment, "inline");
        for q in &rendered.questions {
            check_safe_html(&q.answer, Html::Fragment, "answer");
        }
    }
    for id in &rendered.ids {
        assert!(!id.is_empty(), "empty id");
    }
});
