//! Link checking on the final HTML: every internal `href`/`src` and every
//! `#anchor`, from content and from templates, must resolve to a file of the
//! output (and an `id` in it). A broken link from Markdown is reported at its
//! line in the document; one from a template names the page and template.

use crate::content::Document;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::markdown::{is_external, percent_decode, LinkRecord};
use crate::output::Output;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// Where the links of an output page came from.
pub struct PageSource<'a> {
    pub doc: &'a Document,
    pub links: &'a [LinkRecord],
}

/// Values of `attr="…"` attributes in HTML written by seckb (double quotes).
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        let start = i + needle.len();
        let Some(len) = rest[start..].find('"') else {
            break;
        };
        out.push(&rest[start..start + len]);
        rest = &rest[start + len..];
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#x2F;", "/")
}

/// Resolves a root-relative or relative URL found on `page` (an output path
/// such as `incidents/x/index.html`) to an output file path, or None when it
/// leaves the base path.
fn target_file(url_path: &str, page: &str, base_path: &str, output: &Output) -> Option<String> {
    let path = percent_decode(url_path);
    let site_path = if let Some(abs) = path.strip_prefix('/') {
        let base = base_path.trim_start_matches('/');
        abs.strip_prefix(base)?.to_string()
    } else {
        let dir = page.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        crate::markdown::resolve_relative(dir, &path)? + if path.ends_with('/') { "/" } else { "" }
    };
    let candidates = if site_path.is_empty() || site_path.ends_with('/') {
        vec![format!("{site_path}index.html")]
    } else {
        vec![site_path.clone(), format!("{site_path}/index.html")]
    };
    candidates.into_iter().find(|c| output.contains(c))
}

/// Checks every HTML file of `output`.
pub fn check(
    output: &Output,
    base_path: &str,
    sources: &HashMap<String, PageSource>,
    templates: &HashMap<String, &str>,
) -> Vec<Diagnostic> {
    let html_files: Vec<(&String, String)> = output
        .files()
        .filter(|(p, _)| p.ends_with(".html"))
        .filter_map(|(p, c)| c.text().map(|t| (p, t)))
        .collect();
    let ids: HashMap<&str, HashSet<String>> = html_files
        .par_iter()
        .map(|(p, html)| {
            let set = attribute_values(html, "id")
                .into_iter()
                .chain(attribute_values(html, "name"))
                .map(unescape)
                .collect();
            (p.as_str(), set)
        })
        .collect();
    let mut diagnostics: Vec<Diagnostic> = html_files
        .par_iter()
        .flat_map_iter(|(page, html)| {
            let mut found = Vec::new();
            let urls = attribute_values(html, "href")
                .into_iter()
                .chain(attribute_values(html, "src"));
            let mut seen = HashSet::new();
            for raw in urls {
                let url = unescape(raw);
                if is_external(&url) || url.is_empty() || !seen.insert(url.clone()) {
                    continue;
                }
                let (path, fragment) = match url.split_once('#') {
                    Some((p, f)) => (p, Some(f)),
                    None => (url.as_str(), None),
                };
                let path = path.split('?').next().unwrap_or("");
                let target = if path.is_empty() {
                    Some(page.to_string())
                } else {
                    target_file(path, page, base_path, output)
                };
                let problem = match (&target, fragment) {
                    (None, _) => Some((
                        Code::BrokenLink,
                        format!("broken link `{url}`: no such page or file in the output"),
                    )),
                    (Some(t), Some(f)) if !f.is_empty() && t.ends_with(".html") => {
                        let has = ids
                            .get(t.as_str())
                            .is_some_and(|s| s.contains(&percent_decode(f)));
                        (!has).then(|| {
                            (
                                Code::BrokenAnchor,
                                format!("broken anchor `{url}`: /{t} has no element with id `{f}`"),
                            )
                        })
                    }
                    _ => None,
                };
                if let Some((code, message)) = problem {
                    found.push(located(page, &url, code, message, sources, templates));
                }
            }
            found
        })
        .collect();
    crate::diagnostics::sort(&mut diagnostics);
    diagnostics
}

fn located(
    page: &str,
    url: &str,
    code: Code,
    message: String,
    sources: &HashMap<String, PageSource>,
    templates: &HashMap<String, &str>,
) -> Diagnostic {
    if let Some(src) = sources.get(page) {
        if let Some(record) = src.links.iter().find(|r| r.href == url) {
            return Diagnostic::error(code, message)
                .at(Location::in_text(&src.doc.source, &src.doc.text, record.line, record.column))
                .help("links between documents are relative .md paths; anchors come from headings (lower-case, words joined by `-`)");
        }
    }
    let template = templates.get(page).copied().unwrap_or("a template");
    Diagnostic::error(
        code,
        format!("{message} (on /{page}, from template `{template}`)"),
    )
    .help("fix the link in the template, or add the page it points to")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_from_html() {
        let html = r##"<a href="/kb/a/">x</a><img src="b.png"><h2 id="top">"##;
        assert_eq!(attribute_values(html, "href"), ["/kb/a/"]);
        assert_eq!(attribute_values(html, "src"), ["b.png"]);
        assert_eq!(attribute_values(html, "id"), ["top"]);
    }

    #[test]
    fn broken_links_and_anchors_are_found() {
        let mut out = Output::default();
        out.insert_bytes("index.html", br##"<a href="/kb/a/">a</a><a href="/kb/a/#x">x</a><a href="/kb/a/#nope">n</a><a href="/kb/missing/">m</a><a href="/elsewhere/">e</a><a href="#top">t</a><h1 id="top">"##.to_vec());
        out.insert_bytes("a/index.html", br##"<p id="x">"##.to_vec());
        let d = check(&out, "/kb/", &HashMap::new(), &HashMap::new());
        let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(d.len(), 3, "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("`/kb/a/#nope`")));
        assert!(messages.iter().any(|m| m.contains("`/kb/missing/`")));
        assert!(messages.iter().any(|m| m.contains("`/elsewhere/`")));
    }
}
