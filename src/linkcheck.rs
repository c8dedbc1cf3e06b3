//! Link checking on the final HTML: every internal `href`/`src` and every
//! `#anchor`, from content and from templates, must resolve to a file of the
//! output (and an `id` in it). A broken link from Markdown is reported at its
//! line in the document; one from a template is reported once, however many
//! pages repeat it, at its line in the template.

use crate::diagnostics::{Code, Diagnostic, Diagnostics, LineIndex, Location};
use crate::interner::{Interner, Table};
use crate::markdown::{is_external, percent_decode, LinkRecord};
use crate::output::Output;
use crate::theme::Theme;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The content file whose text an output page shows (a document, or a
/// folder's `_index.md`), and the internal links its Markdown emitted: asked
/// for only when the page has a broken link (see [`check`]).
pub(crate) struct PageSource<'a> {
    /// Relative to the site root, as diagnostics name it.
    pub file: &'a Path,
    pub text: Cow<'a, str>,
    pub links: Cow<'a, [LinkRecord]>,
}

/// One URL of one output page that resolves to nothing.
struct Broken {
    page: String,
    url: String,
    code: Code,
    message: String,
}

/// The attributes the link check reads from one HTML page written by seckb
/// (double-quoted values, a space before the name), found in one pass.
#[derive(Default)]
struct Attributes<'a> {
    /// Values of `id` and `name`: the anchors the page defines.
    anchors: Vec<&'a str>,
    /// Values of `href` and `src`: the URLs the page uses.
    urls: Vec<&'a str>,
}

/// Scans for every `="` (SIMD memmem; the pages hold ~100 MB of HTML at
/// 10,000 documents) and keeps the values of `id`, `name`, `href` and `src`.
fn attributes(html: &str) -> Attributes<'_> {
    let bytes = html.as_bytes();
    let mut found = Attributes::default();
    let mut resume = 0;
    for eq in memchr::memmem::find_iter(bytes, b"=\"") {
        if eq < resume {
            continue; // inside the value just read
        }
        let name_start = bytes[..eq]
            .iter()
            .rposition(|b| !(b.is_ascii_alphabetic() || *b == b'-'))
            .map_or(0, |i| i + 1);
        if name_start == 0 || bytes[name_start - 1] != b' ' {
            continue;
        }
        let start = eq + 2;
        let Some(len) = memchr::memchr(b'"', &bytes[start..]) else {
            break;
        };
        let value = &html[start..start + len];
        resume = start + len;
        match &bytes[name_start..eq] {
            b"id" | b"name" => found.anchors.push(value),
            b"href" | b"src" => found.urls.push(value),
            _ => {}
        }
    }
    found
}

/// What the link check needs of one HTML page, read as the page is made so
/// the page itself need not be kept: the anchors it defines and the
/// distinct internal URLs it uses, numbered in a table all pages share
/// (most URLs, such as the navigation's, are on every page). Links to its
/// own anchors are checked here and dropped: every table-of-contents entry
/// is one.
#[derive(Debug)]
pub(crate) struct PageLinks {
    /// Output path (`incidents/x/index.html`).
    pub path: String,
    /// The template that made it, named when one of its links is broken.
    pub template: &'static str,
    /// The anchors, each followed by a NUL (no HTML holds one).
    anchors: String,
    urls: Vec<u32>,
}

impl PageLinks {
    pub(crate) fn read(
        path: String,
        template: &'static str,
        html: &str,
        urls: &crate::interner::Interner,
    ) -> PageLinks {
        let found = attributes(html);
        let own: FxHashSet<Cow<str>> = found.anchors.iter().map(|a| unescape(a)).collect();
        let mut anchors = String::new();
        for anchor in &found.anchors {
            anchors.push_str(&unescape(anchor));
            anchors.push('\0');
        }
        anchors.shrink_to_fit();
        let mut seen = FxHashSet::default();
        let mut ids = Vec::new();
        for raw in &found.urls {
            let url = unescape(raw);
            if is_external(&url) || url.is_empty() || !seen.insert(url.clone()) {
                continue;
            }
            let own_anchor = url
                .strip_prefix('#')
                .is_some_and(|f| own.contains(percent_decode(f).as_str()));
            if !own_anchor {
                ids.push(urls.id(&url));
            }
        }
        ids.shrink_to_fit();
        PageLinks {
            path,
            template,
            anchors,
            urls: ids,
        }
    }

    fn has_anchor(&self, id: &str) -> bool {
        self.anchors.split('\0').any(|a| a == id)
    }
}

/// Undoes the entity escapes seckb writes in attribute values; most values
/// have none and are borrowed.
fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.replace("&amp;", "&")
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&#x2F;", "/"),
    )
}

/// The paths of every output file, hashed: the output map is ordered, and
/// at 367,000 files its lookups were most of the link check.
type Files<'a> = FxHashSet<&'a str>;

/// Resolves a root-relative or relative URL found on `page` (an output path
/// such as `incidents/x/index.html`) to an output file path, or None when it
/// leaves the base path.
fn target_file(url_path: &str, page: &str, base_path: &str, files: &Files) -> Option<String> {
    let site_path = site_path(url_path, page, base_path)?;
    let candidates = if site_path.is_empty() || site_path.ends_with('/') {
        vec![format!("{site_path}index.html")]
    } else {
        vec![site_path.clone(), format!("{site_path}/index.html")]
    };
    candidates.into_iter().find(|c| files.contains(c.as_str()))
}

/// The site path (below the base path) a URL path found on `page` names,
/// or None when it leaves the base path.
fn site_path(url_path: &str, page: &str, base_path: &str) -> Option<String> {
    let path = percent_decode(url_path);
    if let Some(abs) = path.strip_prefix('/') {
        let base = base_path.trim_start_matches('/');
        Some(abs.strip_prefix(base)?.to_string())
    } else {
        let dir = page.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        Some(
            crate::markdown::resolve_relative(dir, &path)?
                + if path.ends_with('/') { "/" } else { "" },
        )
    }
}

/// How many pages a broken URL must be found on, and in none of their
/// content files, to be taken for a template's on the rest.
const TEMPLATE_EVIDENCE: usize = 3;

/// Checks the links of every HTML page: `pages` read as they were rendered,
/// and any HTML file `output` still holds in memory. A broken link from
/// content is reported at its line in the content file, which `source`
/// gives for an output page (the build keeps no Markdown link positions:
/// at 100,000 documents they took more memory than the documents); one from
/// a template, which repeats on every page the template renders, is
/// reported once, at its line in the template where it can be found.
/// Reports into `diagnostics`.
pub(crate) fn check<'s>(
    output: &Output,
    pages: Vec<PageLinks>,
    urls: &Table,
    base_path: &str,
    source: &dyn Fn(&str) -> Option<PageSource<'s>>,
    theme: &Theme,
    diagnostics: &mut Diagnostics,
) {
    let ids: FxHashMap<&str, &PageLinks> = pages.iter().map(|p| (p.path.as_str(), p)).collect();
    let templates: HashMap<&str, &str> = pages
        .iter()
        .filter(|p| !p.template.is_empty())
        .map(|p| (p.path.as_str(), p.template))
        .collect();
    let files: Files = output.files().map(|(path, _)| path.as_str()).collect();
    let targets = Targets {
        base_path,
        files: &files,
        pages: &ids,
    };
    let fine = SharedVerdicts::resolve(urls, &targets);
    let mut broken: Vec<Broken> = pages
        .par_iter()
        .flat_map_iter(|p| {
            p.urls
                .iter()
                .filter(|&&u| fine.get(u) != Some(true))
                .filter_map(|&u| {
                    let url = urls.get(u);
                    let (code, message) = targets.problem(url, &p.path)?;
                    Some(Broken {
                        page: p.path.clone(),
                        url: url.to_string(),
                        code,
                        message,
                    })
                })
        })
        .collect();
    // Grouped by page, so each content file is indexed once.
    broken.sort_by(|a, b| a.page.cmp(&b.page));
    let mut from_templates: BTreeMap<(Code, String), Vec<Broken>> = BTreeMap::new();
    // The content file of the page the last broken link was on.
    let mut content: Option<(String, Option<ContentIndex>)> = None;
    for b in broken {
        // A URL no content file held on a few pages is a template's: its
        // other pages are not read (each read renders a document again).
        let from_template = from_templates
            .get(&(b.code, b.url.clone()))
            .is_some_and(|pages| pages.len() >= TEMPLATE_EVIDENCE);
        if !from_template && content.as_ref().is_none_or(|(page, _)| *page != b.page) {
            content = Some((b.page.clone(), source(&b.page).map(ContentIndex::new)));
        }
        let located = content
            .as_mut()
            .filter(|_| !from_template)
            .and_then(|(_, index)| index.as_mut())
            .and_then(|index| index.locate(&b.url, base_path));
        match located {
            Some((location, from_markdown)) => {
                let help = if from_markdown {
                    "links between documents are relative .md paths; anchors come from headings (lower-case, words joined by `-`)"
                } else {
                    "this link is raw HTML in the document: fix its URL, or add the page it points to"
                };
                diagnostics.push(Diagnostic::error(b.code, b.message).at(location).help(help));
            }
            None => from_templates
                .entry((b.code, b.url.clone()))
                .or_default()
                .push(b),
        }
    }
    for ((code, url), pages) in from_templates {
        diagnostics.push(template_diagnostic(
            code, &url, &pages, base_path, &templates, theme,
        ));
    }
}

/// The part of a URL that names a file: before any `#fragment` or `?query`.
fn split_url(url: &str) -> (&str, Option<&str>) {
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    (path.split('?').next().unwrap_or(""), fragment)
}

/// Reads the links of the HTML files in `output` that were not read as
/// they were rendered (static pages), and closes the URL table: every page
/// of the build is then in `pages`.
pub(crate) fn read_rest(output: &Output, pages: &mut Vec<PageLinks>, urls: &Interner) -> Table {
    let read: FxHashSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    let others: Vec<PageLinks> = output
        .files()
        .filter(|(p, _)| p.ends_with(".html") && !read.contains(p.as_str()))
        .filter_map(|(p, c)| c.text().map(|t| PageLinks::read(p.clone(), "", &t, urls)))
        .collect();
    pages.extend(others);
    urls.take()
}

/// The site paths of files (not folders) that the pages link to or embed,
/// whether or not they exist: what decides which attachments a build
/// publishes. A root-relative URL is resolved once, however many pages
/// use it.
pub(crate) fn named_files(pages: &[PageLinks], urls: &Table, base_path: &str) -> FxHashSet<String> {
    let file_of = |url: &str, page: &str| {
        let (path, _) = split_url(url);
        site_path(path, page, base_path).filter(|p| !p.is_empty() && !p.ends_with('/'))
    };
    let mut named: FxHashSet<String> = urls
        .iter()
        .filter(|(_, url)| url.starts_with('/'))
        .filter_map(|(_, url)| file_of(url, ""))
        .collect();
    for page in pages {
        for &id in &page.urls {
            let url = urls.get(id);
            if !url.starts_with('/') {
                named.extend(file_of(url, &page.path));
            }
        }
    }
    named
}

/// Whether each root-relative URL in the table resolves, which is the same
/// from every page, worked out once: at 100,000 documents the pages hold
/// millions of links to a few hundred thousand distinct URLs, and a link
/// is then checked by reading one byte instead of its text.
struct SharedVerdicts<'t> {
    urls: &'t crate::interner::Table,
    /// By the URL's place in `urls`: whether it resolves; None for a
    /// relative URL, which depends on the page.
    fine: Vec<Option<bool>>,
}

impl<'t> SharedVerdicts<'t> {
    fn resolve(urls: &'t crate::interner::Table, targets: &Targets) -> Self {
        let all: Vec<&str> = urls.iter().map(|(_, url)| url).collect();
        let fine = all
            .par_iter()
            .map(|url| {
                url.starts_with('/')
                    .then(|| targets.problem(url, "").is_none())
            })
            .collect();
        SharedVerdicts { urls, fine }
    }

    /// Whether URL `id` resolves from any page; None when it depends on the page.
    fn get(&self, id: u32) -> Option<bool> {
        self.fine.get(self.urls.place(id)?).copied().flatten()
    }
}

/// What a URL can resolve to: the output's files, and the anchors of its pages.
struct Targets<'a> {
    base_path: &'a str,
    files: &'a Files<'a>,
    pages: &'a FxHashMap<&'a str, &'a PageLinks>,
}

impl Targets<'_> {
    /// What is wrong with `url` found on `page`, if anything: the file it
    /// names is not in the output, or the page it names has no such anchor.
    fn problem(&self, url: &str, page: &str) -> Option<(Code, String)> {
        let (path, fragment) = split_url(url);
        let target: Option<Cow<str>> = if path.is_empty() {
            Some(Cow::Borrowed(page))
        } else {
            target_file(path, page, self.base_path, self.files).map(Cow::Owned)
        };
        match (&target, fragment) {
            (None, _) => {
                let hint = looks_like_host(path).then(|| {
                    format!("; `{path}` looks like a web address without its scheme: write `https://{path}`")
                });
                Some((
                    Code::BrokenLink,
                    format!(
                        "broken link `{url}`: no such page or file in the output{}",
                        hint.unwrap_or_default()
                    ),
                ))
            }
            (Some(t), Some(f)) if !f.is_empty() && t.ends_with(".html") => {
                let page = self.pages.get(t.as_ref());
                let wanted = percent_decode(f);
                if page.is_some_and(|p| p.has_anchor(&wanted)) {
                    return None;
                }
                let hint = page
                    .and_then(|p| crate::diagnostics::did_you_mean(&wanted, p.anchors.split('\0')))
                    .map(|a| format!("; did you mean `#{a}`?"))
                    .unwrap_or_default();
                Some((
                    Code::BrokenAnchor,
                    format!("broken anchor `{url}`: /{t} has no element with id `{f}`{hint}"),
                ))
            }
            _ => None,
        }
    }
}

/// True for a relative URL that starts with what reads as a host name
/// (`github.com/x`, `www.example.org`): a web address whose `https://` was
/// left out, as imported content often has, not a path of the site.
fn looks_like_host(path: &str) -> bool {
    const FILES: [&str; 14] = [
        "html", "htm", "md", "png", "jpg", "jpeg", "gif", "svg", "pdf", "txt", "json", "xml",
        "css", "js",
    ];
    if path.starts_with(['/', '.']) {
        return false;
    }
    let (host, rest) = path.split_once('/').unwrap_or((path, ""));
    let labels: Vec<&str> = host.split('.').collect();
    let Some(last) = labels.last() else {
        return false;
    };
    let plain_labels = labels
        .iter()
        .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    let tld = (2..=24).contains(&last.len())
        && last.bytes().all(|b| b.is_ascii_alphabetic())
        && !FILES.contains(&last.to_ascii_lowercase().as_str());
    labels.len() >= 2
        && plain_labels
        && tld
        && (host.starts_with("www.") || !rest.is_empty() || labels.len() >= 3)
}

/// A content file made ready to locate many broken links: its Markdown
/// links by URL and its line starts, each built once: searched from the
/// start for every link, a file with many broken links took time that grew
/// with their square (figures: benches/README.md, "Figures behind the code").
struct ContentIndex<'a> {
    file: &'a Path,
    text: Cow<'a, str>,
    /// The line and column of the first Markdown link to each href.
    records: HashMap<String, (usize, usize)>,
    lines: LineIndex,
    /// Searches of the text left for URLs written in raw HTML, each one a
    /// pass over the file; past them such links are reported at the file.
    searches: usize,
}

impl<'a> ContentIndex<'a> {
    fn new(source: PageSource<'a>) -> ContentIndex<'a> {
        let mut records = HashMap::new();
        for r in source.links.into_owned() {
            records.entry(r.href).or_insert((r.line, r.column));
        }
        ContentIndex {
            lines: LineIndex::new(&source.text),
            file: source.file,
            text: source.text,
            records,
            searches: 1_000,
        }
    }

    /// Where in the content file a broken `url` of its page comes from: the
    /// Markdown link that emitted it (true), or raw HTML written in the file
    /// (false). None when the content does not hold it: it came from a template.
    fn locate(&mut self, url: &str, base_path: &str) -> Option<(Location, bool)> {
        let (file, text) = (self.file, &*self.text);
        if let Some(&(line, column)) = self.records.get(url) {
            let location = self.lines.location(file, text, line, column);
            return Some((location, true));
        }
        if self.searches == 0 {
            return Some((Location::file(file), false));
        }
        self.searches -= 1;
        let (line, column) = find_any(text, &needles(url, base_path))?;
        Some((self.lines.location(file, text, line, column), false))
    }
}

/// The ways a URL may be written in a source: as emitted, as a site path
/// (`/x/` for `/kb/x/`), or as the quoted argument of `url(path="x/")`.
fn needles(url: &str, base_path: &str) -> Vec<String> {
    let mut out = vec![url.to_string()];
    if let Some(site) = url.strip_prefix(base_path).filter(|s| !s.is_empty()) {
        out.push(format!("/{site}"));
        out.push(format!("\"{site}\""));
        out.push(format!("'{site}'"));
    }
    out
}

/// 1-based line and column of the first of `needles` found in `text`.
fn find_any(text: &str, needles: &[String]) -> Option<(usize, usize)> {
    let offset = needles.iter().find_map(|n| text.find(n.as_str()))?;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Some((line, before[line_start..].chars().count() + 1))
}

/// One diagnostic for a broken URL that templates put on `pages`.
fn template_diagnostic(
    code: Code,
    url: &str,
    pages: &[Broken],
    base_path: &str,
    templates: &HashMap<&str, &str>,
    theme: &Theme,
) -> Diagnostic {
    let first = &pages[0];
    let page_template = templates
        .get(first.page.as_str())
        .copied()
        .unwrap_or("a template");
    let needles = needles(url, base_path);
    // The page's own template first, then the ones it may extend or include.
    let mut candidates: Vec<&crate::theme::Template> = theme.templates.iter().collect();
    candidates.sort_by_key(|t| t.name != page_template);
    let found = candidates
        .into_iter()
        .find_map(|t| find_any(&t.text, &needles).map(|(line, column)| (t, line, column)));
    let name = found.map_or(page_template, |(t, _, _)| t.name.as_str());
    let more = match pages.len() {
        1 => String::new(),
        2 => " and 1 other page".to_string(),
        n => format!(" and {} other pages", n - 1),
    };
    let diagnostic = Diagnostic::error(
        code,
        format!(
            "{} (from template `{name}`, on /{}{more})",
            first.message, first.page
        ),
    )
    .help("fix the link in the template, or add the page it points to");
    match found {
        Some((t, line, column)) => diagnostic.at(Location::in_text(&t.path, &t.text, line, column)),
        None => diagnostic,
    }
}

#[cfg(test)]
mod tests;
