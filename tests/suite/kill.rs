//! Atomic output under faults: `seckb build` is SIGKILLed at random moments,
//! 50 times in a row, while it replaces one version of a site with another:
//! at any moment, while it writes, and just after it swaps the new site in
//! while it removes the old one. After every kill the output folder exists and is exactly the old site or
//! exactly the new one, never a mix; leftovers of killed builds (temporary
//! `.public.seckb-*` folders) are removed by the next build.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KILLS: usize = 50;
const DOCUMENTS: usize = 200;
const ASSETS: usize = 1000;

/// Every file under `dir` with its bytes (compared whole: hashing 40 MB per
/// kill in a debug build would take longer than the builds).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk the output"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("prefix");
            let bytes = std::fs::read(e.path()).expect("read an output file");
            (rel.to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

/// How `actual` differs from `expected`, for the failure message.
fn difference(actual: &BTreeMap<String, Vec<u8>>, expected: &BTreeMap<String, Vec<u8>>) -> String {
    let missing = expected.keys().filter(|k| !actual.contains_key(*k)).count();
    let extra = actual.keys().filter(|k| !expected.contains_key(*k)).count();
    let changed: Vec<&String> = actual
        .iter()
        .filter(|(k, v)| expected.get(*k).is_some_and(|e| e != *v))
        .map(|(k, _)| k)
        .take(5)
        .collect();
    format!("{missing} files missing, {extra} extra, changed: {changed:?}")
}

/// A small xorshift generator: kill moments differ from run to run, and the
/// seed is printed so a failure can be replayed with SECKB_KILL_SEED.
struct Random(u64);

impl Random {
    fn new() -> Random {
        let seed = std::env::var("SECKB_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
                    | 1
            });
        eprintln!("kill moments from SECKB_KILL_SEED={seed}");
        Random(seed)
    }

    /// Uniform in [0, max).
    fn duration(&mut self, max: Duration) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        max.mul_f64((self.0 % 1_000_000) as f64 / 1_000_000.0)
    }
}

/// The site's two versions differ in one document's text and in one
/// document that only the second has.
fn write_version(root: &Path, version: char) {
    let first = root.join("content/incidents/d0.md");
    let text = format!(
        "---\ntitle: Version {version}\ndate: 2026-01-01\nseverity: high\nstatus: resolved\n---\nThe {version} text.\n"
    );
    std::fs::write(first, text).expect("write d0");
    let extra = root.join("content/incidents/extra.md");
    if version == 'B' {
        let text = "---\ntitle: Only in B\ndate: 2026-02-01\nseverity: low\nstatus: resolved\ntags: [b-only]\n---\nB.\n";
        std::fs::write(extra, text).expect("write extra");
    } else {
        let _ = std::fs::remove_file(extra);
    }
}

/// A site whose build writes thousands of files but renders quickly:
/// documents with some body text, tags and vendors (list and taxonomy
/// pages), and many files beside them, copied into the output.
fn generate(root: &Path) {
    let incidents = root.join("content/incidents");
    std::fs::create_dir_all(incidents.join("files")).expect("content/");
    std::fs::write(
        root.join("seckb.yaml"),
        "title: Kill test\nbase_url: https://example.org/kb/\n",
    )
    .expect("config");
    let body = "The attacker reused credentials from an earlier breach. ".repeat(30);
    for i in 1..DOCUMENTS {
        // Every file is linked (a build publishes only files pages use).
        let files: String = (0..ASSETS / DOCUMENTS)
            .map(|k| {
                format!(
                    "See [file {k}](files/f{}.bin).\n",
                    (i * ASSETS / DOCUMENTS + k) % ASSETS
                )
            })
            .collect();
        let text = format!(
            "---\ntitle: Incident {i}\ndate: 2026-01-{:02}\nseverity: {}\nstatus: resolved\ntags: [t{}, common]\naffected: [Vendor{}]\n---\n{body}\n\n## Details\n\n{files}",
            1 + i % 28,
            ["low", "medium", "high", "critical"][i % 4],
            i % 40,
            i % 25,
        );
        std::fs::write(incidents.join(format!("d{i}.md")), text).expect("document");
    }
    for i in 0..ASSETS {
        let bytes: Vec<u8> = (0..16 * 1024).map(|b| (b * 31 + i) as u8).collect();
        std::fs::write(incidents.join(format!("files/f{i}.bin")), bytes).expect("asset");
    }
}

fn spawn_build(root: &Path, out: &Path) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("seckb"))
        .arg("--root")
        .arg(root)
        .args(["-q", "build", "--now", NOW, "--output"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn seckb")
}

fn build(root: &Path, out: &Path) {
    let result = spawn_build(root, out).wait_with_output().expect("wait");
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

/// Temporary folders of builds beside `out`.
fn leftovers(out: &Path) -> Vec<PathBuf> {
    let parent = out.parent().expect("parent");
    std::fs::read_dir(parent)
        .expect("read the parent")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".public.seckb-"))
        })
        .collect()
}

/// Waits until the build `child` starts writing (its temporary folder
/// appears) or exits; returns whether it is writing.
fn wait_for_writing(child: &mut Child, out: &Path) -> bool {
    let temp = out.with_file_name(format!(".public.seckb-{}", child.id()));
    loop {
        if temp.exists() {
            return true;
        }
        if child.try_wait().expect("try_wait").is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// Waits until the build `child` swaps its new site in (the output folder
/// becomes another directory) or exits; returns whether it swapped.
fn wait_for_swap(child: &mut Child, out: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let before = std::fs::metadata(out).expect("the output folder").ino();
    loop {
        if std::fs::metadata(out).is_ok_and(|m| m.ino() != before) {
            return true;
        }
        if child.try_wait().expect("try_wait").is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// Builds versions A and B of the site at `root` into folders under
/// `references` and returns their trees: what a kill may leave. They differ,
/// and hold enough files that writing takes a while.
fn reference_sites(
    root: &Path,
    references: &Path,
) -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>) {
    write_version(root, 'A');
    build(root, &references.join("a"));
    write_version(root, 'B');
    build(root, &references.join("b"));
    let (a, b) = (tree(&references.join("a")), tree(&references.join("b")));
    assert_ne!(a, b);
    assert!(
        a.len() > 1000,
        "only {} files: writing must take a while",
        a.len()
    );
    (a, b)
}

/// Builds version A into `out`, then times a build of version B replacing
/// it (which must leave exactly `b`): returns how long until it writes, and
/// how long writing, swapping and removing the old site take.
fn time_a_replacement(
    root: &Path,
    out: &Path,
    b: &BTreeMap<String, Vec<u8>>,
) -> (Duration, Duration) {
    write_version(root, 'A');
    build(root, out);
    write_version(root, 'B');
    let start = Instant::now();
    let mut child = spawn_build(root, out);
    assert!(wait_for_writing(&mut child, out), "the build never wrote");
    let writing_starts = start.elapsed();
    assert!(child.wait().expect("wait").success());
    let writing = start.elapsed() - writing_starts;
    assert!(tree(out) == *b);
    eprintln!("render {writing_starts:?}, write and swap {writing:?}");
    (writing_starts, writing)
}

#[test]
#[ignore = "50 builds of 1,000 files, about 20 s: run by scripts/test.sh with --ignored"]
fn fifty_kills_never_leave_a_missing_or_mixed_site() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    generate(&root);
    let (a, b) = reference_sites(&root, &dir.path().join("references"));
    let out = dir.path().join("public");
    let (writing_starts, writing) = time_a_replacement(&root, &out, &b);

    let mut random = Random::new();
    let (mut old_left, mut new_left, mut during_write) = (0, 0, 0);
    let mut current = 'B';
    for kill in 0..KILLS {
        let next = if current == 'A' { 'B' } else { 'A' };
        write_version(&root, next);
        let mut child = spawn_build(&root, &out);
        let temp = out.with_file_name(format!(".public.seckb-{}", child.id()));
        // One kill in five at any moment of the build, two while it writes,
        // and two just after the swap, while the old site (now in the
        // temporary folder) is being removed.
        match kill % 5 {
            0 => std::thread::sleep(random.duration(writing_starts + writing)),
            1 | 2 => {
                if wait_for_writing(&mut child, &out) {
                    std::thread::sleep(random.duration(writing));
                }
            }
            _ => {
                if wait_for_swap(&mut child, &out) {
                    std::thread::sleep(random.duration(writing / 2));
                }
            }
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        if temp.exists() {
            during_write += 1;
        }
        assert!(out.is_dir(), "kill {kill}: the output folder is missing");
        let found = tree(&out);
        let (expected_old, expected_new) = if next == 'B' { (&a, &b) } else { (&b, &a) };
        if &found == expected_old {
            old_left += 1;
        } else if &found == expected_new {
            new_left += 1;
            current = next;
        } else {
            panic!(
                "kill {kill}: the output is neither site: against the old one {}; against the new one {}",
                difference(&found, expected_old),
                difference(&found, expected_new)
            );
        }
    }
    eprintln!(
        "{KILLS} kills: {old_left} left the old site, {new_left} the new one; {during_write} interrupted writing"
    );
    // The kills really hit the write: some kept the old site, some found the
    // new one swapped in, and many left a temporary folder behind (a
    // half-written new site, or the old one half removed).
    assert!(old_left > 0 && new_left > 0);
    assert!(
        during_write >= KILLS / 4,
        "only {during_write} kills hit the write"
    );

    // The next build removes every leftover and completes.
    let next = if current == 'A' { 'B' } else { 'A' };
    write_version(&root, next);
    build(&root, &out);
    assert_eq!(leftovers(&out), Vec::<PathBuf>::new());
    assert!(tree(&out) == if next == 'A' { a } else { b });
}
