//! The whole in-memory site: published documents with their rendered
//! Markdown, the list pages, taxonomies and the link graph. Built once per
//! build; templates and exports read it, none of them copies it.

use crate::config::Config;
use crate::content::validate::{self, Declared};
use crate::content::{
    Asset, Date, Document, Kind, Located, Section, Severity, SourceFile, Status, Tlp,
};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::markdown::{self, LinkRecord, Links, Rendered, Source, TargetState};
use crate::urls::Urls;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// Why a document is left out of a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpublished {
    Draft,
    Embargo(Date),
    AboveCeiling(Tlp),
}

impl std::fmt::Display for Unpublished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unpublished::Draft => f.write_str("a draft"),
            Unpublished::Embargo(d) => write!(f, "under embargo until {}", d.rfc3339()),
            Unpublished::AboveCeiling(t) => {
                write!(f, "{} (above this build's TLP ceiling)", t.label())
            }
        }
    }
}

/// What decides publication: `--drafts`, `--tlp` (or `publish_tlp`) and the
/// clock; and whether the output is a preview (`serve`).
#[derive(Debug, Clone, Copy)]
pub struct Publication {
    pub drafts: bool,
    pub ceiling: Tlp,
    pub now: chrono::DateTime<chrono::Utc>,
    pub preview: bool,
}

impl Publication {
    /// A build that is not the site as published: it shows drafts and
    /// unlifted embargoes (`--drafts`, which alone overrides an embargo), or
    /// it is `serve`'s preview. Such output must not be mistaken for the
    /// site: crawlers are kept out and CSAF aggregators are told not to list it.
    pub fn is_preview(&self) -> bool {
        self.drafts || self.preview
    }

    /// Whether search engines may index the output: the published site at
    /// TLP:CLEAR. Otherwise robots.txt disallows everything and every page
    /// carries `noindex`.
    pub fn is_indexable(&self) -> bool {
        !self.is_preview() && self.ceiling == Tlp::Clear
    }

    pub fn check(&self, doc: &Document) -> Result<(), Unpublished> {
        self.admits(&Declared {
            tlp: doc.meta.tlp,
            draft: doc.meta.draft,
            embargo: doc.meta.embargo,
        })
    }

    fn admits(&self, declared: &Declared) -> Result<(), Unpublished> {
        if declared.draft && !self.drafts {
            return Err(Unpublished::Draft);
        }
        if let Some(e) = declared.embargo {
            if e.instant > self.now && !self.drafts {
                return Err(Unpublished::Embargo(e));
            }
        }
        if declared.tlp > self.ceiling {
            return Err(Unpublished::AboveCeiling(declared.tlp));
        }
        Ok(())
    }

    /// Whether diagnostics may quote `file` (its lines, what they say of
    /// it): always in a build, and in a preview when the preview publishes
    /// the document. `doc` is the file validated, None when it failed: then
    /// its front matter is read leniently, and one that does not say plainly
    /// where it stands counts as unpublished.
    pub fn may_quote(&self, file: &SourceFile, doc: Option<&Document>, default_tlp: Tlp) -> bool {
        if !self.preview {
            return true;
        }
        match doc {
            Some(doc) => self.check(doc).is_ok(),
            None => validate::declared_publication(file, default_tlp)
                .is_some_and(|declared| self.admits(&declared).is_ok()),
        }
    }
}

/// A published document: its metadata and place in the site. Its Markdown
/// is rendered only while its page is (see [`Body`]), so a build holds one
/// rendered body per thread, not one per document.
#[derive(Debug)]
pub struct Page {
    pub doc: Document,
    /// Root-relative URL with base path.
    pub url: String,
    /// Set by the document pass (front matter `summary`, or the body's start).
    pub summary: String,
    /// Indices into `Site::pages`.
    pub related: Vec<usize>,
    /// Incidents: the FAQs that point at it. FAQs: the incidents it is about.
    pub backlinks: Vec<usize>,
    /// The rendered body, kept past the document pass only for the exports
    /// that print it: the feeds' newest entries, CSAF documents and OSV records.
    pub kept: Option<Body>,
}

/// A document's Markdown rendered: its body, the inline Markdown of its
/// front matter, its summary and the internal links all of them make.
#[derive(Debug)]
pub struct Body {
    pub rendered: Rendered,
    /// Rendered timeline events and actions (inline HTML).
    pub timeline_html: Vec<String>,
    pub actions_html: Vec<String>,
    pub summary: String,
    pub links: Vec<LinkRecord>,
    /// The Markdown body as written, kept only for the exports that print
    /// it as Markdown (OSV `details`).
    pub markdown: Option<String>,
}

impl Page {
    pub fn kind(&self) -> Kind {
        self.doc.kind
    }
}

/// A content folder's list page.
#[derive(Debug)]
pub struct ListPage {
    pub section: Section,
    pub url: String,
    pub path: String,
    pub intro_html: String,
    /// Internal links of the section's `_index.md`, for the link check.
    pub intro_links: Vec<LinkRecord>,
    /// Indices into `Site::pages`, newest first.
    pub pages: Vec<usize>,
}

#[derive(Debug)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub pages: Vec<usize>,
}

/// tags, vendors, severity, status.
#[derive(Debug)]
pub struct Taxonomy {
    pub name: &'static str,
    pub title: &'static str,
    pub terms: Vec<Term>,
}

impl Taxonomy {
    pub fn path(&self) -> String {
        format!("{}/", self.name)
    }

    pub fn term_path(&self, term: &Term) -> String {
        format!("{}/{}/", self.name, term.slug)
    }
}

pub const TAXONOMIES: [(&str, &str); 4] = [
    ("tags", "Tags"),
    ("vendors", "Vendors"),
    ("severity", "Severity"),
    ("status", "Status"),
];

/// Site paths seckb itself generates, which no document may take.
pub const RESERVED: [&str; 13] = [
    "tags/",
    "vendors/",
    "severity/",
    "status/",
    "search/",
    "api/",
    "osv/",
    ".well-known/",
    "404.html",
    "atom.xml",
    "sitemap.xml",
    "robots.txt",
    ".nojekyll",
];

#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub urls: Urls,
    pub publication: Publication,
    /// Published documents: sections in folder order, newest first within each.
    pub pages: Vec<Page>,
    pub home_intro: String,
    /// `content/_index.md` and its internal links, for the link check.
    pub home_section: Option<Section>,
    pub home_links: Vec<LinkRecord>,
    pub lists: Vec<ListPage>,
    pub taxonomies: Vec<Taxonomy>,
    /// Files next to documents that pages may use; a build publishes those
    /// its pages use ([`crate::attachments`]).
    pub assets: Vec<Asset>,
    /// Redirects: (alias site path, target page index).
    pub aliases: Vec<(String, usize)>,
    /// Every document's URL and publication state, and the assets: what
    /// Markdown links resolve against (`seckb serve` re-renders one page with it).
    pub links: Links,
}

impl Site {
    pub fn page_by_path(&self) -> FxHashMap<&str, usize> {
        self.pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.doc.path.as_str(), i))
            .collect()
    }

    pub fn incidents(&self) -> impl Iterator<Item = &Page> {
        self.pages.iter().filter(|p| p.kind() == Kind::Incident)
    }
}

/// Newest first (by date, then title); undated documents last, by title.
fn newest_first(a: &Document, b: &Document) -> std::cmp::Ordering {
    b.meta
        .date
        .cmp(&a.meta.date)
        .then_with(|| a.meta.title.cmp(&b.meta.title))
        .then_with(|| a.source.cmp(&b.source))
}

/// `documents` by folder (in the order of `sections`), then newest first.
/// Sorted as small keys, the documents moved once: at 100,000 documents,
/// sorting the documents themselves (comparing their dates and titles where
/// they lie in memory, moving whole structs) took 114 ms against 7 at 10,000.
fn in_site_order(documents: Vec<Document>, sections: &[Section]) -> Vec<Document> {
    let folder: FxHashMap<&str, usize> = sections
        .iter()
        .enumerate()
        .rev()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    let mut keys: Vec<(usize, std::cmp::Reverse<Option<Date>>, usize)> = documents
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let folder = folder
                .get(d.section.as_str())
                .copied()
                .unwrap_or(usize::MAX);
            (folder, std::cmp::Reverse(d.meta.date), i)
        })
        .collect();
    keys.sort_unstable_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| newest_first(&documents[a.2], &documents[b.2]))
    });
    let mut slots: Vec<Option<Document>> = documents.into_iter().map(Some).collect();
    keys.iter().filter_map(|k| slots[k.2].take()).collect()
}

fn loc(doc: &Document, line: usize, column: usize) -> Location {
    Location::in_text(&doc.source, &doc.text, line, column)
}

fn content_path(doc: &Document) -> String {
    doc.source
        .strip_prefix("content")
        .unwrap_or(&doc.source)
        .to_string_lossy()
        .replace('\\', "/")
}

fn content_dir(doc: &Document) -> String {
    let p = content_path(doc);
    p.rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default()
}

/// Documents that failed validation: their paths and declared ids, so that
/// references to them are not reported a second time.
#[derive(Debug, Default)]
pub struct Invalid {
    pub paths: Vec<std::path::PathBuf>,
    pub ids: std::collections::HashSet<String>,
}

/// Assembles the site from validated documents: decides publication, checks
/// identity (ids, URLs), resolves cross references, renders Markdown in
/// parallel and builds taxonomies. Returns every problem found.
pub fn assemble(
    config: Config,
    publication: Publication,
    documents: Vec<Document>,
    invalid: &Invalid,
    sections: Vec<Section>,
    assets: Vec<Asset>,
) -> (Site, Vec<Diagnostic>) {
    let urls = Urls::new(&config.base_url);
    let mut diagnostics = Vec::new();

    // Ids are identities: unique across every document, published or not.
    let mut ids: FxHashMap<&str, &Document> = FxHashMap::default();
    for doc in &documents {
        if let Some(id) = doc.incident.as_ref().and_then(|i| i.id.as_ref()) {
            if let Some(first) = ids.get(id.value.as_str()) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::DuplicateId,
                        format!("duplicate incident id `{}`", id.value),
                    )
                    .at(loc(doc, id.line, id.column))
                    .help(format!("{} already uses this id", first.source.display())),
                );
            } else {
                ids.insert(&id.value, doc);
            }
        }
    }

    let (published, unpublished): (Vec<Document>, Vec<Document>) = documents
        .into_iter()
        .partition(|d| publication.check(d).is_ok());
    let published = in_site_order(published, &sections);

    // Link targets: every document, with whether it is published.
    let mut links = Links {
        base_path: urls.base_path().to_string(),
        ..Links::default()
    };
    let states =
        published
            .iter()
            .map(|d| (d, TargetState::Published))
            .chain(unpublished.iter().map(|d| {
                let reason = publication
                    .check(d)
                    .err()
                    .map_or_else(String::new, |r| r.to_string());
                (d, TargetState::Unpublished(reason))
            }));
    for (doc, state) in states {
        links.documents.insert(
            content_path(doc),
            markdown::LinkTarget {
                url: urls.path(&doc.path),
                state,
            },
        );
    }
    for path in &invalid.paths {
        let under = path
            .strip_prefix("content")
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        links.documents.insert(
            under,
            markdown::LinkTarget {
                url: String::new(),
                state: TargetState::Invalid,
            },
        );
    }
    let (assets, withheld) = crate::attachments::claim(assets, &links.documents);
    links.assets = assets.iter().map(|a| a.path.clone()).collect();
    links.withheld = withheld;

    // A folder without a published document leaves no trace: no list page,
    // navigation link or sitemap entry names it.
    let live: rustc_hash::FxHashSet<&str> = published.iter().map(|d| d.section.as_str()).collect();
    let sections: Vec<Section> = sections
        .into_iter()
        .filter(|s| s.name.is_empty() || live.contains(s.name.as_str()))
        .collect();

    // URL collisions among published documents, list pages, generated pages and aliases.
    let mut taken: FxHashMap<String, String> = FxHashMap::default();
    for r in RESERVED {
        taken.insert(r.to_string(), format!("seckb's own `{r}` page"));
    }
    let mut claim = |path: &str, what: String, at: Location, diagnostics: &mut Vec<Diagnostic>| {
        // Below a reserved folder, or where a reserved file would have to be a folder.
        let reserved_prefix = RESERVED.iter().find(|r| {
            let dir = r.trim_end_matches('/');
            path != **r && path.starts_with(dir) && path[dir.len()..].starts_with('/')
        });
        let clash = taken
            .get(path)
            .cloned()
            .or_else(|| reserved_prefix.map(|r| format!("taken by seckb's own `{r}`")))
            .or_else(|| {
                let first = path.split('/').next().unwrap_or_default();
                crate::outputs::is_sitemap_part(first)
                    .then(|| format!("taken by seckb's own `{first}` (a part of the sitemap)"))
            });
        match clash {
            Some(other) => {
                diagnostics.push(
                    Diagnostic::error(
                        Code::UrlCollision,
                        format!("{what} maps to /{path}, which is already {other}"),
                    )
                    .at(at)
                    .help("set a different `slug:` or rename the file"),
                );
                false
            }
            None => {
                taken.insert(path.to_string(), what);
                true
            }
        }
    };
    for s in sections.iter().filter(|s| !s.name.is_empty()) {
        let at = match &s.source {
            Some(file) => Location::in_text(file, &s.text, 1, 1),
            None => Location::file(&std::path::Path::new("content").join(&s.name)),
        };
        let what = format!("the list page of content/{}/", s.name);
        let _ = claim(&format!("{}/", s.name), what, at, &mut diagnostics);
    }
    for doc in &published {
        let at = match &doc.meta.slug {
            Some(s) => loc(doc, s.line, s.column),
            None => loc(doc, 1, 1),
        };
        let _ = claim(
            &doc.path,
            format!("{}", doc.source.display()),
            at,
            &mut diagnostics,
        );
    }
    let mut aliases = Vec::new();
    for (i, doc) in published.iter().enumerate() {
        for alias in &doc.meta.aliases {
            let what = format!("alias `{}` of {}", alias.value, doc.source.display());
            let at = loc(doc, alias.line, alias.column);
            // A colliding alias gets no redirect page, so it is reported once.
            if claim(&alias.value, what, at, &mut diagnostics) {
                aliases.push((alias.value.clone(), i));
            }
        }
    }

    // Cross references: related documents and FAQ → incident links.
    let by_content_path: FxHashMap<String, usize> = published
        .iter()
        .enumerate()
        .map(|(i, d)| (content_path(d), i))
        .collect();
    let unpublished_by_path: FxHashMap<String, &Document> =
        unpublished.iter().map(|d| (content_path(d), d)).collect();
    let published_ids: FxHashMap<&str, usize> = published
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            d.incident
                .as_ref()?
                .id
                .as_ref()
                .map(|id| (id.value.as_str(), i))
        })
        .collect();
    let unpublished_ids: FxHashMap<&str, &Document> = unpublished
        .iter()
        .filter_map(|d| {
            d.incident
                .as_ref()?
                .id
                .as_ref()
                .map(|id| (id.value.as_str(), d))
        })
        .collect();
    let mut related: Vec<Vec<usize>> = vec![Vec::new(); published.len()];
    let mut backlinks: Vec<Vec<usize>> = vec![Vec::new(); published.len()];
    for (i, doc) in published.iter().enumerate() {
        let resolve = |entry: &Located<String>,
                       ids_only: bool,
                       diagnostics: &mut Vec<Diagnostic>|
         -> Option<usize> {
            let value = entry.value.as_str();
            if let Some(&j) = published_ids.get(value) {
                return Some(j);
            }
            let path = if value.starts_with("./") || value.starts_with("../") {
                markdown::resolve_relative(&content_dir(doc), value)
            } else {
                markdown::resolve_relative("", value)
            };
            if !ids_only {
                if let Some(&j) = path.as_ref().and_then(|p| by_content_path.get(p)) {
                    return Some(j);
                }
            }
            // A reference to a document with errors of its own is not reported again.
            let to_invalid = invalid.ids.contains(value)
                || path.as_ref().is_some_and(|p| {
                    links
                        .documents
                        .get(p)
                        .is_some_and(|t| t.state == TargetState::Invalid)
                });
            if to_invalid {
                return None;
            }
            let hidden = unpublished_ids.get(value).copied().or_else(|| {
                path.as_ref()
                    .and_then(|p| unpublished_by_path.get(p).copied())
                    .filter(|_| !ids_only)
            });
            let at = loc(doc, entry.line, entry.column);
            diagnostics.push(match hidden {
                Some(target) => Diagnostic::error(
                    Code::LinkToUnpublished,
                    format!(
                        "{} refers to {}, which is {}",
                        doc.source.display(),
                        target.source.display(),
                        publication
                            .check(target)
                            .err()
                            .map_or_else(String::new, |r| r.to_string())
                    ),
                )
                .at(at)
                .help("remove the reference, or publish both at the same level"),
                None => Diagnostic::error(
                    Code::UnresolvedRelated,
                    format!("`{value}` does not match any document"),
                )
                .at(at)
                .help(if ids_only {
                    "expected an incident id such as INC-2026-0042".to_string()
                } else {
                    "expected an incident id or a path under content/ such as faq/api-keys.md"
                        .to_string()
                }),
            });
            None
        };
        if let Some(incident) = &doc.incident {
            for entry in &incident.related {
                if let Some(j) = resolve(entry, false, &mut diagnostics) {
                    if j != i && !related[i].contains(&j) {
                        related[i].push(j);
                    }
                }
            }
        }
        if let Some(faq) = &doc.faq {
            for entry in &faq.incidents {
                if let Some(j) = resolve(entry, true, &mut diagnostics) {
                    if !backlinks[i].contains(&j) {
                        backlinks[i].push(j);
                    }
                    if !backlinks[j].contains(&i) {
                        backlinks[j].push(i);
                    }
                }
            }
        }
    }

    let pages: Vec<Page> = published
        .into_iter()
        .zip(related.into_iter().zip(backlinks))
        .map(|(doc, (related, backlinks))| Page {
            url: urls.path(&doc.path),
            doc,
            summary: String::new(),
            related,
            backlinks,
            kept: None,
        })
        .collect();

    let raw_html = config.raw_html;
    let home_section = sections.iter().find(|s| s.name.is_empty()).cloned();
    let (home_intro, home_links) = home_section
        .as_ref()
        .map(|s| render_section_intro(s, &links, raw_html, &mut diagnostics))
        .unwrap_or_default();
    let lists: Vec<ListPage> = sections
        .into_iter()
        .filter(|s| !s.name.is_empty())
        .map(|section| {
            let (intro_html, intro_links) =
                render_section_intro(&section, &links, raw_html, &mut diagnostics);
            let path = format!("{}/", section.name);
            ListPage {
                url: urls.path(&path),
                pages: pages
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.doc.section == section.name)
                    .map(|(i, _)| i)
                    .collect(),
                path,
                intro_html,
                intro_links,
                section,
            }
        })
        .collect();
    let taxonomies = build_taxonomies(&pages, &mut diagnostics);

    let site = Site {
        config,
        urls,
        publication,
        pages,
        home_intro,
        home_section,
        home_links,
        lists,
        taxonomies,
        assets,
        aliases,
        links,
    };
    (site, diagnostics)
}

fn render_section_intro(
    section: &Section,
    links: &Links,
    raw_html: crate::config::RawHtml,
    diagnostics: &mut Vec<Diagnostic>,
) -> (String, Vec<LinkRecord>) {
    let Some(file) = &section.source else {
        return (String::new(), Vec::new());
    };
    let lines = markdown::LineIndex::new(&section.text);
    let source = Source {
        file,
        text: &section.text,
        dir: &section.name,
        offset: section.body_offset,
        lines: &lines,
    };
    let (r, d) = markdown::render(
        &section.text[section.body_offset..],
        &source,
        links,
        raw_html,
        false,
    );
    diagnostics.extend(d);
    (r.html, r.links)
}

/// Renders a published document's Markdown (body, front matter Markdown and
/// summary) against `links`; `text` is the whole file `doc` was validated from.
pub fn render_body(
    doc: &Document,
    text: &str,
    links: &Links,
    raw_html: crate::config::RawHtml,
) -> (Body, Vec<Diagnostic>) {
    let dir = content_dir(doc);
    let lines = markdown::LineIndex::new(text);
    let source = Source {
        file: &doc.source,
        text,
        dir: &dir,
        offset: doc.body_offset,
        lines: &lines,
    };
    let markdown = text.get(doc.body_offset..).unwrap_or_default();
    let (rendered, mut diagnostics) =
        markdown::render(markdown, &source, links, raw_html, doc.kind == Kind::Faq);
    let mut page_links = rendered.links.clone();
    let mut inline = |md: &Located<String>, diagnostics: &mut Vec<Diagnostic>| {
        // Inline Markdown from front matter: errors point at its YAML line.
        let line_start = lines.line_start(md.line).unwrap_or(0);
        let inline_source = Source {
            file: &doc.source,
            text,
            dir: &dir,
            offset: line_start + md.column.saturating_sub(1),
            lines: &lines,
        };
        let (html, mut records, d) =
            markdown::render_inline(&md.value, &inline_source, links, raw_html);
        for r in &mut records {
            r.line = md.line;
            r.column = md.column;
        }
        diagnostics.extend(d);
        page_links.extend(records);
        html
    };
    let (timeline_html, actions_html) = match &doc.incident {
        Some(i) => (
            i.timeline
                .iter()
                .map(|t| inline(&t.event, &mut diagnostics))
                .collect(),
            i.actions
                .iter()
                .map(|a| inline(a, &mut diagnostics))
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let summary = doc.meta.summary.clone().unwrap_or_else(|| {
        let first = if rendered.first_paragraph.is_empty() {
            rendered
                .questions
                .first()
                .map(|q| q.answer_text.as_str())
                .unwrap_or("")
        } else {
            rendered.first_paragraph.as_str()
        };
        markdown::truncate(first, 200)
    });
    let body = Body {
        rendered,
        timeline_html,
        actions_html,
        summary,
        links: page_links,
        markdown: None,
    };
    (body, diagnostics)
}

/// Whether two names are one term: the same words, ignoring case, so
/// `Acme` and `ACME` share a page while `C++` and `C#` (both `c`) do not.
/// Asked for every tag and vendor of every page: it allocates nothing.
pub fn same_term(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let words = |s| {
        str::split_whitespace(s)
            .flat_map(|w: &str| w.chars().flat_map(char::to_lowercase).chain([' ']))
    };
    words(a).eq(words(b))
}

/// The front matter keys a taxonomy's terms are written under.
fn term_keys(taxonomy: &str) -> &'static [&'static str] {
    match taxonomy {
        "tags" => &["tags"],
        "vendors" => &["affected", "third_parties"],
        _ => &[],
    }
}

/// Two names of a taxonomy that are not one term (`same_term`) but would
/// share a page: an error at the later one (in site order), naming the first
/// and where it is written. Only published pages are compared, so no
/// excluded document is named.
fn term_collision(
    taxonomy: &str,
    slug: &str,
    (first, first_page): (&str, &Page),
    (name, page): (&str, &Page),
) -> Diagnostic {
    let keys = term_keys(taxonomy);
    let singular = taxonomy.trim_end_matches('s');
    let there = crate::content::validate::value_location(&first_page.doc, keys, first);
    Diagnostic::error(
        Code::UrlCollision,
        format!(
            "{singular} `{name}` maps to /{taxonomy}/{slug}/, the page of {singular} `{first}` ({}:{}:{})",
            there.file.display(),
            there.line,
            there.column
        ),
    )
    .at(crate::content::validate::value_location(&page.doc, keys, name))
    .help(format!(
        "write both the same way, or rename one: a {singular}'s URL keeps only its letters and digits"
    ))
}

fn build_taxonomies(pages: &[Page], diagnostics: &mut Vec<Diagnostic>) -> Vec<Taxonomy> {
    // Each page's place newest first across the whole site, so a term's
    // pages sort by a number: compared where they lie in memory, the
    // 800,000 entries of every term at 100,000 documents took 62 ms, 28
    // times as long as at 10,000.
    let mut newest: Vec<usize> = (0..pages.len()).collect();
    newest.sort_by(|&a, &b| newest_first(&pages[a].doc, &pages[b].doc));
    let mut place = vec![0; pages.len()];
    for (n, &i) in newest.iter().enumerate() {
        place[i] = n;
    }
    TAXONOMIES
        .iter()
        .map(|(name, title)| {
            // slug → (display name, pages)
            let mut terms: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
            // Names reported as colliding, by slug: each is reported once.
            let mut collided: FxHashMap<String, Vec<String>> = FxHashMap::default();
            let mut add = |value: &str, i: usize| {
                // Validation refused names without a slug.
                let entry = terms
                    .entry(crate::content::slugify(value))
                    .or_insert_with(|| (value.to_string(), Vec::new()));
                if !same_term(&entry.0, value) {
                    let slug = crate::content::slugify(value);
                    let seen = collided.entry(slug.clone()).or_default();
                    if let Some(&first) = entry.1.first() {
                        if !seen.iter().any(|n| same_term(n, value)) {
                            seen.push(value.to_string());
                            let first = (entry.0.as_str(), &pages[first]);
                            diagnostics.push(term_collision(
                                name,
                                &slug,
                                first,
                                (value, &pages[i]),
                            ));
                        }
                    }
                    return;
                }
                // Pages come in order: a repeat can only be the last one.
                if entry.1.last() != Some(&i) {
                    entry.1.push(i);
                }
            };
            for (i, page) in pages.iter().enumerate() {
                match *name {
                    "tags" => page.doc.meta.tags.iter().for_each(|t| add(t, i)),
                    "vendors" => {
                        if let Some(inc) = &page.doc.incident {
                            inc.vendors().into_iter().for_each(|v| add(v, i));
                        }
                    }
                    "severity" => {
                        if let Some(inc) = &page.doc.incident {
                            add(inc.severity.as_str(), i);
                        }
                    }
                    _ => {
                        if let Some(inc) = &page.doc.incident {
                            add(inc.status.as_str(), i);
                        }
                    }
                }
            }
            // Severity and status have every level, even empty, in their natural order.
            let fixed: Vec<&str> = match *name {
                "severity" => Severity::ALL.iter().map(|s| s.as_str()).collect(),
                "status" => Status::ALL.iter().map(|s| s.as_str()).collect(),
                _ => Vec::new(),
            };
            let mut list: Vec<Term> = if fixed.is_empty() {
                terms
                    .into_iter()
                    .map(|(slug, (name, pages))| Term { name, slug, pages })
                    .collect()
            } else {
                fixed
                    .into_iter()
                    .map(|f| {
                        let (name, pages) = terms
                            .remove(f)
                            .unwrap_or_else(|| (f.to_string(), Vec::new()));
                        Term {
                            name,
                            slug: f.to_string(),
                            pages,
                        }
                    })
                    .collect()
            };
            for term in &mut list {
                term.pages.sort_unstable_by_key(|&i| place[i]);
            }
            Taxonomy {
                name,
                title,
                terms: list,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(front_matter: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from("content/incidents/a.md"),
            text: format!("---\n{front_matter}---\nBody.\n"),
        }
    }

    fn preview(drafts: bool) -> Publication {
        Publication {
            drafts,
            ceiling: Tlp::Clear,
            now: chrono::DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
                .map(|d| d.with_timezone(&chrono::Utc))
                .unwrap(),
            preview: true,
        }
    }

    /// Files that failed validation: quoted only when their front matter
    /// plainly says the preview publishes them.
    #[test]
    fn a_preview_quotes_an_invalid_document_only_when_it_plainly_publishes_it() {
        let quotes = |publication: Publication, front_matter: &str| {
            publication.may_quote(&file(front_matter), None, Tlp::Clear)
        };
        for published in [
            "title: x\nseverty: high\n",
            "title: x\ntlp: clear\ndraft: false\n",
            "title: x\nembargo: 2026-01-01T00:00:00Z\n",
        ] {
            assert!(quotes(preview(false), published), "{published}");
        }
        for withheld in [
            // Above the ceiling, a draft, under embargo.
            "title: x\ntlp: red\nseverty: high\n",
            "title: x\ndraft: true\n",
            "title: x\nembargo: 2026-12-01T00:00:00Z\n",
            // Where it stands cannot be read: not taken as published.
            "title: x\ntlp: RED\n",
            "title: x\ntlp:\n",
            "title: x\ntlp: [red\n",
            "title: x\ndraft: yes please\n",
            "title: x\nembargo: soon\n",
            "title: x: y\n",
            "- a list\n",
        ] {
            assert!(!quotes(preview(false), withheld), "{withheld}");
        }
        assert!(quotes(preview(true), "title: x\ndraft: true\n"));
        assert!(quotes(
            preview(true),
            "title: x\nembargo: 2026-12-01T00:00:00Z\n"
        ));
        assert!(!quotes(preview(true), "title: x\ntlp: amber\n"));
        // A build (not a preview) quotes everything: its reader is the author.
        let build = Publication {
            preview: false,
            ..preview(false)
        };
        assert!(quotes(build, "title: x\ntlp: red\n"));
        // A missing `tlp` is the site's default.
        assert!(!preview(false).may_quote(&file("title: x\n"), None, Tlp::Green));
    }

    #[test]
    fn terms_are_the_same_words_in_any_case() {
        assert!(same_term("Acme Corp", "ACME  corp"));
        assert!(same_term("Élan", "élan"));
        assert!(!same_term("C++", "C#"));
        assert!(!same_term("Acme Corp", "Acme-Corp"));
        assert!(!same_term("Acme Corp", "AcmeCorp"));
        assert!(!same_term("Acme", "Acme Corp"));
    }
}
