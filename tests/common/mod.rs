//! Helpers shared by the integration tests: run the binary, copy fixture
//! sites, hash output trees, and walk every internal link of a built site.
#![allow(dead_code)]

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

/// Builds the site at `root` in memory at the fixed clock.
pub fn build_in_memory(root: &Path) -> Result<seckb::Built, seckb::Failed> {
    seckb::build(&seckb::BuildOptions {
        root: root.to_path_buf(),
        now: chrono::DateTime::parse_from_rfc3339(NOW)
            .ok()
            .map(|d| d.with_timezone(&chrono::Utc)),
        ..seckb::BuildOptions::default()
    })
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

/// A temporary copy of a fixture site.
pub fn temp_site(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture(name), dir.path());
    dir
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
