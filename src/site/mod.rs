//! The whole in-memory site: published documents with their rendered
//! Markdown, the list pages, taxonomies and the link graph. Built once per
//! build by [`assemble`] from its stages: [`identity`] (ids, URL claims,
//! reserved paths), [`links`] (link targets, cross references, Markdown
//! rendered against them) and [`lists`] (site order, list pages,
//! taxonomies); templates and exports read it, none of them copies it.

mod identity;
mod links;
mod lists;
pub mod paging;
mod publication;
mod review;

pub use identity::is_sitemap_part;
pub use links::render_body;
pub use lists::same_term;
pub use publication::{Publication, Unpublished};

use crate::config::Config;
use crate::content::{Asset, DocKind, Document, IncidentMeta, Kind, Section, Severity, Status};
use crate::diagnostics::{Diagnostics, Location};
use crate::markdown::{LinkRecord, Links, Rendered};
use crate::urls::Urls;

/// A published document: its metadata and place in the site, complete once
/// [`assemble`] has made it. Its Markdown is rendered only while its page
/// is (see [`Body`]), so a build holds one rendered body per thread, not
/// one per document; what later stages read of it is in [`Bodies`].
#[derive(Debug)]
pub struct Page {
    pub doc: Document,
    /// Root-relative URL with base path.
    pub url: String,
    /// Indices into `Site::pages`.
    pub related: Vec<usize>,
    /// Incidents: the FAQs that point at it. FAQs: the incidents it is about.
    pub backlinks: Vec<usize>,
}

/// A document's Markdown rendered: its body, the inline Markdown of its
/// front matter, its summary and the internal links all of them make.
#[derive(Debug)]
pub struct Body {
    pub rendered: Rendered,
    /// Rendered timeline events and actions (inline HTML).
    pub timeline_html: Vec<String>,
    pub actions_html: Vec<String>,
    /// Rendered `updates` texts (inline HTML), in the order written.
    pub updates_html: Vec<String>,
    pub summary: String,
    pub links: Vec<LinkRecord>,
    /// The Markdown body as written, kept only for the exports that print
    /// it as Markdown (OSV `details`).
    pub markdown: Option<String>,
}

/// What the document pass leaves of the pages' rendered bodies for the
/// list pages and exports, indexed like [`Site::pages`]: every page's
/// summary, and the whole [`Body`] only of the pages an export prints
/// (the feeds' newest entries, CSAF documents, OSV records:
/// [`crate::exports::printed_bodies`]). The render scheduler owns it and
/// drops it once the lists and exports are made.
#[derive(Debug, Default)]
pub struct Bodies {
    /// Front matter `summary`, or the body's start ([`Body::summary`]).
    pub summaries: Vec<String>,
    /// By page index: a few pages' bodies (a slot for every page, at 312
    /// bytes a [`Body`], took 31 MiB at 100,000 documents).
    pub kept: rustc_hash::FxHashMap<usize, Body>,
}

impl Bodies {
    /// The summary of `site.pages[page]`.
    pub fn summary(&self, page: usize) -> &str {
        self.summaries.get(page).map_or("", String::as_str)
    }

    /// The rendered body of `site.pages[page]`, when an export prints it.
    pub fn kept(&self, page: usize) -> Option<&Body> {
        self.kept.get(&page)
    }
}

impl Page {
    pub fn kind(&self) -> Kind {
        self.doc.kind.kind()
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

/// The taxonomies every site has: what a term is, and where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxonomyKind {
    Tags,
    Vendors,
    Severity,
    Status,
}

impl TaxonomyKind {
    pub const ALL: [TaxonomyKind; 4] = [
        TaxonomyKind::Tags,
        TaxonomyKind::Vendors,
        TaxonomyKind::Severity,
        TaxonomyKind::Status,
    ];

    /// Its folder and template name (`tags`).
    pub fn name(self) -> &'static str {
        match self {
            TaxonomyKind::Tags => "tags",
            TaxonomyKind::Vendors => "vendors",
            TaxonomyKind::Severity => "severity",
            TaxonomyKind::Status => "status",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            TaxonomyKind::Tags => "Tags",
            TaxonomyKind::Vendors => "Vendors",
            TaxonomyKind::Severity => "Severity",
            TaxonomyKind::Status => "Status",
        }
    }

    /// The front matter keys its terms are written under (none: they are
    /// enum values, never misspelt into a collision).
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            TaxonomyKind::Tags => &["tags"],
            TaxonomyKind::Vendors => &["affected", "third_parties"],
            TaxonomyKind::Severity | TaxonomyKind::Status => &[],
        }
    }

    /// The terms `doc` has in it, in front matter order.
    pub fn terms_of(self, doc: &Document) -> Vec<&str> {
        match (self, &doc.kind) {
            (TaxonomyKind::Tags, _) => doc.meta.tags.iter().map(String::as_str).collect(),
            (TaxonomyKind::Vendors, DocKind::Incident(inc)) => inc.vendors(),
            (TaxonomyKind::Severity, DocKind::Incident(inc)) => vec![inc.severity.as_str()],
            (TaxonomyKind::Status, DocKind::Incident(inc)) => vec![inc.status.as_str()],
            (_, DocKind::Faq(_) | DocKind::Page) => Vec::new(),
        }
    }

    /// Terms listed even without pages, in their natural order.
    pub fn fixed_terms(self) -> Vec<&'static str> {
        match self {
            TaxonomyKind::Severity => Severity::ALL.iter().map(|s| s.as_str()).collect(),
            TaxonomyKind::Status => Status::ALL.iter().map(|s| s.as_str()).collect(),
            TaxonomyKind::Tags | TaxonomyKind::Vendors => Vec::new(),
        }
    }
}

/// Site paths seckb itself generates, which no document may take.
pub const RESERVED: [&str; 14] = [
    "tags/",
    "vendors/",
    "severity/",
    "status/",
    "search/",
    "api/",
    "osv/",
    "affected/",
    ".well-known/",
    "404.html",
    "atom.xml",
    "sitemap.xml",
    "robots.txt",
    ".nojekyll",
];

/// The site path of the Atom feed of the page at `page_path` (an incident
/// or a term page): `incidents/x/atom.xml` beside `incidents/x/`.
pub fn feed_path(page_path: &str) -> String {
    format!("{page_path}atom.xml")
}

/// The id of the element of update `index` (0 is the oldest) on its
/// incident's page, which feeds link to: `update-1`, `update-2`, ….
pub fn update_anchor(index: usize) -> String {
    format!("update-{}", index + 1)
}

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
    /// The published incidents, in site order: each one's index in
    /// `pages`, its page and its incident data.
    pub fn incidents(&self) -> impl Iterator<Item = (usize, &Page, &IncidentMeta)> {
        self.pages
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.doc.kind.incident().map(|incident| (i, p, incident)))
    }
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
/// identity (ids, URLs), resolves cross references and builds list pages
/// and taxonomies, reporting every problem found.
pub fn assemble(
    config: Config,
    publication: Publication,
    documents: Vec<Document>,
    invalid: &Invalid,
    sections: Vec<Section>,
    assets: Vec<Asset>,
    diagnostics: &mut Diagnostics,
) -> Site {
    let urls = Urls::new(&config.base_url);
    identity::check_unique_ids(&documents, diagnostics);
    let (published, unpublished): (Vec<Document>, Vec<Document>) = documents
        .into_iter()
        .partition(|d| publication.check(d).is_ok());
    let published = lists::in_site_order(published, &sections);
    review::overdue(&published, &config.review, publication.now, diagnostics);
    let mut links = links::targets(&published, &unpublished, invalid, &publication, &urls);
    let (assets, withheld) = crate::attachments::claim(assets, &links.documents);
    links.assets = assets.iter().map(|a| a.path.clone()).collect();
    links.withheld = withheld;
    let sections = lists::live_sections(sections, &published);
    let aliases = identity::claim_urls(&sections, &published, diagnostics);
    let (related, backlinks) = links::cross_references(
        &published,
        &unpublished,
        invalid,
        &links,
        &publication,
        diagnostics,
    );
    let pages: Vec<Page> = published
        .into_iter()
        .zip(related.into_iter().zip(backlinks))
        .map(|(doc, (related, backlinks))| Page {
            url: urls.path(&doc.path),
            doc,
            related,
            backlinks,
        })
        .collect();
    let (home, lists) = lists::list_pages(
        sections,
        &pages,
        &links,
        config.raw_html,
        &urls,
        diagnostics,
    );
    let taxonomies = lists::build_taxonomies(&pages, diagnostics);
    Site {
        config,
        urls,
        publication,
        pages,
        home_intro: home.intro,
        home_section: home.section,
        home_links: home.links,
        lists,
        taxonomies,
        assets,
        aliases,
        links,
    }
}
