//! The build as a short sequence of stages over plain data, each in its
//! own module and each reporting into one [`Found`] collector:
//! [`loading`] (config, theme, discover, validate) → [`crate::site::assemble`]
//! → [`rendering`] (the render scheduler: documents, lists, exports) →
//! [`collecting`] (the whole output, its collisions and secrets) →
//! [`linking`] (the link check). `build`, `check` and `serve` all run it.

mod collecting;
mod linking;
mod loading;
mod rendering;
mod timing;

pub use timing::StageTimes;

use crate::config::{self, Config, LinkCheck};
use crate::content::Tlp;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::output::{Output, Sink};
use crate::site::{self, Site};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    /// Every list entry gets every summary field, whatever its list page's
    /// templates read (`template_fields` off): for tests that compare the
    /// output both ways.
    pub every_summary_field: bool,
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

/// Times the stages and tells the hook as each one ends.
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

/// The run's problems, with the site's link strictness (`links.internal`)
/// applied once, however the run ends; sorted as shown.
fn finish(found: Diagnostics, links: LinkCheck) -> Vec<Diagnostic> {
    let mut diagnostics = found.into_vec();
    links.apply(&mut diagnostics);
    crate::diagnostics::sort(&mut diagnostics);
    diagnostics
}

/// Loads and validates seckb.yaml, applying command-line overrides; `None`
/// after reporting why.
pub fn load_config(options: &BuildOptions, diagnostics: &mut Diagnostics) -> Option<Config> {
    let mut config = config::load(&options.root, diagnostics)?;
    if let Some(url) = &options.base_url {
        let url = config::normalize_base_url(url)
            .map_err(|m| Diagnostic::error(Code::Config, format!("--base-url: {m}")));
        config.base_url = diagnostics.take(url)?;
    }
    if let Some(tlp) = options.tlp {
        config.publish_tlp = tlp;
    }
    Some(config)
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
    crate::highlight::preload();
    let mut timer = Timer {
        start: Instant::now(),
        stages: Vec::new(),
        hook: options.on_stage.clone(),
    };
    let mut found = Diagnostics::new();
    let Some(config) = load_config(options, &mut found) else {
        return Err(Failed {
            diagnostics: finish(found, LinkCheck::default()),
        });
    };
    let links = config.links;
    let fail = |found| Failed {
        diagnostics: finish(found, links),
    };
    let loaded = loading::load_site(options, config, &mut found, &mut timer, withheld);
    let Some((theme, tera)) = loaded.theme else {
        return Err(fail(found));
    };
    let document_count = loaded.documents.len();
    options.meter.begin("assembling the site", 0);
    let mut site = site::assemble(
        loaded.config,
        loaded.publication,
        loaded.documents,
        &loaded.invalid,
        loaded.sections,
        loaded.assets,
        &mut found,
    );
    timer.lap("assemble");

    let link_urls = crate::interner::Interner::default();
    let renderer = rendering::Renderer {
        options,
        theme: &theme,
        tera: &tera,
        sink,
        link_urls: &link_urls,
    };
    let Some(rendered) = renderer.render(&mut site, &mut found, &mut timer) else {
        return Err(fail(found));
    };
    let page_count = rendered.page_count;
    options.meter.begin("collecting the output", 0);
    let collected = collecting::collect(&renderer, &site, rendered, &loaded.known, &mut found);
    timer.lap("collect output");

    options.meter.begin("checking links", 0);
    let output = linking::check_links(&options.root, &site, &theme, collected, &mut found);
    let warnings = finish(found, links);
    if warnings.iter().any(Diagnostic::is_error) {
        return Err(Failed {
            diagnostics: warnings,
        });
    }
    timer.lap("link check");
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

/// Builds the site and writes it to the output folder atomically: pages go
/// into a staging folder as they are rendered, which replaces the output
/// folder only when the build succeeded.
pub fn build_and_write(options: &BuildOptions) -> Result<Built, Failed> {
    let dest = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    let staging = match crate::staging::Staging::prepare(&dest, &options.root) {
        Ok(staging) => staging,
        // The output folder cannot be replaced: the build still runs, in
        // memory, so one run reports every problem.
        Err(d) => {
            let mut diagnostics = build(options)
                .err()
                .map_or_else(Vec::new, |f| f.diagnostics);
            diagnostics.push(d);
            crate::diagnostics::sort(&mut diagnostics);
            return Err(Failed { diagnostics });
        }
    };
    let built = build_into(options, &Sink::folder(staging.folder().to_path_buf()))?;
    staging.commit(&built.output).map_err(|d| Failed {
        diagnostics: vec![d],
    })?;
    Ok(built)
}
