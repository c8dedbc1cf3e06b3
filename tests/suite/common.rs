//! Helpers shared by the integration tests: build a site through the
//! library ([`options`], [`built`], [`Site`]), run the binary where the
//! process is the point ([`seckb`], [`seckb_bounded`]), copy fixture sites,
//! hash output trees, and walk every internal link of a built site.

use seckb::diagnostics::Diagnostic;
use seckb::{BuildOptions, Built};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Output;

/// The repository root, which is also the demo site.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the demo site (its content, theme and configuration) to `to`.
pub fn copy_demo(to: &Path) {
    for part in ["content", "themes"] {
        copy_dir(&repo().join(part), &to.join(part));
    }
    std::fs::copy(repo().join("seckb.yaml"), to.join("seckb.yaml")).expect("copy");
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// A fixed clock, so warnings and embargoes do not depend on the day tests run.
pub const NOW: &str = "2026-11-29T12:00:00Z";

/// [`NOW`] as a time.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    time(NOW)
}

/// An RFC 3339 time (a test's own clock).
pub fn time(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .with_timezone(&chrono::Utc)
}

/// The options of `seckb --root ROOT build --now NOW`: change fields with
/// `BuildOptions { output: Some(..), ..options(root) }`.
pub fn options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        now: Some(now()),
        ..BuildOptions::default()
    }
}

/// Builds the site at `root` in memory at the fixed clock.
pub fn build_in_memory(root: &Path) -> Result<Built, seckb::Failed> {
    seckb::build(&options(root))
}

/// Builds with `options` and writes the output (to `options.output`, else
/// ROOT/public), as `seckb build` does; panics with every diagnostic,
/// rendered as the terminal shows them, when the build fails.
pub fn built(options: &BuildOptions) -> Built {
    seckb::build_and_write(options).unwrap_or_else(|failed| {
        panic!(
            "{} does not build:\n{}",
            options.root.display(),
            human(&failed.diagnostics)
        )
    })
}

/// `diagnostics` as `seckb` prints them to a terminal (without colour).
pub fn human(diagnostics: &[Diagnostic]) -> String {
    seckb::diagnostics::render(diagnostics, seckb::diagnostics::Format::Human, false)
}

/// The exit code `seckb check` gives for `diagnostics` (without
/// --deny-warnings): 1 when one is an error.
pub fn exit_code(diagnostics: &[Diagnostic]) -> i32 {
    i32::from(diagnostics.iter().any(Diagnostic::is_error))
}

/// A diagnostic as the tests compare them: code, file (with `/`), line and
/// column; a missing location, line or column is empty or 0 (as in `seckb
/// check --format json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    pub code: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
}

pub fn diag(code: &str, file: &str, line: usize, column: usize) -> Diag {
    Diag {
        code: code.into(),
        file: file.into(),
        line,
        column,
    }
}

impl From<&Diagnostic> for Diag {
    fn from(d: &Diagnostic) -> Diag {
        let (file, line, column) = d.location.as_ref().map_or((String::new(), 0, 0), |l| {
            (
                l.file.to_string_lossy().replace('\\', "/"),
                l.line,
                l.column,
            )
        });
        diag(d.code.id().0, &file, line, column)
    }
}

/// The errors of `diagnostics`, as [`Diag`]s.
pub fn errors(diagnostics: &[Diagnostic]) -> Vec<Diag> {
    diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(Diag::from)
        .collect()
}

/// The configuration [`Site::new`] starts from (two lines).
pub const CONFIG: &str = "title: Test\nbase_url: https://example.org/\n";

/// A site in a temporary folder: seckb.yaml plus the files a case adds.
/// Checked and built through the library, or, made with
/// [`Site::bounded`], checked by the binary under the bounds of a hostile
/// case.
pub struct Site {
    dir: tempfile::TempDir,
    bounded: bool,
}

impl Site {
    /// [`CONFIG`] and an empty content/ folder.
    pub fn new() -> Site {
        let site = Site {
            dir: tempfile::tempdir().expect("tempdir"),
            bounded: false,
        };
        site.file("seckb.yaml", CONFIG);
        std::fs::create_dir_all(site.path("content")).expect("content/");
        site
    }

    /// A site whose [`Site::check`] runs `seckb check` in a process of its
    /// own, within 10 s and 1 GiB ([`seckb_bounded`]): for a case whose
    /// point is a bound on memory, stack or time, so that crossing it
    /// (an abort, a stack overflow) fails that case alone and says which.
    pub fn bounded() -> Site {
        Site {
            bounded: true,
            ..Site::new()
        }
    }

    /// A copy of the fixture site `name` (tests/fixtures/NAME).
    pub fn fixture(name: &str) -> Site {
        let site = Site::new();
        copy_dir(&fixture(name), site.root());
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes `rel` (creating its folders) and returns the site for chaining.
    pub fn file(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Site {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
        self
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).expect("remove");
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// The options of `seckb build` of this site into its public/ folder.
    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            output: Some(self.path("public")),
            ..options(self.root())
        }
    }

    /// What `seckb check` reports: the exit code it gives and every
    /// diagnostic (errors, warnings and notes) in the order printed.
    pub fn check(&self) -> (i32, Vec<Diag>) {
        let (code, diags) = self.check_with_messages();
        (code, diags.into_iter().map(|(d, _)| d).collect())
    }

    /// [`Site::check`], with each diagnostic's message.
    pub fn check_with_messages(&self) -> (i32, Vec<(Diag, String)>) {
        if self.bounded {
            return self.check_in_a_bounded_process();
        }
        let diagnostics = self.diagnostics();
        let diags = diagnostics
            .iter()
            .map(|d| (Diag::from(d), d.message.clone()))
            .collect();
        (exit_code(&diagnostics), diags)
    }

    /// Every diagnostic `seckb check` reports, from the library: that
    /// command is this build with its output discarded.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match seckb::build(&options(self.root())) {
            Ok(built) => built.warnings,
            Err(failed) => failed.diagnostics,
        }
    }

    /// What `seckb check` shows a terminal: its exit code and every
    /// diagnostic, rendered.
    pub fn check_human(&self) -> (i32, String) {
        let diagnostics = self.diagnostics();
        (exit_code(&diagnostics), human(&diagnostics))
    }

    /// `seckb check --format json` within [`seckb_bounded`]'s limits.
    fn check_in_a_bounded_process(&self) -> (i32, Vec<(Diag, String)>) {
        let out = seckb_bounded(self.root(), &["check", "--format", "json"]);
        let text = stderr(&out);
        assert!(!text.contains("panicked"), "seckb panicked:\n{text}");
        let diags = stdout(&out)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
                let number = |key: &str| v[key].as_u64().map_or(0, |n| n as usize);
                let d = diag(
                    v["code"].as_str().unwrap_or_default(),
                    v["file"].as_str().unwrap_or_default(),
                    number("line"),
                    number("column"),
                );
                (d, v["message"].as_str().unwrap_or_default().to_string())
            })
            .collect();
        (out.status.code().unwrap_or(-1), diags)
    }

    /// Asserts that `check` fails with exactly `expected`.
    pub fn fails_with(&self, expected: &[Diag]) {
        let (code, diags) = self.check();
        assert_eq!(diags, expected);
        assert_eq!(code, 1, "exit code");
    }

    /// Builds with `options` and asserts that the build fails and writes
    /// nothing (no output folder, no staging folder beside it); returns its
    /// errors.
    pub fn build_fails_with_options(&self, options: &BuildOptions) -> Vec<Diagnostic> {
        let failed = match seckb::build_and_write(options) {
            Ok(_) => panic!("the build succeeded"),
            Err(failed) => failed,
        };
        let written: Vec<String> = std::fs::read_dir(self.root())
            .expect("read site")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n == "public" || n.starts_with(".public"))
            .collect();
        assert!(written.is_empty(), "the failed build wrote {written:?}");
        failed
            .diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect()
    }

    /// Asserts the build fails with exactly the errors `expected` and
    /// writes nothing; returns the errors.
    pub fn build_fails_with(&self, expected: &[Diag]) -> Vec<Diagnostic> {
        let found = self.build_fails_with_options(&self.options());
        assert_eq!(errors(&found), expected, "{found:#?}");
        found
    }

    /// Builds into `out` and asserts that the build fails; returns every
    /// diagnostic as `seckb build` prints them.
    pub fn fails_to_build_into(&self, out: &Path) -> String {
        let options = BuildOptions {
            output: Some(out.to_path_buf()),
            ..self.options()
        };
        match seckb::build_and_write(&options) {
            Ok(_) => panic!("the build into {} succeeded", out.display()),
            Err(failed) => human(&failed.diagnostics),
        }
    }

    /// Builds into `out` and asserts success.
    pub fn builds_into(&self, out: &Path) -> Built {
        built(&BuildOptions {
            output: Some(out.to_path_buf()),
            ..self.options()
        })
    }

    /// Builds into public/ and returns its folder.
    pub fn builds(&self) -> PathBuf {
        let out = self.path("public");
        self.builds_into(&out);
        out
    }
}

/// Runs `seckb` with `args` and the fixed clock where the command takes one.
pub fn seckb(root: &Path, args: &[&str]) -> Output {
    let mut cmd = assert_cmd::Command::cargo_bin("seckb").expect("binary");
    cmd.arg("--root").arg(root).args(args);
    if matches!(args.first(), Some(&"build") | Some(&"check")) && !args.contains(&"--now") {
        cmd.args(["--now", NOW]);
    }
    cmd.env("NO_COLOR", "1");
    cmd.output().expect("run seckb")
}

/// The most time and memory (address space) one hostile case may take.
pub const CASE_SECONDS: u64 = 10;
pub const CASE_BYTES: u64 = 1 << 30;

/// Runs `seckb` as [`seckb`] does, under a 1 GiB address-space limit
/// (`ulimit -v`: an allocation past it fails, which aborts seckb) and a
/// 10-second deadline (the process is killed): the bounds every hostile
/// input must end within. Panics when either is crossed.
pub fn seckb_bounded(root: &Path, args: &[&str]) -> Output {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut full: Vec<&str> = vec!["--root", root.to_str().expect("utf-8 root")];
    full.extend(args);
    if matches!(args.first(), Some(&"build") | Some(&"check")) && !args.contains(&"--now") {
        full.extend(["--now", NOW]);
    }
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {} && exec \"$0\" \"$@\"",
            CASE_BYTES / 1024
        ))
        .arg(assert_cmd::cargo::cargo_bin("seckb"))
        .args(&full)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn seckb");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(CASE_SECONDS);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("seckb {args:?} took over {CASE_SECONDS} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let output = Output {
        status,
        stdout: out.join().expect("stdout"),
        stderr: err.join().expect("stderr"),
    };
    use std::os::unix::process::ExitStatusExt;
    assert!(
        output.status.signal().is_none(),
        "seckb {args:?} was killed by signal {:?} (over {} MiB?):\n{}",
        output.status.signal(),
        CASE_BYTES >> 20,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Copies a folder recursively (fixture sites into temporary folders).
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// SHA-256 of every file under `dir`, by relative path.
pub fn tree_hash(dir: &Path) -> BTreeMap<String, String> {
    use sha2::{Digest, Sha256};
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(entry.path()).expect("read");
            out.insert(rel, format!("{:x}", Sha256::digest(&bytes)));
        }
    }
    out
}

/// All HTML files of a built site, by path relative to its root.
pub fn html_files(dir: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read_to_string(e.path()).expect("read"))
        })
        .collect()
}

/// Internal URLs (href/src) of an HTML document, parsed with a real HTML parser.
pub fn internal_urls(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("[href], [src]").expect("selector");
    doc.select(&selector)
        .filter_map(|e| e.value().attr("href").or_else(|| e.value().attr("src")))
        .filter(|u| {
            !u.contains("://")
                && !u.starts_with("mailto:")
                && !u.starts_with("tel:")
                && !u.starts_with("//")
        })
        .map(str::to_string)
        .collect()
}

fn ids(html: &str) -> HashSet<String> {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("[id], a[name]").expect("selector");
    doc.select(&selector)
        .filter_map(|e| e.value().attr("id").or_else(|| e.value().attr("name")))
        .map(str::to_string)
        .collect()
}

/// Resolves every internal href/src of every page of the site in `dir`,
/// served under `base_path`, to a file (and #anchor to an id). Returns the
/// problems found, empty when all resolve.
pub fn broken_links(dir: &Path, base_path: &str) -> Vec<String> {
    let pages = html_files(dir);
    let mut problems = Vec::new();
    for (page, html) in &pages {
        for url in internal_urls(html) {
            let (path, fragment) = match url.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(f.to_string())),
                None => (url.clone(), None),
            };
            let path = path.split('?').next().unwrap_or("").to_string();
            let target = if path.is_empty() {
                Some(page.clone())
            } else if let Some(abs) = path.strip_prefix('/') {
                match abs.strip_prefix(base_path.trim_start_matches('/')) {
                    Some(rest) => resolve_file(dir, rest),
                    None => {
                        problems.push(format!(
                            "{page}: `{url}` is outside the base path {base_path}"
                        ));
                        continue;
                    }
                }
            } else {
                let parent = Path::new(page)
                    .parent()
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                resolve_file(dir, &format!("{parent}/{path}"))
            };
            let Some(target) = target else {
                problems.push(format!("{page}: `{url}` does not resolve to a file"));
                continue;
            };
            if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                let Some(target_html) = pages.get(&target) else {
                    continue;
                };
                if !ids(target_html).contains(&f) {
                    problems.push(format!("{page}: `{url}`: no id `{f}` in {target}"));
                }
            }
        }
    }
    problems
}

fn resolve_file(dir: &Path, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for s in rel.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    let candidates = if rel.ends_with('/') || joined.is_empty() {
        vec![format!("{joined}/index.html")
            .trim_start_matches('/')
            .to_string()]
    } else {
        vec![joined.clone(), format!("{joined}/index.html")]
    };
    candidates.into_iter().find(|c| dir.join(c).is_file())
}
