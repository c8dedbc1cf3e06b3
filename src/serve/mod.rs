//! `seckb serve`: builds the site in memory with the same pipeline as
//! `seckb build` (in preview mode, see `crate::preview`), serves it over HTTP
//! under the base path exactly as GitHub Pages would, watches the files the
//! build reads, rebuilds, and tells open pages to reload over Server-Sent
//! Events on the same port. A failed build never stops the server: every page
//! shows the diagnostics until the files are fixed. Nothing is written to disk.

mod error_page;
mod http;
mod quick;
mod watch;

use crate::diagnostics::{self, Code, Diagnostic, Format};
use crate::output::Output;
use crate::pipeline::{self, BuildOptions};
use crate::site::Site;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// What `seckb serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Root, drafts, TLP ceiling and clock; `base_url` and `preview` are set by serve.
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 picks any free port.
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    pub color: bool,
    pub quiet: bool,
    pub verbose: bool,
}

/// What the server answers from: the newest build, or the newest good one
/// plus the error page of the failed build after it.
#[derive(Debug)]
pub struct Snapshot {
    /// Changes when anything but a document's Markdown changes (a stylesheet,
    /// a template, the configuration) and with every server start. A page's
    /// id is this plus a hash of the page, so an open page reloads exactly
    /// when what it shows (or what it loads) changed.
    pub generation: String,
    /// The base path pages are served under (`/` or `/kb/`).
    pub base_path: String,
    /// The last successful build (empty until one succeeds).
    pub output: Arc<Output>,
    /// Pages re-rendered ahead of the full build (`quick`), by output path.
    pub overrides: HashMap<String, Vec<u8>>,
    /// Set when the newest build failed: the page listing its diagnostics.
    pub error_page: Option<String>,
}

/// How many following ports are tried when the asked one is taken.
const PORT_ATTEMPTS: u16 = 10;

/// Serves until the process is stopped (Ctrl-C). Errors only when it cannot start.
pub fn run(options: ServeOptions) -> Result<(), Diagnostic> {
    let (listener, moved) = listen(options.bind, options.port)?;
    let address = listener
        .local_addr()
        .map_err(|e| serve_error(format!("cannot read the server address: {e}")))?;
    let mut builder = Builder::new(&options, address);
    let (first, report) = builder.build(&[]);
    eprint!("{report}");
    let url = format!("{}{}", builder.origin, first.base_path);
    let (sender, receiver) = tokio::sync::watch::channel(Arc::new(first));

    if !options.bind.is_loopback() {
        eprintln!(
            "warning: serving on {}, which other machines can reach: they will see every \
             draft, embargoed and TLP-restricted page of this preview",
            options.bind
        );
    }
    if let Some(note) = moved {
        eprintln!("note: {note}");
    }
    eprintln!("Serving {url}");
    if options.build.drafts {
        eprintln!("  drafts and embargoed documents are shown, with banners");
    }
    match watch::Watcher::new(&options.build.root) {
        Ok(mut watcher) => {
            eprintln!(
                "  watching content/, templates/, static/, themes/ and seckb.yaml; Ctrl-C stops"
            );
            std::thread::spawn(move || {
                while let Some(changed) = watcher.next_batch() {
                    builder.rebuild(&changed, |snapshot| {
                        sender.send_replace(Arc::new(snapshot));
                    });
                }
            });
        }
        Err(e) => eprintln!("warning: cannot watch the site's files ({e}); pages will not reload"),
    }
    if options.open {
        if let Err(e) = opener::open_browser(&url) {
            eprintln!("warning: cannot open a browser: {e}");
        }
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| serve_error(format!("cannot start the server: {e}")))?;
    runtime
        .block_on(http::serve(listener, receiver, http::REQUEST_HEAD_TIMEOUT))
        .map_err(|e| serve_error(format!("the server stopped: {e}")))
}

fn serve_error(message: String) -> Diagnostic {
    Diagnostic::error(Code::Serve, message)
}

/// Binds `bind:port`, or the next free one of the following ports (and says so).
fn listen(bind: IpAddr, port: u16) -> Result<(TcpListener, Option<String>), Diagnostic> {
    let attempts = if port == 0 { 1 } else { PORT_ATTEMPTS };
    let mut last = port;
    for offset in 0..attempts {
        let Some(candidate) = port.checked_add(offset) else {
            break;
        };
        last = candidate;
        match TcpListener::bind(SocketAddr::new(bind, candidate)) {
            Ok(listener) => {
                let moved = (offset > 0)
                    .then(|| format!("port {port} is in use; serving on port {candidate} instead"));
                return Ok((listener, moved));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(e) => {
                return Err(
                    serve_error(format!("cannot listen on {bind} port {candidate}: {e}"))
                        .help("check --bind (an address of this machine) and --port"),
                );
            }
        }
    }
    Err(
        serve_error(format!("ports {port} to {last} on {bind} are all in use"))
            .help("pass --port with a free port, or --port 0 for any free port"),
    )
}

/// Runs builds and turns them into snapshots; remembers the last good build.
struct Builder {
    options: BuildOptions,
    /// `http://127.0.0.1:1111`: the served origin, which replaces the one of `base_url`.
    origin: String,
    color: bool,
    quiet: bool,
    verbose: bool,
    /// Makes generations unique across server restarts.
    started: u128,
    generation: u64,
    base_path: String,
    last_good: Arc<Output>,
    /// The model of the last good build, while the newest build succeeded:
    /// what `quick` re-renders an edited page from.
    site: Option<Site>,
}

impl Builder {
    fn new(options: &ServeOptions, address: SocketAddr) -> Builder {
        let ip = match address.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let host = match ip {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
        };
        Builder {
            options: BuildOptions {
                preview: true,
                output: None,
                ..options.build.clone()
            },
            origin: format!("http://{host}:{}", address.port()),
            color: options.color,
            quiet: options.quiet,
            verbose: options.verbose,
            started: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
            generation: 0,
            base_path: "/".into(),
            last_good: Arc::new(Output::default()),
            site: None,
        }
    }

    /// Shows the edit: first the pages `quick` can re-render alone (when the
    /// change allows), then the full build. Each report is printed once its
    /// snapshot is served.
    fn rebuild(&mut self, changed: &[PathBuf], mut publish: impl FnMut(Snapshot)) {
        let start = Instant::now();
        let outcome = self
            .site
            .as_mut()
            .and_then(|site| quick::rerender(site, &self.options, changed));
        match outcome {
            Some(quick::Outcome::Pages(pages)) => {
                publish(self.snapshot(pages.into_iter().collect(), None));
                if !self.quiet {
                    eprintln!(
                        "{} in {} ms; rebuilding the site",
                        describe(changed, "page re-rendered"),
                        start.elapsed().as_millis()
                    );
                }
            }
            Some(quick::Outcome::Errors(diagnostics)) => {
                let page = error_page::render(&diagnostics, &self.base_path);
                publish(self.snapshot(HashMap::new(), Some(page)));
                eprintln!(
                    "{} in {} ms; rebuilding the site",
                    describe(changed, "errors shown"),
                    start.elapsed().as_millis()
                );
            }
            None => {}
        }
        let (snapshot, report) = self.build(changed);
        publish(snapshot);
        eprint!("{report}");
    }

    fn snapshot(
        &self,
        overrides: HashMap<String, Vec<u8>>,
        error_page: Option<String>,
    ) -> Snapshot {
        Snapshot {
            generation: format!("{:x}-{}", self.started, self.generation),
            base_path: self.base_path.clone(),
            output: Arc::clone(&self.last_good),
            overrides,
            error_page,
        }
    }

    /// Builds the site for the served origin, keeping the configured base
    /// path. Returns the snapshot and what to print about it.
    fn build(&mut self, changed: &[PathBuf]) -> (Snapshot, String) {
        let start = Instant::now();
        // Pages are told apart by their bytes; anything else they load is not.
        if changed.is_empty() || !changed.iter().all(|p| is_markdown(p)) {
            self.generation += 1;
        }
        // Its problems are the build's to report.
        let mut unused = crate::diagnostics::Diagnostics::new();
        if let Some(config) = pipeline::load_config(&self.options, &mut unused) {
            self.base_path = config.base_path();
        }
        let options = BuildOptions {
            base_url: Some(format!("{}{}", self.origin, self.base_path)),
            ..self.options.clone()
        };
        let mut report = String::new();
        let error_page = match pipeline::build(&options) {
            Ok(built) => {
                if !self.quiet {
                    report += &diagnostics::render(&built.warnings, Format::Human, self.color);
                    if self.verbose {
                        for (stage, time) in &built.stats.stages {
                            let ms = time.as_secs_f64() * 1000.0;
                            report += &format!("  {stage:<32} {ms:>8.1} ms\n");
                        }
                    }
                    report += &format!(
                        "{} {} documents in {} ms\n",
                        describe(changed, "built"),
                        built.stats.documents,
                        start.elapsed().as_millis()
                    );
                }
                self.last_good = Arc::new(built.output);
                self.site = Some(built.site);
                None
            }
            Err(failed) => {
                self.site = None;
                report += &diagnostics::render(&failed.diagnostics, Format::Human, self.color);
                let errors = failed.diagnostics.iter().filter(|d| d.is_error()).count();
                report += &format!(
                    "{} with {errors} error(s); the browser shows them\n",
                    describe(changed, "build failed")
                );
                Some(error_page::render(&failed.diagnostics, &self.base_path))
            }
        };
        (self.snapshot(HashMap::new(), error_page), report)
    }
}

/// A Markdown file under `content/`: its change shows in the HTML of pages.
fn is_markdown(path: &Path) -> bool {
    path.starts_with("content") && path.extension().is_some_and(|e| e == "md")
}

/// `Built`, or `content/x.md changed: rebuilt` (naming the first few of many).
fn describe(changed: &[PathBuf], done: &str) -> String {
    const SHOWN: usize = 3;
    if changed.is_empty() {
        let mut chars = done.chars();
        return chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
    }
    let names: Vec<String> = changed
        .iter()
        .take(SHOWN)
        .map(|p| p.display().to_string())
        .collect();
    let more = match changed.len().saturating_sub(SHOWN) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!("{}{more} changed: {done}", names.join(", "))
}
