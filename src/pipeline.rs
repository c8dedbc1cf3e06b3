//! The build as a list of named stages over plain data:
//! config → theme → discover → validate → assemble → render → extras → link check.
//! `build`, `check` and `serve` all run this one function.

use crate::config::{self, Config};
use crate::content::{load, validate, Document, Tlp};
use crate::diagnostics::{Code, Diagnostic};
use crate::linkcheck::{self, PageSource};
use crate::output::{Content, Output, Sink};
use crate::site::{self, Publication, Site};
use crate::urls::Urls;
use crate::{outputs, render, theme};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// List pages showing at least this many documents are rendered after the
/// exports, not beside them: at 100,000 documents the 60,000-incident list
/// beside the search index took 130 MB more. Shorter lists (severities,
/// statuses, FAQs there: 10,000–30,000 entries) go beside the exports in
/// waves of `LIST_WAVE`; after them, each rendering alone in its wave had
/// left a core idle (lists and exports 6.7–7.3 s with 10,000 here, 6.3–6.7 s
/// with 40,000, for the same peak RSS).
const LONG_LIST: usize = 40_000;

/// Document summaries the list pages rendered at once may hold between
/// them: a few KB each, some hundreds of MB in all (a list longer than
/// this is rendered alone).
const LIST_WAVE: usize = 60_000;

/// What a build reads and decides.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from seckb.yaml.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Overrides `publish_tlp` from seckb.yaml.
    pub tlp: Option<Tlp>,
    /// Overrides the clock (embargoes, warnings), for tests and reproducible builds.
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    /// Serve mode: pages get the live-reload script and preview banners,
    /// the output keeps crawlers and aggregators out (as with `drafts`), and
    /// diagnostics of documents it does not publish are withheld.
    pub preview: bool,
    /// Told the name of each stage as it finishes (`-v`'s timings).
    pub on_stage: Option<StageHook>,
    /// Told what the build is doing, with counts (the progress display).
    pub meter: Arc<crate::progress::Meter>,
}

/// A callback for finished build stages, shareable across threads.
#[derive(Clone)]
pub struct StageHook(Arc<dyn Fn(&'static str) + Send + Sync>);

impl StageHook {
    pub fn new(f: impl Fn(&'static str) + Send + Sync + 'static) -> StageHook {
        StageHook(Arc::new(f))
    }

    pub fn call(&self, stage: &'static str) {
        (self.0)(stage)
    }
}

impl std::fmt::Debug for StageHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StageHook")
    }
}

/// A successful build, in memory.
#[derive(Debug)]
pub struct Built {
    pub output: Output,
    pub site: Site,
    pub warnings: Vec<Diagnostic>,
    pub stats: Stats,
}

#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub documents: usize,
    pub pages: usize,
    pub files: usize,
    pub stages: Vec<(&'static str, Duration)>,
}

/// A failed build: every error and warning found.
#[derive(Debug)]
pub struct Failed {
    pub diagnostics: Vec<Diagnostic>,
}

struct Timer {
    start: Instant,
    stages: Vec<(&'static str, Duration)>,
    hook: Option<StageHook>,
}

impl Timer {
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.stages.push((name, now - self.start));
        self.start = now;
        if let Some(hook) = &self.hook {
            hook.call(name);
        }
    }
}

fn fail(mut diagnostics: Vec<Diagnostic>) -> Failed {
    crate::diagnostics::sort(&mut diagnostics);
    Failed { diagnostics }
}

/// Loads and validates seckb.yaml, applying command-line overrides.
pub fn load_config(options: &BuildOptions) -> Result<Config, Vec<Diagnostic>> {
    let mut config = config::load(&options.root)?;
    if let Some(url) = &options.base_url {
        config.base_url = config::normalize_base_url(url)
            .map_err(|m| vec![Diagnostic::error(Code::Config, format!("--base-url: {m}"))])?;
    }
    if let Some(tlp) = options.tlp {
        config.publish_tlp = tlp;
    }
    Ok(config)
}

/// Runs every stage in memory. Nothing is written.
pub fn build(options: &BuildOptions) -> Result<Built, Failed> {
    build_into(options, &Sink::memory())
}

/// Runs every stage; generated files go to `sink` as they are made. In a
/// preview, diagnostics about documents it does not publish show only
/// where they are ([`Diagnostic::withhold`]): serve shows them on every page.
pub fn build_into(options: &BuildOptions, sink: &Sink) -> Result<Built, Failed> {
    let mut withheld = HashSet::new();
    let mut result = run_stages(options, sink, &mut withheld);
    let diagnostics = match &mut result {
        Ok(built) => &mut built.warnings,
        Err(failed) => &mut failed.diagnostics,
    };
    for d in diagnostics {
        if d.location
            .as_ref()
            .is_some_and(|l| withheld.contains(&l.file))
        {
            d.withhold();
        }
    }
    result
}

/// The stages of [`build_into`]; `withheld` gets the documents whose
/// diagnostics must not quote them.
fn run_stages(
    options: &BuildOptions,
    sink: &Sink,
    withheld: &mut HashSet<PathBuf>,
) -> Result<Built, Failed> {
    let mut timer = Timer {
        start: Instant::now(),
        stages: Vec::new(),
        hook: options.on_stage.clone(),
    };
    let now = options.now.unwrap_or_else(chrono::Utc::now);
    let config = load_config(options).map_err(fail)?;
    // Whatever ends the run, the site's link strictness applies to it.
    let link_check = config.links;
    let fail = |mut diagnostics: Vec<Diagnostic>| {
        link_check.apply(&mut diagnostics);
        fail(diagnostics)
    };
    let mut diagnostics = Vec::new();
    let theme = theme::load(&options.root, &config.theme);
    let tera = theme
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|t| render::load_templates(t, &config.base_path()));
    let mut scanned = scan_site_sources(&options.root, &config, theme.as_ref().ok());
    diagnostics.append(&mut scanned.diagnostics);
    timer.lap("config and theme");

    let publication = Publication {
        drafts: options.drafts,
        ceiling: config.publish_tlp,
        now,
        preview: options.preview,
    };
    let (found, d) = load::discover(&options.root);
    diagnostics.extend(d);
    timer.lap("discover");

    let meter = &options.meter;
    meter.begin("validating documents", found.documents.len());
    // Each file is read, validated and scanned for secrets by one thread;
    // a valid document keeps only its front matter text.
    let validated: Vec<Validated> = found
        .documents
        .par_iter()
        .map(|(abs, rel)| {
            let validated = validate_file(abs, rel, &config, &publication);
            meter.tick();
            validated
        })
        .collect();
    let mut documents = Vec::with_capacity(validated.len());
    let mut invalid = site::Invalid::default();
    for v in validated {
        diagnostics.extend(v.diagnostics);
        withheld.extend(v.withheld);
        scanned.known.extend(v.secrets);
        match v.document {
            Some(doc) => documents.push(doc),
            None => {
                if let Some((path, id)) = v.invalid {
                    invalid.paths.push(path);
                    invalid.ids.extend(id);
                }
            }
        }
    }
    let mut sections = Vec::new();
    let mut names: Vec<String> = vec![String::new()];
    names.extend(found.sections.iter().cloned());
    for name in &names {
        let index = found
            .section_indexes
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, s)| s);
        let (section, d) = validate::section(name, index);
        diagnostics.extend(d);
        sections.push(section);
    }
    diagnostics.extend(upcoming_embargoes(&documents, now));
    timer.lap("parse and validate");

    let (theme, tera) = match (theme, tera) {
        (Ok(theme), Ok(tera)) => (theme, tera),
        (Err(e), _) | (_, Err(e)) => {
            diagnostics.extend(e);
            return Err(fail(diagnostics));
        }
    };
    let document_count = documents.len();
    meter.begin("assembling the site", 0);
    // Documents with errors take part as far as they can, and the build goes
    // on to the link check, so one run reports every problem; nothing is
    // written on error.
    let (site, d) = site::assemble(
        config,
        publication,
        documents,
        &invalid,
        sections,
        found.assets,
    );
    diagnostics.extend(d);
    timer.lap("assemble");

    let mut site = site;
    // Past assembly only the CSAF export reports errors at a front matter
    // line (its file name collisions); other reports read the file again.
    if site.config.csaf.is_none() {
        for page in &mut site.pages {
            page.doc.release_text();
        }
    }
    let decorator = options
        .preview
        .then(|| crate::preview::Decorator::new(&site));
    let terms = crate::search::Tables::default();
    let link_urls = crate::interner::Interner::default();
    let emit = render::Emit {
        sink,
        decorator: decorator.as_ref(),
        terms: &terms,
        urls: &link_urls,
        meter,
    };
    let mut shared = render::Shared::new(&site);
    let printed = outputs::printed_bodies(&site);
    meter.begin("rendering documents", site.pages.len());
    let documents = match render::render_documents(
        &options.root,
        &site,
        &tera,
        &theme,
        &shared,
        &emit,
        &printed,
    ) {
        Ok(documents) => documents,
        Err(d) => {
            diagnostics.extend(d);
            return Err(fail(diagnostics));
        }
    };
    let mut pages: Vec<(String, Content)> = Vec::with_capacity(documents.len());
    let mut page_links = Vec::with_capacity(documents.len());
    let mut search_entries = Vec::with_capacity(documents.len());
    let mut listed = Vec::with_capacity(documents.len());
    for (page, done) in site.pages.iter_mut().zip(documents) {
        page.summary = done.summary;
        page.kept = done.kept;
        search_entries.extend(done.entries);
        listed.push(done.listed);
        diagnostics.extend(done.diagnostics);
        pages.push((done.file.path, done.file.content));
        page_links.push(done.file.links);
    }
    shared.set_listed(listed);
    timer.lap("render documents");
    meter.begin("rendering lists and exports", 0);

    // The exports run beside the short list pages; the long lists follow,
    // in waves of bounded size (`render::render_lists`): the exports and a
    // long list each hold large transient trees (the search index, a JSON
    // summary of every document listed).
    let (long, short): (Vec<_>, Vec<_>) = render::list_jobs(&site, &tera, &theme, &shared)
        .into_iter()
        .partition(|job| job.entries >= LONG_LIST);
    let (short, (exports, export_diagnostics)) = rayon::join(
        || render::render_lists(short, &emit, LIST_WAVE),
        || {
            let mut exports = Output::default();
            let d = outputs::add_all(&site, (search_entries, &terms), sink, &mut exports, now);
            sink.drain(&mut exports);
            (exports, d)
        },
    );
    let lists = short.and_then(|mut short| {
        short.extend(render::render_lists(long, &emit, LIST_WAVE)?);
        Ok(short)
    });
    drop(shared);
    for page in &mut site.pages {
        page.kept = None;
    }
    let lists = match lists {
        Ok(lists) => lists,
        Err(d) => {
            diagnostics.extend(d);
            return Err(fail(diagnostics));
        }
    };
    let page_count = page_links.len() + lists.len();
    for emitted in lists {
        pages.push((emitted.path, emitted.content));
        page_links.push(emitted.links);
    }
    timer.lap("render lists and exports");
    meter.begin("collecting the output", 0);

    let mut output = Output::default();
    for (path, source) in &theme.statics {
        output.insert(path.clone(), Content::from(source));
    }
    if options.preview {
        crate::preview::add_assets(&mut output);
    }
    // Pages colliding with each other are reported by `site::assemble`.
    let mut replaced = replaced_files(
        &options.root,
        &theme,
        &output,
        pages.iter().map(|(path, _)| path.as_str()),
    );
    replaced.extend(replaced_files(
        &options.root,
        &theme,
        &output,
        exports.files().map(|(path, _)| path.as_str()),
    ));
    diagnostics.extend(copies_in_owned_folders(
        &options.root,
        &theme,
        &site.assets,
        &replaced,
    ));
    diagnostics.extend(replaced.into_iter().map(|(_, d)| d));
    // The copied files are scanned for secrets (and the built-in ones
    // written) before the pages join them: pages were scanned as they were
    // made, and the exports as they were drained.
    sink.drain(&mut output);
    for (path, content) in pages {
        output.insert(path, content);
    }
    output.append(exports);
    diagnostics.extend(export_diagnostics);
    let link_urls = linkcheck::read_rest(&output, &mut page_links, &link_urls);
    let (mut attachments, d) =
        used_attachments(&options.root, &site, &page_links, &link_urls, &output);
    diagnostics.extend(d);
    sink.drain(&mut attachments);
    output.append(attachments);
    let (spotted, unreadable) = sink.secrets().take();
    diagnostics.extend(crate::secrets::output_errors(
        spotted,
        unreadable,
        &options.root,
        &site.config.secrets.allow,
        &scanned.known,
        &made_from(&site),
    ));
    let conflicts = output.file_folder_conflicts();
    let write_failures = sink.failures();
    if conflicts.is_empty() {
        diagnostics.extend(
            write_failures
                .into_iter()
                .map(|failure| Diagnostic::error(Code::Output, format!("cannot write {failure}"))),
        );
    }
    diagnostics.extend(conflicts.into_iter().map(|(file, inside)| {
        Diagnostic::error(
            Code::UrlCollision,
            format!("the output file `{file}` is in the way of `{inside}`: a path cannot be both a file and a folder"),
        )
        .help("rename the document, alias or file that makes one of them")
    }));
    timer.lap("collect output");
    meter.begin("checking links", 0);

    let broken = linkcheck::check(
        &output,
        page_links,
        &link_urls,
        site.urls.base_path(),
        &link_sources(&options.root, &site),
        &theme,
    );
    diagnostics.extend(broken);
    link_check.apply(&mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(fail(diagnostics));
    }
    timer.lap("link check");

    let mut warnings = diagnostics;
    crate::diagnostics::sort(&mut warnings);
    Ok(Built {
        stats: Stats {
            documents: document_count,
            pages: page_count,
            files: output.len(),
            stages: timer.stages,
        },
        output,
        site,
        warnings,
    })
}

/// The files next to documents that the pages link to or embed
/// ([`crate::attachments`]), as an output of their own for the sink to
/// scan; and collisions with `output`, and a warning for each file no
/// document uses.
fn used_attachments(
    root: &std::path::Path,
    site: &Site,
    pages: &[linkcheck::PageLinks],
    urls: &crate::interner::Table,
    output: &Output,
) -> (Output, Vec<Diagnostic>) {
    let mut attachments = Output::default();
    if site.assets.is_empty() {
        return (attachments, Vec::new());
    }
    let named = linkcheck::named_files(pages, urls, site.urls.base_path());
    let (published, mut diagnostics) =
        crate::attachments::publish(root, &site.assets, &named, &site.links.documents);
    // A file in a folder seckb generates is reported by `copies_in_owned_folders`.
    for asset in published
        .into_iter()
        .filter(|a| generated_folder(&a.path).is_none())
    {
        match output.get(&asset.path) {
            Some(other) => diagnostics.push(attachment_in_the_way(root, asset, other)),
            None => attachments.insert(asset.path.clone(), Content::Copy(asset.source.clone())),
        }
    }
    (attachments, diagnostics)
}

/// A file next to documents has the output path of another file: a page,
/// an export or a static file.
fn attachment_in_the_way(
    root: &std::path::Path,
    asset: &crate::content::Asset,
    other: &Content,
) -> Diagnostic {
    let what = match other {
        Content::Copy(source) => format!(
            "the file {}",
            source.strip_prefix(root).unwrap_or(source).display()
        ),
        _ => "a page or file seckb makes".to_string(),
    };
    let file = std::path::Path::new("content").join(&asset.path);
    Diagnostic::error(
        Code::UrlCollision,
        format!(
            "{} has the output path `{}` of {what}",
            file.display(),
            asset.path
        ),
    )
    .at(crate::diagnostics::Location::file(&file))
    .help("rename or move the file")
}

/// Files seckb generates (`generated`: pages, feeds, sitemaps, robots.txt,
/// the search index, the API, CSAF, …, whatever this build made) that a
/// file copied from content/, static/ or the theme would otherwise replace
/// or be replaced by: each is a collision, at the copied file. Returns
/// (output path, diagnostic).
fn replaced_files<'a>(
    root: &std::path::Path,
    theme: &theme::Theme,
    output: &Output,
    generated: impl Iterator<Item = &'a str>,
) -> Vec<(&'a str, Diagnostic)> {
    generated
        .filter_map(|path| {
            let at = match output.get(path)? {
                Content::Copy(source) => source.strip_prefix(root).unwrap_or(source).to_path_buf(),
                Content::Embedded(_) => theme.dir.join("static").join(path),
                Content::Bytes(_) | Content::Written => return None,
            };
            let d = Diagnostic::error(
                Code::UrlCollision,
                format!(
                    "{} would take the place of `{path}`, which seckb generates",
                    at.display()
                ),
            )
            .at(crate::diagnostics::Location::file(&at))
            .help(format!(
                "rename or remove the file: seckb writes {path} itself"
            ));
            Some((path, d))
        })
        .collect()
}

/// The folder seckb generates (`site::RESERVED`) that `path` is inside, if any.
fn generated_folder(path: &str) -> Option<&'static str> {
    site::RESERVED
        .iter()
        .copied()
        .find(|r| r.ends_with('/') && path.starts_with(r))
}

/// Files copied from static/ (the site's or the theme's) or content/ into
/// a folder seckb generates (`site::RESERVED`: `api/`, `search/`,
/// `.well-known/`, the taxonomies): even one that replaces no file of this
/// build would be published as if seckb had made it (a CSAF advisory, an
/// API record). One that `replaced` reports already is left to that report.
fn copies_in_owned_folders(
    root: &std::path::Path,
    theme: &theme::Theme,
    assets: &[crate::content::Asset],
    replaced: &[(&str, Diagnostic)],
) -> Vec<Diagnostic> {
    let reported: std::collections::HashSet<&str> = replaced.iter().map(|(p, _)| *p).collect();
    let relative = |file: &std::path::Path| file.strip_prefix(root).unwrap_or(file).to_path_buf();
    let statics = theme.statics.iter().map(|(path, source)| {
        let at = match source {
            theme::StaticSource::File(file) => relative(file),
            theme::StaticSource::Embedded(_) => theme.dir.join("static").join(path),
        };
        (path.as_str(), at)
    });
    let assets = assets
        .iter()
        .map(|a| (a.path.as_str(), relative(&a.source)));
    statics
        .chain(assets)
        .filter(|(path, _)| !reported.contains(path))
        .filter_map(|(path, at)| {
            let folder = generated_folder(path)?;
            Some(
                Diagnostic::error(
                    Code::UrlCollision,
                    format!(
                        "{} is inside `{folder}`, which seckb generates",
                        at.display()
                    ),
                )
                .at(crate::diagnostics::Location::file(&at))
                .help(format!(
                    "move the file elsewhere: only seckb writes below /{folder}"
                )),
            )
        })
        .collect()
}

/// One document file, validated.
struct Validated {
    /// The document, flawed or not ([`validate::Checked`]).
    document: Option<Document>,
    diagnostics: Vec<Diagnostic>,
    /// The secrets found in it, allowed or not.
    secrets: crate::secrets::Known,
    /// A file whose front matter is unusable: its path and the id it declares.
    invalid: Option<(PathBuf, Option<String>)>,
    /// The file's path, when diagnostics must not quote it
    /// ([`Publication::may_quote`]).
    withheld: Option<PathBuf>,
}

fn validate_file(
    abs: &std::path::Path,
    rel: &std::path::Path,
    config: &Config,
    publication: &Publication,
) -> Validated {
    let file = match load::read_source(abs, rel) {
        Ok(file) => file,
        Err(d) => {
            return Validated {
                document: None,
                diagnostics: vec![d],
                secrets: Default::default(),
                invalid: None,
                // What an unreadable file would publish is unknown.
                withheld: publication.preview.then(|| rel.to_path_buf()),
            };
        }
    };
    let (checked, mut diagnostics) = validate::document(&file, config, publication.now);
    let scanned = crate::secrets::check_source(
        &file.path,
        file.text.as_bytes(),
        // As written: what its Markdown joins is found on its page, and
        // located here then (`secrets::output_errors`).
        crate::secrets::Format::Text,
        &config.secrets.allow,
    );
    diagnostics.extend(scanned.diagnostics);
    // What a flawed document says of its publication may be a failed key's
    // default: it is read leniently instead, as an unusable one is.
    let quotable = match &checked {
        validate::Checked::Valid(doc) => Some(doc),
        validate::Checked::Flawed(_) | validate::Checked::Unusable => None,
    };
    let withheld =
        (!publication.may_quote(&file, quotable, config.default_tlp)).then(|| file.path.clone());
    let (document, invalid) = match checked {
        validate::Checked::Valid(doc) | validate::Checked::Flawed(doc) => (Some(doc), None),
        validate::Checked::Unusable => (
            None,
            Some((file.path.clone(), validate::declared_id(&file))),
        ),
    };
    Validated {
        document,
        diagnostics,
        secrets: scanned.known,
        invalid,
        withheld,
    }
}

/// Scans the sources besides documents for secrets: seckb.yaml and every
/// template (read as HTML: what they print is in every page they make).
fn scan_site_sources(
    root: &std::path::Path,
    config: &Config,
    theme: Option<&theme::Theme>,
) -> crate::secrets::Checked {
    let allow = &config.secrets.allow;
    let mut scanned = match std::fs::read_to_string(root.join(config::CONFIG_FILE)) {
        Ok(text) => crate::secrets::check_config(&text, allow),
        Err(_) => crate::secrets::Checked::default(),
    };
    for template in theme.map_or(&[][..], |t| &t.templates) {
        scanned.extend(crate::secrets::check_source(
            &template.path,
            template.text.as_bytes(),
            crate::secrets::Format::Html,
            allow,
        ));
    }
    scanned
}

/// The document a generated page shows, by output path (for the secret
/// scan's message), through a table made on the first call.
fn made_from(site: &Site) -> impl Fn(&str) -> Option<PathBuf> + '_ {
    let table = std::sync::OnceLock::new();
    move |page: &str| {
        let pages: &HashMap<String, usize> = table.get_or_init(|| {
            site.pages
                .iter()
                .enumerate()
                .map(|(i, p)| (Urls::output_file(&p.doc.path), i))
                .collect()
        });
        pages.get(page).map(|&i| site.pages[i].doc.source.clone())
    }
}

/// A note for every document whose embargo lifts after `now`, so `seckb check`
/// lists what will go public and when.
fn upcoming_embargoes(
    documents: &[Document],
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<Diagnostic> {
    documents
        .iter()
        .filter_map(|d| d.meta.embargo.filter(|e| e.instant > now).map(|e| (d, e)))
        .map(|(d, e)| {
            Diagnostic::note(
                Code::EmbargoLift,
                format!("\"{}\" is under embargo until {}; it is published by the first build after that", d.meta.title, e.rfc3339()),
            )
            .at(crate::diagnostics::Location::file(&d.source))
        })
        .collect()
}

/// The content file behind an output page that shows one (a document, a
/// folder's list page, the home page) and the internal links of its
/// Markdown, for the link check to locate a broken link: a document's file
/// is read and its Markdown rendered again. Pages are found through a table
/// made on the first call (most builds have no broken link).
fn link_sources<'s>(
    root: &'s std::path::Path,
    site: &'s Site,
) -> impl Fn(&str) -> Option<PageSource<'s>> + 's {
    enum Origin {
        Document(usize),
        List(usize),
        Home,
    }
    let table = std::sync::OnceLock::new();
    move |page: &str| {
        let origins = table.get_or_init(|| {
            let mut origins: HashMap<String, Origin> = HashMap::new();
            for (i, p) in site.pages.iter().enumerate() {
                origins.insert(Urls::output_file(&p.doc.path), Origin::Document(i));
            }
            for (i, l) in site.lists.iter().enumerate() {
                origins.insert(Urls::output_file(&l.path), Origin::List(i));
            }
            origins.insert("index.html".into(), Origin::Home);
            origins
        });
        match origins.get(page)? {
            Origin::Document(i) => {
                let doc = &site.pages[*i].doc;
                let text = crate::content::load::read_source(&root.join(&doc.source), &doc.source)
                    .ok()?
                    .text;
                let (body, _) = site::render_body(doc, &text, &site.links, site.config.raw_html);
                Some(PageSource {
                    file: &doc.source,
                    text: Cow::Owned(text),
                    links: Cow::Owned(body.links),
                })
            }
            Origin::List(i) => {
                let list = &site.lists[*i];
                Some(PageSource {
                    file: list.section.source.as_deref()?,
                    text: Cow::Borrowed(&list.section.text),
                    links: Cow::Borrowed(&list.intro_links),
                })
            }
            Origin::Home => {
                let home = site.home_section.as_ref()?;
                Some(PageSource {
                    file: home.source.as_deref()?,
                    text: Cow::Borrowed(&home.text),
                    links: Cow::Borrowed(&site.home_links),
                })
            }
        }
    }
}

/// Builds the site and writes it to the output folder atomically: pages go
/// into a staging folder as they are rendered, which replaces the output
/// folder only when the build succeeded.
pub fn build_and_write(options: &BuildOptions) -> Result<Built, Failed> {
    let dest = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    let staging = match crate::write::Staging::prepare(&dest, &options.root) {
        Ok(staging) => staging,
        // The output folder cannot be replaced: the build still runs, in
        // memory, so one run reports every problem.
        Err(d) => {
            let mut diagnostics = build(options)
                .err()
                .map_or_else(Vec::new, |f| f.diagnostics);
            diagnostics.push(d);
            return Err(fail(diagnostics));
        }
    };
    let built = build_into(options, &Sink::folder(staging.folder().to_path_buf()))?;
    staging.commit(&built.output).map_err(|d| fail(vec![d]))?;
    Ok(built)
}
