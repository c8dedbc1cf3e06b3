//! Tera: loading the theme (overridden by the site's `templates/`), the
//! template context of every page kind, and rendering all pages in parallel.
//! Site-wide values (navigation, document summaries) are built once and
//! shared; each page's context holds only its own data plus those.

use crate::content::{Kind, Severity, Status, Tlp};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::linkcheck::PageLinks;
use crate::output::{Content, Sink};
use crate::site::{Body, Page, Site};
use crate::theme::Theme;
use crate::urls::Urls;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;
use tera::Tera;

/// The Content-Security-Policy of every HTML page seckb makes: theme pages
/// (templates get it as `content_security_policy`), alias redirects, CSAF
/// listings and serve's error page. One value, so no page is laxer.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

/// [`CONTENT_SECURITY_POLICY`] as the `<meta>` tag of pages made without a template.
pub fn content_security_policy_meta() -> String {
    format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">")
}

/// A rendered HTML page: its path in the output, the template that made it
/// (named by the link check when a template link is broken) and its HTML.
#[derive(Debug)]
pub struct RenderedPage {
    pub path: String,
    pub template: &'static str,
    pub html: String,
}

/// Loads templates and registers seckb's template functions.
pub fn load_templates(theme: &Theme, base_path: &str) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    crate::template_env::register(&mut tera, base_path);
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's default also escapes `/`, which only makes URLs harder to read.
    tera.set_escape_fn(crate::highlight::escape);
    // Before Tera parses anything: it would overflow the stack on these.
    let refused = crate::template_check::check(theme);
    if !refused.is_empty() {
        return Err(refused);
    }
    let templates: Vec<(&str, &str)> = theme
        .templates
        .iter()
        .map(|t| (t.name.as_str(), t.text.as_str()))
        .collect();
    if let Err(e) = tera.add_raw_templates(templates) {
        return Err(vec![template_error(theme, &e)]);
    }
    let refused = crate::template_check::calls(theme, &tera);
    if !refused.is_empty() {
        return Err(refused);
    }
    let missing: Vec<Diagnostic> = REQUIRED_TEMPLATES
        .iter()
        .filter(|name| !theme.templates.iter().any(|t| t.name == **name))
        .map(|name| {
            Diagnostic::error(
                Code::Template,
                format!("the theme has no `{name}` template"),
            )
            .at(Location::file(&theme.dir.join("templates")))
            .help(format!("add templates/{name} to the site or the theme"))
        })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    if let Some(cycle) = theme.include_cycle() {
        return Err(vec![Diagnostic::error(
            Code::Template,
            format!(
                "templates include each other in a loop: {}",
                cycle.join(" → ")
            ),
        )
        .at(Location::file(&theme.template_path(&cycle[0])))
        .help("remove one of the include/extends/import statements")]);
    }
    for fragment in FRAGMENTS {
        if fragment.available(&tera) {
            if let Err(e) = tera.add_raw_template(fragment.template, fragment.call) {
                return Err(vec![template_error(theme, &e)]);
            }
        }
    }
    Ok(tera)
}

/// Templates every theme must provide.
pub const REQUIRED_TEMPLATES: [&str; 11] = [
    "base.html",
    "index.html",
    "incident.html",
    "faq.html",
    "page.html",
    "section.html",
    "taxonomy.html",
    "term.html",
    "search.html",
    "404.html",
    "alias.html",
];

/// A macro of the theme's `macros.html` that lists call for every document
/// they show. Its output depends only on the document's summary, so it is
/// rendered once per document and shared as `summary.html.<key>`: at 10,000
/// documents each document appears in a dozen lists, and Tera macro calls
/// made most of the build's time.
struct Fragment {
    key: &'static str,
    /// Internal template name (never a theme file); `.html` for autoescaping.
    template: &'static str,
    macro_name: &'static str,
    /// The arguments the call passes; the macro must take exactly these.
    args: &'static [&'static str],
    call: &'static str,
    /// Which documents need it: every one, incidents, or open incidents.
    only: Only,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Only {
    All,
    Incidents,
    OpenIncidents,
}

const FRAGMENTS: [Fragment; 3] = [
    Fragment {
        key: "item",
        template: "__seckb_fragment_item.html",
        macro_name: "summary_item",
        args: &["p", "level"],
        call: "{% import \"macros.html\" as m %}{{ m::summary_item(p=p, level=2) }}",
        only: Only::All,
    },
    Fragment {
        key: "row",
        template: "__seckb_fragment_row.html",
        macro_name: "incident_row",
        args: &["p"],
        call: "{% import \"macros.html\" as m %}{{ m::incident_row(p=p) }}",
        only: Only::Incidents,
    },
    Fragment {
        key: "card",
        template: "__seckb_fragment_card.html",
        macro_name: "incident_card",
        args: &["p", "level"],
        call: "{% import \"macros.html\" as m %}{{ m::incident_card(p=p, level=3) }}",
        only: Only::OpenIncidents,
    },
];

impl Fragment {
    /// Whether `macros.html` defines the macro with exactly these arguments
    /// (a site's own macros.html may not).
    fn available(&self, tera: &Tera) -> bool {
        tera.get_template("macros.html")
            .ok()
            .and_then(|t| t.macros.get(self.macro_name))
            .is_some_and(|m| {
                m.args.len() == self.args.len() && self.args.iter().all(|a| m.args.contains_key(*a))
            })
    }

    fn wanted(&self, page: &Page) -> bool {
        let incident = page.doc.incident.as_ref();
        match self.only {
            Only::All => true,
            Only::Incidents => incident.is_some(),
            Only::OpenIncidents => incident.is_some_and(|i| i.status != Status::Resolved),
        }
    }
}

/// Adds `key: value` to a JSON object by moving `value` in (`json!` would
/// serialize it, rebuilding every map of it).
fn with(mut object: Value, key: &str, value: Value) -> Value {
    if let Value::Object(map) = &mut object {
        map.insert(key.to_string(), value);
    }
    object
}

/// Inserts a value built for one page into its context by moving it
/// (`Context::insert` serializes, i.e. deep-copies, its argument).
fn insert_owned(ctx: &mut tera::Context, key: &str, value: Value) {
    let mut map = serde_json::Map::new();
    map.insert(key.to_string(), value);
    if let Ok(owned) = tera::Context::from_value(Value::Object(map)) {
        ctx.extend(owned);
    }
}

/// Turns a Tera error into a diagnostic naming the template file and, where
/// Tera or the template text tells, the line.
pub fn template_error(theme: &Theme, error: &tera::Error) -> Diagnostic {
    let mut chain = vec![error.to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let full = chain.join("\n");
    let names: Vec<&str> = chain
        .iter()
        .flat_map(|m| m.split('\'').skip(1).step_by(2))
        .filter(|n| n.ends_with(".html") || n.ends_with(".xml"))
        .collect();
    let text_of = |name: &str| {
        theme
            .templates
            .iter()
            .find(|t| t.name == name)
            .map_or("", |t| t.text.as_str())
    };
    // A function that failed is located at its call, in the first template
    // named that makes one (Tera names the page's template first, then the
    // one the error happened in).
    let call = chain.iter().find_map(|m| {
        let function = m.strip_prefix("Function call '")?.split('\'').next()?;
        names.iter().find_map(|&name| {
            let text = text_of(name);
            let offset = *crate::template_check::find_calls(text, function).first()?;
            Some((name, crate::template_check::line_column(text, offset)))
        })
    });
    // Tera names the page's template first and the one that went wrong
    // after "error happened in": blame that one, where the mistake is.
    let happened_in = chain.iter().find_map(|m| {
        let after = m.split("error happened in '").nth(1)?;
        after.split('\'').next()
    });
    let name = call
        .map(|(name, _)| name)
        .or(happened_in)
        .or_else(|| names.first().copied())
        .unwrap_or_default()
        .to_string();
    let file: PathBuf = theme.template_path(&name);
    let text = text_of(&name);
    // Parse errors carry " --> line:col"; runtime errors name a variable we can find.
    let position = call.map(|(_, at)| at).or_else(|| {
        full.find("--> ").and_then(|i| {
            let rest = &full[i + 4..];
            let mut nums = rest
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty());
            Some((nums.next()?.parse().ok()?, nums.next()?.parse().ok()?))
        })
    });
    let position = position.or_else(|| {
        let variable = chain.iter().find_map(|m| quoted_after(m, "`"))?;
        text.lines()
            .enumerate()
            .find_map(|(i, l)| l.find(&variable).map(|c| (i + 1, c + 1)))
    });
    // One mistake in a template that many page templates extend or include
    // is one error: what names the page's template is left out.
    let chain: Vec<String> = chain
        .iter()
        .filter(|m| !m.starts_with("Failed to render '"))
        .map(|m| without_rendering_note(m))
        .collect();
    let detail = chain.last().cloned().unwrap_or_default();
    let message = format!(
        "template error in `{name}`: {}",
        detail.lines().last().unwrap_or("").trim()
    );
    let location = match position {
        Some((line, column)) => Location::in_text(&file, text, line, column),
        None => Location::file(&file),
    };
    let d = Diagnostic::error(Code::Template, message).at(location);
    // The causes before the last, which the message already says.
    match chain.len() {
        0 | 1 => d,
        _ => d.help(
            chain
                .iter()
                .map(|m| m.trim().replace('\n', " "))
                .collect::<Vec<_>>()
                .join(": "),
        ),
    }
}

/// `message` without Tera's " while rendering 'x.html'" (the page's
/// template, not where the mistake is).
fn without_rendering_note(message: &str) -> String {
    match message.find(" while rendering '") {
        Some(start) => {
            let rest = &message[start + " while rendering '".len()..];
            let end = rest.find('\'').map_or(rest.len(), |e| e + 1);
            format!("{}{}", &message[..start], &rest[end..])
        }
        None => message.to_string(),
    }
}

fn quoted_after(message: &str, quote: &str) -> Option<String> {
    let start = message.find(quote)? + quote.len();
    let end = message[start..].find(quote)? + start;
    Some(message[start..end].to_string())
}

/// A term as lists show it: its name as the document spells it, and its
/// page (none when the term has none in this build).
fn term_object(name: &str, url: Option<&str>) -> Value {
    object([("name", name.into()), ("url", url.into())])
}

fn tlp_json(tlp: Tlp) -> Value {
    object([
        ("level", tlp.as_str().into()),
        ("label", tlp.label().into()),
    ])
}

/// A JSON object with room for exactly `entries` (their most, by
/// `size_hint`). `json!` lets a map grow as it inserts: a summary's 16 keys
/// ended with room for 28 (112 bytes each), each `{name, url}` with room
/// for 3, and a list page holds tens of thousands of summaries at once.
fn object<'k>(entries: impl IntoIterator<Item = (&'k str, Value)>) -> Value {
    let entries = entries.into_iter();
    let (least, most) = entries.size_hint();
    let mut map = serde_json::Map::with_capacity(most.unwrap_or(least));
    for (key, value) in entries {
        map.insert(key.to_string(), value);
    }
    Value::Object(map)
}

/// How much of each document's summary a list page's context holds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every field (docs/templates.md).
    Full,
    /// Only `html`, the list fragments, for a page whose templates are the
    /// built-in theme's ([`Theme::is_builtin`]): they read nothing else of
    /// an entry that has its fragment (the rest is their fallback for one
    /// that has not). At 100,000 documents the lists hold 820,000 entries,
    /// and building, reading and dropping the other 14 fields was most of
    /// their time.
    Fragments,
}

impl Detail {
    fn of(theme: &Theme, template: &str) -> Detail {
        if theme.is_builtin(template) {
            Detail::Fragments
        } else {
            Detail::Full
        }
    }
}

/// A document's list fragments: (key under `summary.html`, HTML).
pub type Fragments = Vec<(&'static str, Box<str>)>;

/// Values shared by every page, built once per site.
pub struct Shared {
    site: Value,
    config: Value,
    /// Every document's list fragments, by page index: set once the
    /// document pass has made them ([`Shared::set_listed`]).
    fragments: Vec<Fragments>,
    /// Term page URLs by (taxonomy, slug).
    term_urls: FxHashMap<(&'static str, String), String>,
    /// Each term's `{name, url}` as its list shows it, by taxonomy and that
    /// name: most documents spell a term that way, and one is copied for
    /// every tag and vendor of every entry of every list (800,000 entries
    /// at 100,000 documents), cheaper than looking its URL up and hashing
    /// both keys into a new map.
    term_objects: FxHashMap<&'static str, FxHashMap<String, Value>>,
    /// False for a build crawlers must stay out of: every page gets `noindex`.
    indexable: bool,
    /// `limits.page_bytes`: the most one page (or list fragment) may be.
    page_bytes: usize,
}

impl Shared {
    pub fn new(site: &Site) -> Shared {
        let urls = &site.urls;
        let nav: Vec<Value> = site
            .lists
            .iter()
            .map(|l| json!({ "title": l.section.title, "url": l.url }))
            .collect();
        let mut term_urls = FxHashMap::default();
        let mut term_objects: FxHashMap<_, FxHashMap<_, _>> = FxHashMap::default();
        for tax in &site.taxonomies {
            for term in &tax.terms {
                let url = urls.path(&tax.term_path(term));
                term_objects
                    .entry(tax.name)
                    .or_default()
                    .insert(term.name.clone(), term_object(&term.name, Some(&url)));
                term_urls.insert((tax.name, crate::content::slugify(&term.name)), url);
            }
        }
        Shared {
            site: json!({
                "title": site.config.title,
                "description": site.config.description,
                "language": site.config.language,
                "base_url": urls.base_url(),
                "base_path": urls.base_path(),
                "nav": nav,
                "extra": site.config.extra,
                "author": site.config.author,
            }),
            config: json!({ "extra": site.config.extra }),
            fragments: Vec::new(),
            term_urls,
            term_objects,
            indexable: site.publication.is_indexable(),
            page_bytes: site.config.limits.page_bytes(),
        }
    }

    /// A document's list fragments (see [`FRAGMENTS`]), rendered from its
    /// summary.
    fn listed(
        &self,
        page: &Page,
        summary: &str,
        tera: &Tera,
        theme: &Theme,
    ) -> Result<Fragments, Diagnostic> {
        // One context per document: the summary moves in and back out.
        let mut ctx = tera::Context::new();
        insert_owned(&mut ctx, "p", self.summary(page, summary, None));
        let mut html = Vec::new();
        let fragments = FRAGMENTS
            .iter()
            .filter(|f| f.wanted(page) && tera.get_template(f.template).is_ok());
        for fragment in fragments {
            let what = format!(
                "the list fragment of {} that macro `{}` of `macros.html` renders",
                page.url, fragment.macro_name
            );
            let rendered = render_capped(
                tera,
                theme,
                (fragment.template, "macros.html"),
                &what,
                &ctx,
                self.page_bytes,
            )?;
            html.push((fragment.key, rendered.into_boxed_str()));
        }
        Ok(html)
    }

    /// Takes the documents' list fragments, by page index.
    pub fn set_listed(&mut self, fragments: Vec<Fragments>) {
        self.fragments = fragments;
    }

    fn term(&self, taxonomy: &'static str, name: &str) -> Value {
        if let Some(Value::Object(object)) =
            self.term_objects.get(taxonomy).and_then(|t| t.get(name))
        {
            // Not `clone()`: that leaves room for a third entry (the map's
            // table holds 3 before it grows), 64 bytes more for each of
            // millions of terms shown.
            let mut copy = serde_json::Map::with_capacity(object.len());
            copy.clone_from(object);
            return Value::Object(copy);
        }
        let url = self
            .term_urls
            .get(&(taxonomy, crate::content::slugify(name)));
        term_object(name, url.map(String::as_str))
    }

    /// A document's summary; `html` (its list fragments) is left out when None.
    fn summary(&self, page: &Page, summary: &str, html: Option<Value>) -> Value {
        let doc = &page.doc;
        let inc = doc.incident.as_ref();
        let terms = |taxonomy, names: &[&str]| -> Value {
            names.iter().map(|t| self.term(taxonomy, t)).collect()
        };
        let tags: Vec<&str> = doc.meta.tags.iter().map(String::as_str).collect();
        let vendors = inc.map(|i| i.vendors()).unwrap_or_default();
        let fields = [
            ("kind", json!(doc.kind)),
            ("title", doc.meta.title.as_str().into()),
            ("url", page.url.as_str().into()),
            ("date", doc.meta.date.map(|d| d.ymd()).into()),
            ("updated", doc.meta.updated.map(|d| d.ymd()).into()),
            ("summary", summary.into()),
            ("tlp", tlp_json(doc.meta.tlp)),
            ("tags", terms("tags", &tags)),
            (
                "id",
                inc.and_then(|i| i.id.as_ref())
                    .map(|id| id.value.as_str())
                    .into(),
            ),
            ("severity", json!(inc.map(|i| i.severity))),
            ("status", json!(inc.map(|i| i.status))),
            ("vendors", terms("vendors", &vendors)),
            ("draft", doc.meta.draft.into()),
            ("embargo", doc.meta.embargo.map(|d| d.rfc3339()).into()),
        ];
        object(fields.into_iter().chain(html.map(|html| ("html", html))))
    }

    /// The summaries of `site.pages[i]` for each of `indices`, with the list
    /// fragments the list `shows` (keys of [`FRAGMENTS`]) as `html`; only
    /// `html` when `detail` allows and every one of them has those. Built
    /// for each list page that shows them (a Tera context owns its values):
    /// kept for every document, these JSON trees took more memory than
    /// anything else in a build, and with every field a list of 60,000
    /// incidents takes several KB an entry.
    fn list(&self, site: &Site, indices: &[usize], shows: &[&str], detail: Detail) -> Value {
        let fragments = |i: usize| self.fragments.get(i).into_iter().flatten();
        let only_html = detail == Detail::Fragments
            && indices.iter().all(|&i| {
                let shown =
                    fragments(i).filter(|(key, html)| shows.contains(key) && !html.is_empty());
                shown.count() == shows.len()
            });
        let summary = |i: usize| {
            let page = &site.pages[i];
            let mut html = serde_json::Map::with_capacity(shows.len());
            for (key, fragment) in fragments(i) {
                if shows.contains(key) {
                    html.insert(key.to_string(), fragment.as_ref().into());
                }
            }
            if only_html {
                return object([("html", Value::Object(html))]);
            }
            self.summary(page, &page.summary, Some(Value::Object(html)))
        };
        // In parallel: a long list is rendered alone (see `render_lists`),
        // and building its summaries takes longer than rendering them.
        Value::Array(
            indices
                .par_iter()
                .with_min_len(1_000)
                .map(|&i| summary(i))
                .collect(),
        )
    }

    /// The variables every page has. `noindex` says this page must not be
    /// indexed (a document above TLP:CLEAR, the 404 page, a redirect); in a
    /// build crawlers must stay out of, every page says so.
    fn context(
        &self,
        page_kind: &str,
        title: &str,
        canonical: String,
        noindex: bool,
    ) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("site", &self.site);
        ctx.insert("config", &self.config);
        ctx.insert("page_kind", page_kind);
        ctx.insert("title", title);
        ctx.insert("canonical", &canonical);
        ctx.insert("noindex", &(noindex || !self.indexable));
        ctx.insert("content_security_policy", CONTENT_SECURITY_POLICY);
        ctx
    }
}

fn page_json(site: &Site, shared: &Shared, index: usize, body: &Body) -> Value {
    let page = &site.pages[index];
    let doc = &page.doc;
    let link = |i: &usize| {
        let p = &site.pages[*i];
        json!({
            "title": p.doc.meta.title,
            "url": p.url,
            "kind": p.doc.kind,
            "id": p.doc.incident.as_ref().and_then(|x| x.id.as_ref()).map(|id| id.value.clone()),
        })
    };
    let section = site
        .lists
        .iter()
        .find(|l| l.section.name == doc.section)
        .map(|l| json!({ "title": l.section.title, "url": l.url }));
    let words = body.rendered.text.split_whitespace().count();
    let mut value = json!({
        "kind": doc.kind,
        "title": doc.meta.title,
        "url": page.url,
        "permalink": site.urls.absolute(&doc.path),
        "slug": doc.slug,
        "section": section,
        "date": doc.meta.date.map(|d| d.ymd()),
        "updated": doc.meta.updated.map(|d| d.ymd()),
        "summary": body.summary,
        "tags": doc.meta.tags.iter().map(|t| shared.term("tags", t)).collect::<Vec<_>>(),
        "tlp": tlp_json(doc.meta.tlp),
        "draft": doc.meta.draft,
        "embargo": doc.meta.embargo.map(|d| d.rfc3339()),
        "content": body.rendered.html,
        "toc": body.rendered.toc,
        "word_count": words,
        "reading_minutes": words.div_ceil(220).max(1),
        "extra": doc.meta.extra,
        "jsonld": crate::jsonld::for_page(site, page, body),
    });
    let Some(obj) = value.as_object_mut() else {
        return value;
    };
    if let Some(inc) = &doc.incident {
        let extra = json!({
            "id": inc.id.as_ref().map(|id| id.value.clone()),
            "severity": inc.severity,
            "status": inc.status,
            "cvss": inc.cvss,
            "affected": inc.affected.iter().map(|a| json!({
                "vendor": a.vendor,
                "vendor_url": a.vendor.as_deref().map(|v| shared.term("vendors", v)["url"].clone()),
                "product": a.product,
                "versions": a.versions,
                "package": a.package,
                "fixed": a.fixed,
                "osv": a.osv(),
            })).collect::<Vec<_>>(),
            "advisory_ids": inc.advisory_ids,
            "third_parties": inc.third_parties.iter().map(|t| shared.term("vendors", t)).collect::<Vec<_>>(),
            "data_exposed": inc.data_exposed,
            "actors": inc.actors,
            "records_affected": inc.records_affected,
            "cves": inc.cves.iter().map(|c| json!({"id": c, "url": format!("https://www.cve.org/CVERecord?id={c}")})).collect::<Vec<_>>(),
            "cwes": inc.cwes.iter().map(|c| json!({"id": c, "url": format!("https://cwe.mitre.org/data/definitions/{}.html", c.trim_start_matches("CWE-"))})).collect::<Vec<_>>(),
            "timeline": inc.timeline.iter().zip(&body.timeline_html).map(|(t, html)| json!({
                "date": if t.date.has_time { t.date.instant.format("%Y-%m-%d %H:%M UTC").to_string() } else { t.date.ymd() },
                "datetime": t.date.rfc3339(),
                "event": html,
            })).collect::<Vec<_>>(),
            "actions": body.actions_html,
            "references": inc.references.iter().map(|r| json!({"title": r.title.clone().unwrap_or_else(|| r.url.clone()), "url": r.url})).collect::<Vec<_>>(),
            "related": page.related.iter().map(link).collect::<Vec<_>>(),
            "faqs": page.backlinks.iter().map(link).collect::<Vec<_>>(),
        });
        if let Value::Object(m) = extra {
            obj.extend(m);
        }
    }
    if doc.kind == Kind::Faq {
        let mut questions: Vec<Value> = body
            .rendered
            .questions
            .iter()
            .map(|q| json!({"question": q.question, "anchor": q.anchor, "answer": q.answer}))
            .collect();
        let mut content = body.rendered.html.clone();
        if questions.is_empty() {
            questions
                .push(json!({"question": doc.meta.title, "anchor": "answer", "answer": content}));
            content = String::new();
        }
        obj.insert("questions".into(), Value::Array(questions));
        obj.insert("content".into(), Value::String(content));
        obj.insert(
            "incidents".into(),
            Value::Array(page.backlinks.iter().map(link).collect()),
        );
    }
    value
}

fn render_one(
    shared: &Shared,
    tera: &Tera,
    theme: &Theme,
    template: &'static str,
    path: String,
    ctx: &tera::Context,
) -> Result<RenderedPage, Diagnostic> {
    let what = format!("the page `{path}` that template `{template}` renders");
    let html = render_capped(
        tera,
        theme,
        (template, template),
        &what,
        ctx,
        shared.page_bytes,
    )?;
    Ok(RenderedPage {
        path,
        template,
        html,
    })
}

/// Renders `template` within `page_bytes` (and the other bounds of
/// `template_env::render`). Past `page_bytes`, the error says `what` was
/// too large, at the file of template `blame` (the theme file behind
/// `template`).
fn render_capped(
    tera: &Tera,
    theme: &Theme,
    (template, blame): (&str, &str),
    what: &str,
    ctx: &tera::Context,
    page_bytes: usize,
) -> Result<String, Diagnostic> {
    use crate::template_env::Failure;
    crate::template_env::render(tera, template, ctx, page_bytes).map_err(|failure| match failure {
        Failure::Tera(e) => template_error(theme, &e),
        Failure::TooLarge => Diagnostic::error(
            Code::Template,
            format!(
                "{what} is larger than {page_bytes} bytes, the most a page may be (`limits.page_bytes`)"
            ),
        )
        .at(Location::file(&theme.template_path(blame)))
        .help("does a loop of the template (or of one it includes) write without end? A site whose pages are really this large raises `limits: { page_bytes: … }` in seckb.yaml"),
    })
}

/// [`render_one`] for a list page whose summaries are `ctx[key].pages`,
/// then drops them on every core: such a list renders alone in its wave,
/// and at 100,000 documents dropping 60,000 incidents' summaries took 77 ms
/// on one core, 40 ms on two.
fn render_list(
    shared: &Shared,
    tera: &Tera,
    theme: &Theme,
    template: &'static str,
    path: String,
    mut ctx: tera::Context,
    key: &str,
) -> RenderResult {
    let page = render_one(shared, tera, theme, template, path, &ctx);
    if let Some(Value::Object(mut list)) = ctx.remove(key) {
        if let Some(Value::Array(pages)) = list.remove("pages") {
            pages.into_par_iter().with_min_len(1_000).for_each(drop);
        }
    }
    page
}

/// Renders the page of `site.pages[index]` alone, exactly as the document
/// pass does: `seckb serve` shows an edited document before the full rebuild.
pub fn render_document_page(
    site: &Site,
    tera: &Tera,
    theme: &Theme,
    index: usize,
    body: &Body,
) -> Result<RenderedPage, Diagnostic> {
    render_document(site, &Shared::new(site), tera, theme, index, body)
}

fn render_document(
    site: &Site,
    shared: &Shared,
    tera: &Tera,
    theme: &Theme,
    index: usize,
    body: &Body,
) -> Result<RenderedPage, Diagnostic> {
    let page = &site.pages[index];
    let template: &'static str = match page.kind() {
        Kind::Incident => "incident.html",
        Kind::Faq => "faq.html",
        Kind::Page => "page.html",
    };
    let mut ctx = shared.context(
        page.kind().as_str(),
        &page.doc.meta.title,
        site.urls.absolute(&page.doc.path),
        page.doc.meta.tlp > Tlp::Clear,
    );
    insert_owned(&mut ctx, "page", page_json(site, shared, index, body));
    render_one(
        shared,
        tera,
        theme,
        template,
        Urls::output_file(&page.doc.path),
        &ctx,
    )
}

/// Where rendered pages go: decorated in preview builds, read by the link
/// check, then handed to the sink (written at once by `seckb build`); and
/// the term table the documents' search entries are inverted against.
pub struct Emit<'a> {
    pub sink: &'a Sink,
    pub decorator: Option<&'a crate::preview::Decorator>,
    pub terms: &'a crate::search::Tables,
    /// The URLs pages link to, numbered for the link check.
    pub urls: &'a crate::interner::Interner,
}

/// A page once emitted: what the output map holds for it, and its links.
pub struct Emitted {
    pub path: String,
    pub content: Content,
    pub links: PageLinks,
}

impl Emit<'_> {
    fn emit(&self, mut page: RenderedPage) -> Emitted {
        if let Some(decorator) = self.decorator {
            decorator.apply(&mut page);
        }
        let links = PageLinks::read(page.path.clone(), page.template, &page.html, self.urls);
        let content = self.sink.put(&page.path, page.html.into_bytes());
        Emitted {
            path: page.path,
            content,
            links,
        }
    }
}

/// What the document pass keeps of one document once its page is out.
pub struct DocumentDone {
    pub file: Emitted,
    pub summary: String,
    /// The body, for documents `keep` asked for.
    pub kept: Option<Body>,
    /// Its search index entries.
    pub entries: Vec<crate::search::Prepared>,
    /// Its list fragments ([`Shared::set_listed`]).
    pub listed: Fragments,
    /// What its Markdown reported.
    pub diagnostics: Vec<Diagnostic>,
}

/// The document pass: renders each document's Markdown and page, emits the
/// page, and keeps only what lists, exports and the link check need, so
/// memory holds a few rendered bodies at a time, not one per document.
pub fn render_documents(
    root: &std::path::Path,
    site: &Site,
    tera: &Tera,
    theme: &Theme,
    shared: &Shared,
    emit: &Emit,
    keep: &std::collections::HashSet<usize>,
) -> Result<Vec<DocumentDone>, Vec<Diagnostic>> {
    let results: Vec<Result<DocumentDone, Diagnostic>> = (0..site.pages.len())
        .into_par_iter()
        .with_min_len(16)
        .map_init(crate::search::NearbyTerms::default, |nearby, index| {
            let page = &site.pages[index];
            let text = read_again(root, &page.doc)?;
            let (mut body, diagnostics) =
                crate::site::render_body(&page.doc, &text, &site.links, site.config.raw_html);
            if keep.contains(&index) {
                body.markdown = text.get(page.doc.body_offset..).map(str::to_string);
            }
            drop(text);
            let rendered = render_document(site, shared, tera, theme, index, &body)?;
            let listed = shared.listed(page, &body.summary, tera, theme)?;
            let entries = crate::search::entries::of_page(page, &body)
                .into_iter()
                .enumerate()
                .map(|(i, entry)| {
                    let provisional = format!("docs/tmp-{index}-{i}.json");
                    crate::search::Prepared::new(entry, emit.terms, nearby, emit.sink, provisional)
                })
                .collect();
            let file = emit.emit(rendered);
            Ok(DocumentDone {
                file,
                summary: body.summary.clone(),
                kept: keep.contains(&index).then_some(body),
                entries,
                listed,
                diagnostics,
            })
        })
        .collect();
    gather(results)
}

/// The whole file of `doc`, read again for its body: it must still be the
/// file validated (and scanned for secrets) earlier in this build.
fn read_again(
    root: &std::path::Path,
    doc: &crate::content::Document,
) -> Result<String, Diagnostic> {
    let file = crate::content::load::read_source(&root.join(&doc.source), &doc.source)?;
    if !doc.is_same_file(&file.text) {
        return Err(Diagnostic::error(
            Code::Io,
            format!(
                "{} changed while the site was being built",
                doc.source.display()
            ),
        )
        .at(Location::file(&doc.source))
        .help("build again once the file is saved"));
    }
    Ok(file.text)
}

/// Every result, or every distinct error.
fn gather<T>(results: Vec<Result<T, Diagnostic>>) -> Result<Vec<T>, Vec<Diagnostic>> {
    let mut done = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(x) => done.push(x),
            Err(d) => {
                if !errors.contains(&d) {
                    errors.push(d);
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(done)
    } else {
        Err(errors)
    }
}

/// A page to render after the document pass, and how many document
/// summaries its context holds (what its memory grows with).
pub struct ListJob<'a> {
    pub entries: usize,
    job: Box<dyn Fn() -> RenderResult + Send + Sync + 'a>,
}

type RenderResult = Result<RenderedPage, Diagnostic>;

/// The fragment a folder's list page shows for each document: the default
/// theme lists incidents in a table, other documents as items.
fn section_shows(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Incident => &["row"],
        _ => &["item"],
    }
}

/// The severities and statuses (in their order) and the years (newest
/// first) that occur among `site.pages[i]` for each of `indices`, for a
/// list page's links and filters: worked out in a template, they cost a
/// pass over every summary, alone on one core at 60,000 incidents.
fn facets(site: &Site, indices: &[usize]) -> Value {
    let mut severities = BTreeSet::new();
    let mut statuses = BTreeSet::new();
    let mut years = BTreeSet::new();
    for &i in indices {
        let doc = &site.pages[i].doc;
        if let Some(incident) = &doc.incident {
            severities.insert(incident.severity);
            statuses.insert(incident.status);
        }
        years.extend(doc.meta.date.map(|d| d.year()));
    }
    json!({
        "severities": severities.iter().rev().collect::<Vec<_>>(),
        "statuses": statuses,
        "years": years.iter().rev().map(|y| format!("{y:04}")).collect::<Vec<_>>(),
    })
}

/// Every HTML page that is not a document's: list, taxonomy, home, search,
/// 404 and redirect pages, to render once the document pass has made the
/// summaries the lists show ([`render_lists`]).
pub fn list_jobs<'a>(
    site: &'a Site,
    tera: &'a Tera,
    theme: &'a Theme,
    shared: &'a Shared,
) -> Vec<ListJob<'a>> {
    let urls = &site.urls;
    let section_detail = Detail::of(theme, "section.html");
    let term_detail = Detail::of(theme, "term.html");
    let mut jobs: Vec<ListJob<'a>> = Vec::new();
    let mut push = |entries: usize, job: Box<dyn Fn() -> RenderResult + Send + Sync + 'a>| {
        jobs.push(ListJob { entries, job });
    };

    for list in &site.lists {
        push(
            list.pages.len(),
            Box::new(move || {
                let mut ctx = shared.context(
                    "section",
                    &list.section.title,
                    urls.absolute(&list.path),
                    false,
                );
                insert_owned(
                    &mut ctx,
                    "section",
                    with(
                        json!({
                            "kind": list.section.kind,
                            "name": list.section.name,
                            "title": list.section.title,
                            "description": list.section.description,
                            "url": list.url,
                            "content": list.intro_html,
                            "facets": facets(site, &list.pages),
                        }),
                        "pages",
                        shared.list(
                            site,
                            &list.pages,
                            section_shows(list.section.kind),
                            section_detail,
                        ),
                    ),
                );
                let path = Urls::output_file(&list.path);
                render_list(shared, tera, theme, "section.html", path, ctx, "section")
            }),
        );
    }
    for tax in &site.taxonomies {
        let terms: Vec<Value> = tax
            .terms
            .iter()
            .map(|t| json!({"name": t.name, "url": urls.path(&tax.term_path(t)), "count": t.pages.len()}))
            .collect();
        let taxonomy = json!({"name": tax.name, "title": tax.title, "url": urls.path(&tax.path()), "terms": terms});
        let taxonomy = std::sync::Arc::new(taxonomy);
        let t = taxonomy.clone();
        push(
            0,
            Box::new(move || {
                let mut ctx =
                    shared.context("taxonomy", tax.title, urls.absolute(&tax.path()), false);
                ctx.insert("taxonomy", &*t);
                render_one(
                    shared,
                    tera,
                    theme,
                    "taxonomy.html",
                    Urls::output_file(&tax.path()),
                    &ctx,
                )
            }),
        );
        for term in &tax.terms {
            let t = taxonomy.clone();
            push(
                term.pages.len(),
                Box::new(move || {
                    let path = tax.term_path(term);
                    let title = format!("{}: {}", tax.title, term.name);
                    let mut ctx = shared.context("term", &title, urls.absolute(&path), false);
                    ctx.insert("taxonomy", &*t);
                    let value = json!({"name": term.name, "url": urls.path(&path)});
                    insert_owned(
                        &mut ctx,
                        "term",
                        with(
                            value,
                            "pages",
                            shared.list(site, &term.pages, &["item"], term_detail),
                        ),
                    );
                    let file = Urls::output_file(&path);
                    render_list(shared, tera, theme, "term.html", file, ctx, "term")
                }),
            );
        }
    }
    // The home page lists every open incident.
    let open = site
        .incidents()
        .filter(|p| {
            p.doc
                .incident
                .as_ref()
                .is_some_and(|i| i.status != Status::Resolved)
        })
        .count();
    push(
        open,
        Box::new(move || {
            let mut ctx = shared.context("home", &site.config.title, urls.absolute(""), false);
            insert_owned(&mut ctx, "home", home_json(site, theme, shared));
            render_one(shared, tera, theme, "index.html", "index.html".into(), &ctx)
        }),
    );
    push(
        0,
        Box::new(move || {
            let ctx = shared.context("search", "Search", urls.absolute("search/"), false);
            render_one(
                shared,
                tera,
                theme,
                "search.html",
                "search/index.html".into(),
                &ctx,
            )
        }),
    );
    push(
        0,
        Box::new(move || {
            let ctx = shared.context("404", "Page not found", urls.absolute("404.html"), true);
            render_one(shared, tera, theme, "404.html", "404.html".into(), &ctx)
        }),
    );
    for (alias, target) in &site.aliases {
        push(
            0,
            Box::new(move || {
                let page = &site.pages[*target];
                // The redirect is root-relative, so it stays on the host that
                // serves the site (a preview, a mirror); `canonical` is absolute.
                let canonical = urls.absolute(&page.doc.path);
                let mut ctx = shared.context("alias", &page.doc.meta.title, canonical, true);
                ctx.insert("target", &urls.path(&page.doc.path));
                render_one(
                    shared,
                    tera,
                    theme,
                    "alias.html",
                    Urls::output_file(alias),
                    &ctx,
                )
            }),
        );
    }

    jobs
}

/// Renders `jobs` in parallel, in waves of at most `budget` summaries
/// between them: a list page's context holds a JSON tree of every document
/// it shows (several KB each), and at 100,000 documents two long lists at
/// once took hundreds of MB more. Each wave takes the longest job left and
/// fills up with shorter ones, so both cores keep working.
pub fn render_lists(
    mut jobs: Vec<ListJob>,
    emit: &Emit,
    budget: usize,
) -> Result<Vec<Emitted>, Vec<Diagnostic>> {
    jobs.sort_by_key(|job| std::cmp::Reverse(job.entries));
    let mut results = Vec::with_capacity(jobs.len());
    while !jobs.is_empty() {
        let mut total = 0;
        let (wave, later): (Vec<ListJob>, Vec<ListJob>) = jobs.into_iter().partition(|job| {
            let fits = total == 0 || total + job.entries <= budget;
            if fits {
                total += job.entries.max(1);
            }
            fits
        });
        results.par_extend(
            wave.par_iter()
                .map(|j| (j.job)().map(|page| emit.emit(page))),
        );
        jobs = later;
    }
    gather(results)
}

fn home_json(site: &Site, theme: &Theme, shared: &Shared) -> Value {
    let mut open: Vec<usize> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.doc
                .incident
                .as_ref()
                .is_some_and(|i| i.status != Status::Resolved)
        })
        .map(|(i, _)| i)
        .collect();
    open.sort_by(|&a, &b| {
        let sev = |i: usize| site.pages[i].doc.incident.as_ref().map(|x| x.severity);
        sev(b).cmp(&sev(a)).then_with(|| {
            site.pages[b]
                .doc
                .meta
                .date
                .cmp(&site.pages[a].doc.meta.date)
        })
    });
    let mut latest: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.pages[i].doc.last_changed().is_some())
        .collect();
    latest.sort_by(|&a, &b| {
        site.pages[b]
            .doc
            .last_changed()
            .cmp(&site.pages[a].doc.last_changed())
            .then_with(|| {
                site.pages[a]
                    .doc
                    .meta
                    .title
                    .cmp(&site.pages[b].doc.meta.title)
            })
    });
    latest.truncate(10);
    let count = |name: &str, key: &str| {
        let tax = site.taxonomies.iter().find(|t| t.name == name);
        let term = tax.and_then(|t| t.terms.iter().find(|x| x.slug == key).map(|x| (t, x)));
        json!({
            "name": key,
            "count": term.map_or(0, |(_, x)| x.pages.len()),
            "url": term.map(|(t, x)| site.urls.path(&t.term_path(x))),
        })
    };
    let home = json!({
        "content": site.home_intro,
        "severity_counts": Severity::ALL.iter().map(|s| count("severity", s.as_str())).collect::<Vec<_>>(),
        "status_counts": Status::ALL.iter().map(|s| count("status", s.as_str())).collect::<Vec<_>>(),
        "total_incidents": site.incidents().count(),
        "charts": crate::charts::dashboard(site),
    });
    // The latest documents' summaries are full: index.html shows fields of
    // them besides their fragments.
    let home = with(
        home,
        "open_incidents",
        shared.list(site, &open, &["card"], Detail::of(theme, "index.html")),
    );
    with(
        home,
        "latest",
        shared.list(site, &latest, &["item"], Detail::Full),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_of_builtin_templates_get_fragments_alone() {
        let site = tempfile::tempdir().unwrap();
        let theme = crate::theme::load(site.path(), "default").unwrap();
        assert!(Detail::of(&theme, "section.html") == Detail::Fragments);
        assert!(Detail::of(&theme, "term.html") == Detail::Fragments);
        // term.html includes summary_items.html, which imports macros.html:
        // a site's own macros.html changes what both list pages read.
        let templates = site.path().join("templates");
        std::fs::create_dir(&templates).unwrap();
        std::fs::write(
            templates.join("macros.html"),
            "{% macro x() %}{% endmacro x %}",
        )
        .unwrap();
        let theme = crate::theme::load(site.path(), "default").unwrap();
        assert!(Detail::of(&theme, "section.html") == Detail::Full);
        assert!(Detail::of(&theme, "term.html") == Detail::Full);
    }

    #[test]
    fn list_fragments_need_the_macro_with_the_same_arguments() {
        let mut tera = Tera::default();
        tera.add_raw_template(
            "macros.html",
            "{% macro summary_item(p, level=2) %}<h{{ level }}>{{ p.title }}</h{{ level }}>{% endmacro summary_item %}\
             {% macro incident_row(p, extra) %}x{% endmacro incident_row %}",
        )
        .unwrap();
        let [item, row, card] = &FRAGMENTS;
        assert!(item.available(&tera));
        assert!(!row.available(&tera), "different arguments");
        assert!(!card.available(&tera), "no such macro");
        tera.add_raw_template(item.template, item.call).unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("p", &json!({"title": "a<b"}));
        // Escaped exactly as the macro call inside an .html list page is.
        assert_eq!(tera.render(item.template, &ctx).unwrap(), "<h2>a&lt;b</h2>");
    }
}
