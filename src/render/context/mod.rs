//! What templates see, as typed structs that borrow from the model (one per
//! kind of object a template reads; their fields are the variables of
//! docs/templates.md, which a test checks against them): the site-wide
//! values built once and shared by every page ([`Shared`]: navigation, the
//! terms' URLs, list fragments), each document's [`page::PageContext`], the
//! [`summary::Summary`] lists show, and the list pages' own objects
//! ([`listing`]).
//!
//! Each is serialized into the page's `tera::Context` once per page, as the
//! hand-built JSON it replaces was built once. A list of summaries is made
//! in parallel as JSON and moved into its page's object ([`Built`]), never
//! serialized a second time.

mod listing;
mod page;
mod summary;
#[cfg(test)]
mod tests;

pub(super) use listing::{facets, home, section, taxonomy, term_page, Paginator};
pub(super) use page::PageContext;

use super::CONTENT_SECURITY_POLICY;
use crate::content::Tlp;
use crate::site::Site;
use rustc_hash::FxHashMap;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// Inserts `value` into a page's context. Serializing one of the structs
/// here cannot fail (string keys, no maps of other keys); were it to, the
/// variable is left out and the template says what it misses.
pub(super) fn insert(ctx: &mut tera::Context, key: &str, value: &impl Serialize) {
    let _ = ctx.try_insert(key, value);
}

/// Inserts a value built for one page into its context by moving it
/// (`Context::insert` serializes, i.e. deep-copies, its argument).
pub(super) fn insert_owned(ctx: &mut tera::Context, key: &str, value: Value) {
    let mut map = serde_json::Map::with_capacity(1);
    map.insert(key.to_string(), value);
    if let Ok(owned) = tera::Context::from_value(Value::Object(map)) {
        ctx.extend(owned);
    }
}

/// A value already built as JSON (a list of thousands of summaries, the
/// charts), held by a context struct and moved into its serialized form by
/// [`into_value`]: serializing it as a field would copy all of it.
#[derive(Default)]
pub(super) struct Built(Value);

impl Serialize for Built {
    /// A placeholder that [`into_value`] replaces, keeping the field's place.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

/// `fields` serialized, with the [`Built`] values `take` hands back moved
/// in under their keys (each in its field's place).
fn into_value<T: Serialize>(
    mut fields: T,
    take: impl FnOnce(&mut T) -> Vec<(&'static str, &mut Built)>,
) -> Value {
    let built: Vec<(&'static str, Value)> = take(&mut fields)
        .into_iter()
        .map(|(key, built)| (key, std::mem::take(&mut built.0)))
        .collect();
    let mut value = serde_json::to_value(&fields).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        for (key, moved) in built {
            map.insert(key.to_string(), moved);
        }
    }
    value
}

/// A term as lists show it (`{name, url}`), also a third party.
#[derive(Serialize)]
pub(super) struct Term<'a> {
    /// The term as the document spells it.
    name: &'a str,
    /// Its page, with the base path; null when it has none in this build.
    url: Option<&'a str>,
}

/// A document's TLP marking (`{level, label}`).
#[derive(Serialize)]
pub(super) struct TlpContext {
    /// `clear`, `green`, `amber`, `amber+strict` or `red`.
    level: &'static str,
    /// `TLP:AMBER` and the like.
    label: String,
}

impl From<Tlp> for TlpContext {
    fn from(tlp: Tlp) -> TlpContext {
        TlpContext {
            level: tlp.as_str(),
            label: tlp.label(),
        }
    }
}

/// A content folder as navigation and a page's `section` show it.
#[derive(Serialize)]
pub(super) struct FolderLink<'a> {
    /// The folder's title.
    title: &'a str,
    /// Its list page, with the base path.
    url: &'a str,
}

/// `site`: the configuration's values every page reads.
#[derive(Serialize)]
struct SiteContext<'a> {
    /// `title:` of `seckb.yaml`.
    title: &'a str,
    /// `description:` of `seckb.yaml`.
    description: &'a str,
    /// `language:` of `seckb.yaml`.
    language: &'a str,
    /// The absolute base URL with a trailing slash.
    base_url: &'a str,
    /// Its path part, `/` or `/kb/`.
    base_path: &'a str,
    /// The content folders that have a list page, in folder order.
    nav: Vec<FolderLink<'a>>,
    /// `extra:` of `seckb.yaml`, untouched.
    extra: &'a Value,
    /// `author:` of `seckb.yaml`.
    author: &'a str,
}

/// `config`: the configuration as Zola's templates name it.
#[derive(Serialize)]
struct ConfigContext<'a> {
    /// `extra:` of `seckb.yaml`, the same as `site.extra`.
    extra: &'a Value,
}

/// The variables every page has.
#[derive(Serialize)]
struct Common<'a> {
    /// [`SiteContext`], serialized once per build.
    site: &'a Value,
    /// [`ConfigContext`], serialized once per build.
    config: &'a Value,
    /// What the page is: `home`, `incident`, `faq`, `page`, `section`,
    /// `taxonomy`, `term`, `search`, `affected`, `404` or `alias`.
    page_kind: &'a str,
    /// The page title for `<title>`.
    title: &'a str,
    /// The absolute URL of the page.
    canonical: &'a str,
    /// Whether the page must not be indexed.
    noindex: bool,
    /// The policy of the page's Content-Security-Policy `<meta>`.
    content_security_policy: &'static str,
    /// The page's own Atom feed (an incident's, a term's), or null: set by
    /// [`Shared::feed`].
    feed: Option<FeedLink>,
    /// [`Shared::banner`]: the ongoing incidents every page announces.
    banner: &'a Value,
    /// How many more there are than `banner` names.
    banner_more: usize,
}

/// A feed as a page links to it with `<link rel="alternate">`.
#[derive(Serialize)]
pub(super) struct FeedLink {
    /// The feed's title.
    title: String,
    /// Its URL, with the base path.
    url: String,
}

/// An ongoing incident the banner links to.
#[derive(Serialize)]
struct BannerEntry<'a> {
    /// Its title.
    title: &'a str,
    /// Its URL, with the base path.
    url: &'a str,
    /// Its incident id, or null.
    id: Option<&'a str>,
    /// Its severity.
    severity: crate::content::Severity,
    /// Its status (never `resolved`).
    status: crate::content::Status,
}

/// The published incidents not resolved whose severity is at least
/// `banner.severity` of seckb.yaml (none without `banner:`): most severe
/// first, then newest; at most `banner.max` of them, and how many more
/// there are.
fn banner(site: &Site) -> (Value, usize) {
    let Some(config) = site.config.banner.as_ref() else {
        return (Value::Array(Vec::new()), 0);
    };
    let at_least = config.severity;
    let mut open: Vec<(usize, &crate::site::Page, &crate::content::IncidentMeta)> = site
        .incidents()
        .filter(|(_, _, i)| i.status != crate::content::Status::Resolved && i.severity >= at_least)
        .collect();
    open.sort_by(|a, b| {
        b.2.severity
            .cmp(&a.2.severity)
            .then_with(|| b.1.doc.last_changed().cmp(&a.1.doc.last_changed()))
            .then_with(|| a.1.doc.path.cmp(&b.1.doc.path))
    });
    let more = open.len().saturating_sub(config.max.get());
    open.truncate(config.max.get());
    let entries: Vec<BannerEntry> = open
        .into_iter()
        .map(|(_, page, inc)| BannerEntry {
            title: &page.doc.meta.title,
            url: &page.url,
            id: inc.id.as_ref().map(|i| i.value.as_str()),
            severity: inc.severity,
            status: inc.status,
        })
        .collect();
    (serde_json::to_value(entries).unwrap_or(Value::Null), more)
}

/// How much of each document's summary a list page's context holds: the
/// fields its templates read of each list ([`crate::template_fields`]).
pub(crate) use crate::template_fields::Detail;

/// A document's list fragments: (key under `summary.html`, HTML).
pub(crate) type Fragments = Vec<(&'static str, Box<str>)>;

/// Values shared by every page, built once per site.
pub(crate) struct Shared {
    /// [`SiteContext`] as JSON: each page's context copies it.
    site: Value,
    /// [`ConfigContext`] as JSON.
    config: Value,
    /// Every document's list fragments, by page index: set once the
    /// document pass has made them ([`Shared::set_listed`]).
    fragments: Vec<Fragments>,
    /// Term page URLs by (taxonomy, slug).
    term_urls: FxHashMap<(&'static str, String), String>,
    /// Term page URLs by taxonomy and the term's name: most documents
    /// spell a term that way, and one is looked up for every tag and vendor
    /// of every entry of every list (800,000 entries at 100,000 documents),
    /// cheaper than slugifying the name and hashing both keys.
    term_names: FxHashMap<&'static str, FxHashMap<String, String>>,
    /// False for a build crawlers must stay out of: every page gets `noindex`.
    indexable: bool,
    /// The ongoing-incident banner's entries ([`banner`]), as JSON.
    banner: Value,
    /// How many ongoing incidents the banner does not name.
    banner_more: usize,
    /// The open incidents the home page shows ([`listing::home_open`]):
    /// only they get the `card` fragment.
    pub(super) home_open: Vec<usize>,
    /// How many incidents are open in all.
    pub(super) home_open_total: usize,
    /// The site's base URL, for the feed links.
    urls: crate::urls::Urls,
    /// `limits.page_bytes`: the most one page (or list fragment) may be.
    pub(super) page_bytes: usize,
    /// What each page template reads of the summaries of each list, by
    /// template name ([`Shared::read_templates`]).
    details: FxHashMap<String, Detail>,
}

impl Shared {
    pub(crate) fn new(site: &Site) -> Shared {
        let urls = &site.urls;
        let mut term_urls = FxHashMap::default();
        let mut term_names: FxHashMap<_, FxHashMap<_, _>> = FxHashMap::default();
        for tax in &site.taxonomies {
            for term in &tax.terms {
                let url = urls.path(&tax.term_path(term));
                term_names
                    .entry(tax.name)
                    .or_default()
                    .insert(term.name.clone(), url.clone());
                term_urls.insert((tax.name, crate::content::slugify(&term.name)), url);
            }
        }
        let config = &site.config;
        let nav = site
            .lists
            .iter()
            .map(|l| FolderLink {
                title: &l.section.title,
                url: &l.url,
            })
            .collect();
        let site_context = SiteContext {
            title: &config.title,
            description: &config.description,
            language: &config.language,
            base_url: urls.base_url(),
            base_path: urls.base_path(),
            nav,
            extra: &config.extra,
            author: &config.author,
        };
        let config_context = ConfigContext {
            extra: &config.extra,
        };
        let (banner, banner_more) = banner(site);
        let (home_open, home_open_total) = listing::home_open(site);
        Shared {
            site: serde_json::to_value(site_context).unwrap_or(Value::Null),
            config: serde_json::to_value(config_context).unwrap_or(Value::Null),
            fragments: Vec::new(),
            term_urls,
            term_names,
            indexable: site.publication.is_indexable(),
            banner,
            banner_more,
            home_open,
            home_open_total,
            urls: site.urls.clone(),
            page_bytes: config.limits.page_bytes(),
            details: FxHashMap::default(),
        }
    }

    /// Finds what each template of `tera` reads of the summaries of each
    /// list, once per build; with `every_field`, each reads every field
    /// (`BuildOptions::every_summary_field`).
    pub(crate) fn read_templates(&mut self, tera: &tera::Tera, every_field: bool) {
        self.details = tera
            .get_template_names()
            .map(|name| {
                let detail = match every_field {
                    true => Detail::ALL,
                    false => Detail::of(tera, name),
                };
                (name.to_string(), detail)
            })
            .collect();
    }

    /// What the page template `template` reads of each list's summaries
    /// (every field before [`Shared::read_templates`]).
    pub(super) fn detail(&self, template: &str) -> Detail {
        self.details.get(template).copied().unwrap_or(Detail::ALL)
    }

    /// Takes the documents' list fragments, by page index.
    pub(crate) fn set_listed(&mut self, fragments: Vec<Fragments>) {
        self.fragments = fragments;
    }

    /// The URL of the page of the term `name` of `taxonomy`, if it has one.
    fn term_url(&self, taxonomy: &'static str, name: &str) -> Option<&str> {
        let by_name = self.term_names.get(taxonomy).and_then(|t| t.get(name));
        by_name
            .or_else(|| {
                self.term_urls
                    .get(&(taxonomy, crate::content::slugify(name)))
            })
            .map(String::as_str)
    }

    /// The term `name` of `taxonomy` as lists show it.
    fn term<'a>(&'a self, taxonomy: &'static str, name: &'a str) -> Term<'a> {
        Term {
            name,
            url: self.term_url(taxonomy, name),
        }
    }

    /// The variables every page has. `noindex` says this page must not be
    /// indexed (a document above TLP:CLEAR, the 404 page, a redirect); in a
    /// build crawlers must stay out of, every page says so.
    pub(super) fn context(
        &self,
        page_kind: &str,
        title: &str,
        canonical: String,
        noindex: bool,
    ) -> tera::Context {
        let common = Common {
            site: &self.site,
            config: &self.config,
            page_kind,
            title,
            canonical: &canonical,
            noindex: noindex || !self.indexable,
            content_security_policy: CONTENT_SECURITY_POLICY,
            feed: None,
            banner: &self.banner,
            banner_more: self.banner_more,
        };
        tera::Context::from_serialize(common).unwrap_or_default()
    }

    /// Sets the page's own feed (at site path `path`, titled `title`), the
    /// `feed` every page has (null unless set).
    pub(super) fn feed(&self, ctx: &mut tera::Context, path: &str, title: String) {
        let link = FeedLink {
            title,
            url: self.urls.path(path),
        };
        insert(ctx, "feed", &link);
    }
}
