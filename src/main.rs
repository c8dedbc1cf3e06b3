//! The `seckb` command line: parses arguments, calls the library, prints
//! diagnostics and maps outcomes to exit codes (0 ok, 1 content errors, 2 usage).

// A function is at most 80 lines (clippy.toml): longer ones are split into
// named steps, so each reads in one screen.
#![warn(clippy::too_many_lines)]

use clap::{CommandFactory, Parser, Subcommand};
use seckb::content::Tlp;
use seckb::diagnostics::{self, Diagnostic, Format, Level};
use seckb::pipeline::BuildOptions;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// A build makes and frees millions of small strings and JSON maps across
/// threads, where glibc's malloc spends much of the CPU time; jemalloc was
/// the fastest allocator measured with the least memory, most of all at
/// 100,000 documents, where rendered pages are freed between long-lived
/// data (figures: benches/README.md, "Figures behind the code"). jemalloc
/// does not build with MSVC: the Windows binary keeps the system allocator.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// `seckb --version`: the version, then where seckb lives (`-V` prints
/// only the first line).
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\n",
    env!("CARGO_PKG_REPOSITORY")
);

#[derive(Parser)]
#[command(
    name = "seckb",
    version,
    long_version = LONG_VERSION,
    about = "A static site generator for security-incident knowledge bases"
)]
struct Cli {
    /// The site folder (default: the first folder upwards holding seckb.yaml).
    #[arg(long, global = true)]
    root: Option<PathBuf>,
    /// Print only errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Print the time of each build stage.
    #[arg(short, long, global = true)]
    verbose: bool,
    /// Colour output (NO_COLOR is honoured with `auto`).
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Clone)]
struct PublishArgs {
    /// Include drafts (and embargoed documents, with a banner).
    #[arg(long)]
    drafts: bool,
    /// The most restricted TLP level to include (overrides publish_tlp).
    #[arg(long, value_parser = parse_tlp)]
    tlp: Option<Tlp>,
    /// Pretend the current time is this RFC 3339 date-time (embargoes, warnings).
    #[arg(long, value_parser = parse_now)]
    now: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new site: configuration, sample content and a GitHub Pages workflow.
    Init {
        /// The folder to create the site in (default: --root, or the current folder).
        dir: Option<PathBuf>,
        /// Write into a folder that is not empty, replacing files of the same names.
        #[arg(long)]
        force: bool,
    },
    /// Create a draft incident, FAQ or page with a commented front-matter skeleton.
    New {
        #[arg(value_enum)]
        kind: seckb::scaffold::NewKind,
        /// The title; the file name is made from it.
        title: String,
        /// The folder under content/ for a page (default: guides).
        #[arg(long)]
        section: Option<String>,
        /// Use this RFC 3339 date-time's date instead of today's.
        #[arg(long, value_parser = parse_now)]
        now: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Build the site into the output folder.
    Build {
        /// Output folder (default: public/ in the site).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Override base_url from seckb.yaml.
        #[arg(long, value_parser = parse_base_url)]
        base_url: Option<String>,
        #[command(flatten)]
        publish: PublishArgs,
    },
    /// Build the site in memory and serve it with live reload (never writes public/).
    Serve {
        /// Address to listen on; anything but loopback is reachable by others.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port (the next free one is taken when it is in use; 0: any free port).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        #[command(flatten)]
        publish: PublishArgs,
    },
    /// Print a JSON Schema of the front matter, for editors' YAML language servers.
    Schema {
        /// One kind's schema (stricter); default: one schema accepting every kind.
        #[arg(long, value_enum)]
        kind: Option<SchemaKind>,
    },
    /// Import advisories from another format as incident files.
    Import {
        #[command(subcommand)]
        format: ImportFormat,
    },
    /// Run every validation of a build without writing anything.
    Check {
        #[command(flatten)]
        publish: PublishArgs,
        /// Output format of diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Print a CODEOWNERS file: each document's source path and its `owners:`.
    Owners {
        /// Pretend the current time is this RFC 3339 date-time (validation warnings).
        #[arg(long, value_parser = parse_now)]
        now: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Print a shell completion script, for example `source <(seckb completions bash)`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), for example `seckb man > seckb.1`.
    Man {
        /// Write seckb.1 and one page per command (seckb-build.1, …) into this folder instead.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

/// The formats `seckb import` reads.
#[derive(Subcommand)]
enum ImportFormat {
    /// OSV records (files, or folders of them, as GHSA, RustSec and the Go
    /// vulnerability database publish them), one incident each in content/incidents/.
    Osv {
        /// OSV JSON files or folders of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Replace an incident file that exists (same file name, or an incident with the record's id).
        #[arg(long)]
        force: bool,
    },
}

/// The document kinds of `seckb schema --kind`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum SchemaKind {
    Incident,
    Faq,
    Page,
}

fn parse_tlp(s: &str) -> Result<Tlp, String> {
    s.parse()
}

/// A bad `--base-url` is a usage error (exit 2), checked by the same rule
/// as `base_url` in seckb.yaml.
fn parse_base_url(s: &str) -> Result<String, String> {
    seckb::config::normalize_base_url(s)
}

fn parse_now(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    seckb::content::Date::parse(s).map(|d| d.instant)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    // These need no site: answer them before looking for one.
    match cli.command {
        Command::Schema { kind } => return print_schema(kind),
        Command::Completions { shell } => return print_completions(shell),
        Command::Man { dir } => return print_man(dir.as_deref()),
        _ => {}
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    // `init` makes the site that the other commands look for.
    if let Command::Init { dir, force } = cli.command {
        let dir = dir.or(cli.root).unwrap_or(cwd);
        return init(&dir, force, cli.quiet, color);
    }
    let root = match seckb::config::find_root(cli.root.as_deref(), &cwd) {
        Ok(r) => r,
        Err(d) => {
            eprint!("{}", diagnostics::render(&[d], Format::Human, color));
            return ExitCode::from(2);
        }
    };
    let run = Run {
        root,
        quiet: cli.quiet,
        verbose: cli.verbose,
        color,
    };
    match cli.command {
        // Answered above.
        Command::Schema { .. }
        | Command::Completions { .. }
        | Command::Man { .. }
        | Command::Init { .. } => ExitCode::SUCCESS,
        Command::New {
            kind,
            title,
            section,
            now,
        } => run.new_document(kind, &title, section.as_deref(), now),
        Command::Build {
            output,
            base_url,
            publish,
        } => run.build(output, base_url, &publish),
        Command::Serve {
            bind,
            port,
            open,
            publish,
        } => run.serve(bind, port, open, &publish),
        Command::Import {
            format: ImportFormat::Osv { paths, force },
        } => import_osv(&run.root, &paths, force, run.quiet, run.color),
        Command::Check {
            publish,
            format,
            deny_warnings,
        } => run.check(&publish, format, deny_warnings),
        Command::Owners { now } => owners(&run, now),
    }
}

/// `seckb owners`: the CODEOWNERS text on stdout (exit 0), or the errors
/// that keep it from being complete (exit 1).
fn owners(run: &Run, now: Option<chrono::DateTime<chrono::Utc>>) -> ExitCode {
    match seckb::owners::codeowners(&run.root, now.unwrap_or_else(chrono::Utc::now)) {
        Ok(text) => write_stdout(text.as_bytes(), "CODEOWNERS"),
        Err(found) => report_failure_plain(&found, run.color),
    }
}

/// A command that works on a site: where it is and how to report.
struct Run {
    root: PathBuf,
    quiet: bool,
    verbose: bool,
    color: bool,
}

impl Run {
    fn options(&self, publish: &PublishArgs) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            drafts: publish.drafts,
            tlp: publish.tlp,
            now: publish.now,
            ..BuildOptions::default()
        }
    }

    /// `seckb new`: a draft with a commented skeleton, at the next free id.
    fn new_document(
        &self,
        kind: seckb::scaffold::NewKind,
        title: &str,
        section: Option<&str>,
        now: Option<chrono::DateTime<chrono::Utc>>,
    ) -> ExitCode {
        let today = match now {
            Some(now) => now.date_naive(),
            None => chrono::Local::now().date_naive(),
        };
        match seckb::scaffold::new_document(&self.root, kind, title, section, today) {
            Ok(path) => {
                println!("{}", self.root.join(&path).display());
                if !self.quiet {
                    eprintln!("Created a draft: `seckb build --drafts` shows it; delete `draft: true` to publish it");
                }
                ExitCode::SUCCESS
            }
            Err(d) => scaffold_failure(d, self.color),
        }
    }

    /// Runs `stages` (a build or a check) with the progress display and,
    /// with `-v`, the stage timings (printed for a failed run too).
    fn timed<T>(&self, options: BuildOptions, stages: impl FnOnce(&BuildOptions) -> T) -> T {
        let progress = seckb::progress::Progress::start(self.quiet);
        let times = seckb::pipeline::StageTimes::start();
        let options = BuildOptions {
            on_stage: Some(times.hook()),
            meter: progress.meter(),
            ..options
        };
        let result = stages(&options);
        progress.finish();
        if self.verbose && !self.quiet {
            times.print();
        }
        result
    }

    /// `seckb build`: the site written atomically, or every problem.
    fn build(
        &self,
        output: Option<PathBuf>,
        base_url: Option<String>,
        publish: &PublishArgs,
    ) -> ExitCode {
        let options = BuildOptions {
            output,
            base_url,
            ..self.options(publish)
        };
        let start = std::time::Instant::now();
        match self.timed(options, seckb::build_and_write) {
            Ok(built) => {
                if !self.quiet {
                    eprint!(
                        "{}",
                        diagnostics::render(&built.warnings, Format::Human, self.color)
                    );
                    eprintln!(
                        "Built {} documents into {} pages ({} files) in {:.2} s",
                        built.stats.documents,
                        built.stats.pages,
                        built.stats.files,
                        start.elapsed().as_secs_f64()
                    );
                }
                // The process ends here: freeing the model and the output
                // one by one would only add time. The OS reclaims it.
                std::mem::forget(built);
                ExitCode::SUCCESS
            }
            Err(failed) => report_failure(&failed.diagnostics, Format::Human, self.color),
        }
    }

    /// `seckb serve`: the site in memory, with live reload.
    fn serve(
        &self,
        bind: std::net::IpAddr,
        port: u16,
        open: bool,
        publish: &PublishArgs,
    ) -> ExitCode {
        let options = seckb::serve::ServeOptions {
            build: self.options(publish),
            bind,
            port,
            open,
            color: self.color,
            quiet: self.quiet,
            verbose: self.verbose,
        };
        match seckb::serve::run(options) {
            Ok(()) => ExitCode::SUCCESS,
            Err(d) => {
                eprint!("{}", diagnostics::render(&[d], Format::Human, self.color));
                ExitCode::from(2)
            }
        }
    }

    /// `seckb check`: every problem of a build, in `format`; nothing is
    /// written or kept.
    fn check(&self, publish: &PublishArgs, format: Format, deny_warnings: bool) -> ExitCode {
        let sink = seckb::output::Sink::discard();
        let result = self.timed(self.options(publish), |options| {
            seckb::pipeline::build_into(options, &sink)
        });
        let diagnostics = match result {
            Ok(built) => built.warnings,
            Err(failed) => failed.diagnostics,
        };
        let text = diagnostics::render(&diagnostics, format, self.color && format == Format::Human);
        match format {
            Format::Human => eprint!("{text}"),
            // Written, not print!: a closed pipe (`seckb check --format json | head`) is no panic.
            _ => {
                use std::io::Write;
                let _ = std::io::stdout().lock().write_all(text.as_bytes());
            }
        }
        let count = |level| diagnostics.iter().filter(|d| d.level == level).count();
        let (errors, warnings) = (count(Level::Error), count(Level::Warning));
        if format == Format::Human && !self.quiet {
            eprintln!("{errors} error(s), {warnings} warning(s)");
        }
        if errors > 0 || (deny_warnings && warnings > 0) {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

fn print_schema(kind: Option<SchemaKind>) -> ExitCode {
    use seckb::content::Kind;
    let schema = match kind {
        None => seckb::schema::all_kinds(),
        Some(SchemaKind::Incident) => seckb::schema::for_kind(Kind::Incident),
        Some(SchemaKind::Faq) => seckb::schema::for_kind(Kind::Faq),
        Some(SchemaKind::Page) => seckb::schema::for_kind(Kind::Page),
    };
    write_stdout(format!("{schema:#}\n").as_bytes(), "the schema")
}

/// `seckb completions SHELL`: the completion script clap_complete makes
/// from the same definition the parser uses.
fn print_completions(shell: clap_complete::Shell) -> ExitCode {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "seckb", &mut script);
    write_stdout(&script, "the completion script")
}

/// `seckb man`: the man page, from the same definition the parser uses;
/// with `--dir`, it and one page per command, as files.
fn print_man(dir: Option<&std::path::Path>) -> ExitCode {
    if let Some(dir) = dir {
        let written = std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(Cli::command(), dir));
        return match written {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!(
                    "error: cannot write the man pages into {}: {e}",
                    dir.display()
                );
                ExitCode::from(1)
            }
        };
    }
    // As generate_to makes them: no page for `help`, so none is listed.
    let command = Cli::command().disable_help_subcommand(true);
    let mut page = Vec::new();
    if let Err(e) = clap_mangen::Man::new(command).render(&mut page) {
        eprintln!("error: cannot make the man page: {e}");
        return ExitCode::from(1);
    }
    write_stdout(&page, "the man page")
}

/// Writes `bytes` to stdout. Written, not print!: a closed pipe
/// (`seckb schema | head`) is no panic and no error.
fn write_stdout(bytes: &[u8], what: &str) -> ExitCode {
    use std::io::Write;
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write {what}: {e}");
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    }
}

/// Writes a new site into `dir` and tells what to do next.
fn init(dir: &std::path::Path, force: bool, quiet: bool, color: bool) -> ExitCode {
    match seckb::scaffold::init(dir, force) {
        Ok(files) => {
            if !quiet {
                eprintln!("Created a seckb site in {}:", dir.display());
                for file in files {
                    eprintln!("  {}", file.display());
                }
                eprintln!(
                    "Next: `seckb build` writes it to public/; to publish on GitHub Pages, push it to \
                     GitHub and set Settings → Pages → Source to \"GitHub Actions\"."
                );
            }
            ExitCode::SUCCESS
        }
        Err(d) => scaffold_failure(d, color),
    }
}

/// `seckb import osv`: every record converted is written; records that
/// cannot be, and existing files not replaced, are errors (exit 1); a path
/// that does not exist is a usage error (2), and nothing is written.
fn import_osv(
    root: &std::path::Path,
    paths: &[PathBuf],
    force: bool,
    quiet: bool,
    color: bool,
) -> ExitCode {
    let options = BuildOptions {
        root: root.to_path_buf(),
        ..BuildOptions::default()
    };
    let mut found = diagnostics::Diagnostics::new();
    let Some(config) = seckb::pipeline::load_config(&options, &mut found) else {
        return report_failure_plain(&found.into_vec(), color);
    };
    let report = match seckb::osv::import::run(root, &config, paths, force) {
        Ok(r) => r,
        Err(d) => {
            eprint!("{}", diagnostics::render(&[d], Format::Human, color));
            return ExitCode::from(2);
        }
    };
    let shown: Vec<Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| !quiet || d.is_error())
        .cloned()
        .collect();
    eprint!("{}", diagnostics::render(&shown, Format::Human, color));
    let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
    if !quiet {
        eprintln!(
            "Imported {} record(s) into content/incidents/; {errors} not imported",
            report.written.len()
        );
    }
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Content errors without a build (a bad seckb.yaml): exit 1.
fn report_failure_plain(diagnostics: &[Diagnostic], color: bool) -> ExitCode {
    eprint!("{}", diagnostics::render(diagnostics, Format::Human, color));
    ExitCode::from(1)
}

/// A file that cannot be written is an error (1); a refused request a usage error (2).
fn scaffold_failure(d: Diagnostic, color: bool) -> ExitCode {
    eprint!(
        "{}",
        diagnostics::render(std::slice::from_ref(&d), Format::Human, color)
    );
    if d.code == seckb::diagnostics::Code::Io {
        ExitCode::from(1)
    } else {
        ExitCode::from(2)
    }
}

fn report_failure(diagnostics: &[Diagnostic], format: Format, color: bool) -> ExitCode {
    eprint!("{}", diagnostics::render(diagnostics, format, color));
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    eprintln!("error: build failed with {errors} error(s); the output folder was not changed");
    ExitCode::from(1)
}
