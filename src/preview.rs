//! What `seckb serve` adds to a build (`BuildOptions::preview`): every HTML
//! page gets the live-reload script, and pages a public build would leave out
//! or restrict get banners saying why — DRAFT, EMBARGOED until …, and the TLP
//! label (FIRST colours) above TLP:CLEAR. The script and stylesheet are files
//! under `<base path>__seckb/`, so a strict Content-Security-Policy holds.
//! Only preview builds call this module: `seckb build` output never has a trace of it.

use crate::content::Tlp;
use crate::html::escape;
use crate::output::{Content, Output};
use crate::render::RenderedPage;
use crate::site::Site;
use crate::urls::Urls;
use std::collections::HashMap;

/// The site folder of the preview files, under the base path.
pub(crate) const DIR: &str = "__seckb/";
/// The live-reload script; the server writes the build id into its URL.
pub(crate) const RELOAD_SCRIPT: &str = "reload.js";
pub(crate) const STYLESHEET: &str = "preview.css";
/// The Server-Sent Events stream the script listens to (answered by the server).
pub(crate) const EVENTS: &str = "events";

/// The preview files by name.
pub(crate) fn asset(name: &str) -> Option<&'static [u8]> {
    match name {
        RELOAD_SCRIPT => Some(include_bytes!("preview/reload.js")),
        STYLESHEET => Some(include_bytes!("preview/preview.css")),
        _ => None,
    }
}

/// `<script>` tag of the live-reload script, for pages under `base_path`.
pub(crate) fn script_tag(base_path: &str) -> String {
    format!(
        "<script src=\"{}{DIR}{RELOAD_SCRIPT}\" defer></script>",
        escape(base_path)
    )
}

/// `<link>` tag of the preview stylesheet.
pub(crate) fn stylesheet_tag(base_path: &str) -> String {
    format!(
        "<link rel=\"stylesheet\" href=\"{}{DIR}{STYLESHEET}\">",
        escape(base_path)
    )
}

/// Adds the script (and banners where due) to pages as they are rendered,
/// before the link check reads them, which so checks these links like any
/// other.
pub(crate) struct Decorator {
    /// Output path → banner HTML, for pages that get one.
    banners: HashMap<String, String>,
    script: String,
    stylesheet: String,
}

impl Decorator {
    pub(crate) fn new(site: &Site) -> Decorator {
        let base_path = site.urls.base_path();
        let banners = site
            .pages
            .iter()
            .filter_map(|p| {
                let html = banners(
                    p.doc.meta.draft,
                    p.doc
                        .meta
                        .embargo
                        .filter(|e| e.instant > site.publication.now),
                    p.doc.meta.tlp,
                );
                (!html.is_empty()).then(|| (Urls::output_file(&p.doc.path), html))
            })
            .collect();
        Decorator {
            banners,
            script: script_tag(base_path),
            stylesheet: stylesheet_tag(base_path),
        }
    }

    pub(crate) fn apply(&self, page: &mut RenderedPage) {
        let banner = self.banners.get(&page.path).map(String::as_str);
        page.html = inject(
            &page.html,
            banner.map(|b| (self.stylesheet.as_str(), b)),
            &self.script,
        );
    }
}

/// Adds the preview files (script, stylesheet) to the output.
pub(crate) fn add_assets(output: &mut Output) {
    for name in [RELOAD_SCRIPT, STYLESHEET] {
        if let Some(bytes) = asset(name) {
            output.insert(format!("{DIR}{name}"), Content::Embedded(bytes));
        }
    }
}

impl crate::render::Decorate for Decorator {
    fn decorate(&self, page: &mut RenderedPage) {
        self.apply(page);
    }
}

/// The banners of a document: empty when it is public as it is.
pub(crate) fn banners(draft: bool, embargo: Option<crate::content::Date>, tlp: Tlp) -> String {
    let mut html = String::new();
    if draft {
        html.push_str(
            "<p class=\"seckb-banner seckb-draft\"><strong>DRAFT</strong> — not published; \
             shown because seckb serve runs with --drafts</p>",
        );
    }
    if let Some(e) = embargo {
        html.push_str(&format!(
            "<p class=\"seckb-banner seckb-embargo\"><strong>EMBARGOED until {}</strong> — \
             not published before then; shown because seckb serve runs with --drafts</p>",
            escape(&e.rfc3339())
        ));
    }
    if tlp > Tlp::Clear {
        html.push_str(&format!(
            "<p class=\"seckb-banner seckb-tlp seckb-tlp-{}\"><strong>{}</strong> — {}</p>",
            tlp.as_str().replace('+', "-"),
            escape(&tlp.label()),
            tlp_meaning(tlp)
        ));
    }
    if html.is_empty() {
        return html;
    }
    format!("<div class=\"seckb-preview\" role=\"note\" aria-label=\"Preview\">{html}</div>")
}

/// What a TLP level allows (FIRST TLP 2.0), as the default theme says it.
fn tlp_meaning(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "disclosure is not limited",
        Tlp::Green => "limited disclosure: the community, not via publicly accessible channels",
        Tlp::Amber => {
            "limited disclosure: the recipient’s organisation and its clients, on a need-to-know basis"
        }
        Tlp::AmberStrict => "limited disclosure: the recipient’s organisation only",
        Tlp::Red => "for the eyes and ears of named recipients only",
    }
}

/// Inserts `head` before `</head>` and `banner` after the `<body …>` tag (both
/// only when given), and `script` before the last `</body>` (or at the end).
/// Every cut is at an ASCII byte or the end, so at a character boundary.
fn inject(html: &str, banner: Option<(&str, &str)>, script: &str) -> String {
    let bytes = html.as_bytes();
    let mut cuts: Vec<(usize, &str)> = Vec::with_capacity(3);
    if let Some((head, banner)) = banner {
        if let Some(i) = find_ascii_ci(bytes, b"</head>", false) {
            cuts.push((i, head));
        }
        if let Some(i) = find_ascii_ci(bytes, b"<body", false) {
            if let Some(end) = bytes[i..].iter().position(|&b| b == b'>') {
                cuts.push((i + end + 1, banner));
            }
        }
    }
    cuts.push((
        find_ascii_ci(bytes, b"</body>", true).unwrap_or(html.len()),
        script,
    ));
    cuts.sort_by_key(|(i, _)| *i);
    let mut out =
        String::with_capacity(html.len() + cuts.iter().map(|(_, s)| s.len()).sum::<usize>());
    let mut at = 0;
    for (i, text) in cuts {
        out.push_str(&html[at..i]);
        out.push_str(text);
        at = i;
    }
    out.push_str(&html[at..]);
    out
}

/// Position of an ASCII needle, ignoring case; the last one with `last`.
fn find_ascii_ci(haystack: &[u8], needle: &[u8], last: bool) -> Option<usize> {
    let matches = |w: &[u8]| w.eq_ignore_ascii_case(needle);
    let mut windows = haystack.windows(needle.len());
    if last {
        windows.rposition(matches)
    } else {
        windows.position(matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_body_end_and_banner_after_body_start() {
        let html = "<html><head><title>x</title></HEAD><body class=\"a\"><p>x</p></body></html>";
        let out = inject(html, Some(("<link>", "<div>B</div>")), "<script></script>");
        assert_eq!(
            out,
            "<html><head><title>x</title><link></HEAD><body class=\"a\"><div>B</div><p>x</p><script></script></body></html>"
        );
        let out = inject("<p>no body</p>", None, "<s>");
        assert_eq!(out, "<p>no body</p><s>");
    }

    #[test]
    fn banners_say_why_a_page_is_not_public() {
        assert_eq!(banners(false, None, Tlp::Clear), "");
        let embargo = crate::content::Date::parse("2026-12-01T09:00:00Z").unwrap();
        let html = banners(true, Some(embargo), Tlp::AmberStrict);
        assert!(html.contains("<strong>DRAFT</strong>"));
        assert!(html.contains("EMBARGOED until 2026-12-01T09:00:00Z"));
        assert!(html.contains("seckb-tlp-amber-strict\"><strong>TLP:AMBER+STRICT</strong>"));
    }
}
