//! Security properties: the TLP ceiling and embargoes keep unpublished text
//! out of every output file; secrets are caught and never printed whole; CVSS
//! vectors are checked; escaping holds for hostile front matter.

use crate::common::*;
use seckb::content::Tlp;
use seckb::diagnostics::{Diagnostic, Level};
use seckb::BuildOptions;
use std::path::Path;

/// Every output file's text, lower-cased, by path.
fn output_texts(dir: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                rel,
                String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).to_lowercase(),
            )
        })
        .collect()
}

/// tests/fixtures/tlp built into `out` with `options`' other fields.
fn build_tlp_fixture(out: &Path, options: BuildOptions) {
    built(&BuildOptions {
        output: Some(out.to_path_buf()),
        ..options
    });
}

/// The diagnostics of a build of `site` with `options`' other fields.
fn diagnostics(site: &Path, options: BuildOptions) -> Vec<Diagnostic> {
    let options = BuildOptions {
        root: site.to_path_buf(),
        ..options
    };
    match seckb::build(&options) {
        Ok(built) => built.warnings,
        Err(failed) => failed.diagnostics,
    }
}

/// Words that appear only in documents above TLP:CLEAR (their text, tags, vendors, CVEs).
const RESTRICTED: [&str; 8] = [
    "zebragreen",
    "zebraamber",
    "zebrastrict",
    "zebrared",
    "tagamber",
    "vendoramber",
    "vendorred",
    "cve-2026-99001",
];

#[test]
fn restricted_documents_appear_only_in_a_build_whose_ceiling_allows_them() {
    let dir = tempfile::tempdir().unwrap();
    let (clear, red) = (dir.path().join("clear"), dir.path().join("red"));
    for (out, tlp) in [(&clear, Tlp::Clear), (&red, Tlp::Red)] {
        build_tlp_fixture(
            out,
            BuildOptions {
                tlp: Some(tlp),
                ..options(&fixture("tlp"))
            },
        );
    }
    let clear_files = output_texts(&clear);
    assert!(clear_files.len() > 20);
    for (path, text) in &clear_files {
        for word in
            RESTRICTED
                .iter()
                .chain(&["zebradraft", "zebraembargo", "tagdraft", "vendorembargo"])
        {
            assert!(
                !text.contains(word),
                "`{word}` leaked into {path} of the TLP:CLEAR build"
            );
        }
    }
    assert!(clear_files.iter().any(|(_, t)| t.contains("zebraclear")));
    let red_files = output_texts(&red);
    for word in RESTRICTED {
        let found: Vec<&str> = red_files
            .iter()
            .filter(|(_, t)| t.contains(word))
            .map(|(p, _)| p.as_str())
            .collect();
        assert!(
            !found.is_empty(),
            "`{word}` is missing from the TLP:RED build"
        );
    }
    for (path, text) in &red_files {
        assert!(!text.contains("zebradraft"), "draft leaked into {path}");
    }
    // Pages above TLP:CLEAR are not indexed; the internal site keeps crawlers out.
    let amber = std::fs::read_to_string(red.join("incidents/amber/index.html")).unwrap();
    assert!(amber.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(amber.contains("TLP:AMBER"));
    let public = std::fs::read_to_string(clear.join("incidents/public/index.html")).unwrap();
    assert!(!public.contains("noindex"));
    assert!(std::fs::read_to_string(red.join("robots.txt"))
        .unwrap()
        .contains("Disallow: /"));
    assert!(std::fs::read_to_string(clear.join("robots.txt"))
        .unwrap()
        .contains("Allow: /"));
}

#[test]
fn a_public_document_linking_to_a_restricted_one_fails_naming_both() {
    let site = Site::fixture("tlp");
    let public = "content/incidents/2026-10-01-public.md";
    site.file(
        public,
        site.read(public) + "\nAlso see [the internal write-up](2026-10-02-amber.md).\n",
    );
    let at = |tlp| BuildOptions {
        tlp: Some(tlp),
        ..options(site.root())
    };
    let found = diagnostics(site.root(), at(Tlp::Clear));
    let errors: Vec<&Diagnostic> = found.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let error = Diag::from(errors[0]);
    assert_eq!(
        (error.code.as_str(), error.file.as_str(), error.line),
        ("E0203", public, 14)
    );
    let message = &errors[0].message;
    assert!(
        message.contains("content/incidents/2026-10-01-public.md")
            && message.contains("content/incidents/2026-10-02-amber.md"),
        "{message}"
    );
    assert!(message.contains("TLP:AMBER"), "{message}");
    // At a ceiling that includes it, the same link is fine.
    let found = diagnostics(site.root(), at(Tlp::Amber));
    assert_eq!(exit_code(&found), 0, "{}", human(&found));
}

#[test]
fn related_references_to_restricted_documents_name_both() {
    let site = Site::fixture("tlp");
    let public = "content/incidents/2026-10-01-public.md";
    let text = site.read(public).replacen(
        "tags: [tagclear]",
        "tags: [tagclear]\nrelated: [INC-RED]",
        1,
    );
    site.file(public, text);
    let found = site.diagnostics();
    let error = found.iter().find(|d| d.is_error()).expect("an error");
    let at = Diag::from(error);
    assert_eq!((at.code.as_str(), at.line), ("E0203", 8));
    let message = &error.message;
    assert!(
        message.contains("2026-10-01-public.md")
            && message.contains("2026-10-04-red.md")
            && message.contains("TLP:RED"),
        "{message}"
    );
}

#[test]
fn embargoed_documents_appear_only_after_the_embargo_lifts() {
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = (dir.path().join("before"), dir.path().join("after"));
    for (out, now) in [
        (&before, "2026-12-01T08:59:59Z"),
        (&after, "2026-12-01T09:00:01Z"),
    ] {
        build_tlp_fixture(
            out,
            BuildOptions {
                now: Some(time(now)),
                ..options(&fixture("tlp"))
            },
        );
    }
    for (path, text) in output_texts(&before) {
        for word in ["zebraembargo", "tagembargo", "vendorembargo"] {
            assert!(
                !text.contains(word),
                "`{word}` in {path} before the embargo lifted"
            );
        }
    }
    let after_files = output_texts(&after);
    for word in ["zebraembargo", "tagembargo", "vendorembargo"] {
        assert!(
            after_files.iter().any(|(_, t)| t.contains(word)),
            "`{word}` missing after the embargo lifted"
        );
    }
    assert!(after.join("incidents/embargoed/index.html").is_file());
    // `check` lists the upcoming lift.
    let found = diagnostics(
        &fixture("tlp"),
        BuildOptions {
            now: Some(time("2026-11-30T00:00:00Z")),
            ..BuildOptions::default()
        },
    );
    let notes: Vec<&Diagnostic> = found.iter().filter(|d| d.level == Level::Note).collect();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].code.id().0, "N0100");
    assert!(notes[0].message.contains("2026-12-01T09:00:00Z"));
}

/// Deterministic pseudo-random characters, so the repository holds no
/// key-shaped string: every sample secret is assembled at run time.
fn random(len: usize, alphabet: &str, seed: u64) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            chars[((x >> 33) as usize) % chars.len()]
        })
        .collect()
}

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// (rule the scanner should name, text holding the secret): samples of
/// every shape the scanner knows.
fn secret_samples() -> Vec<(&'static str, String)> {
    [token_samples(), slack_samples(), credential_samples()].concat()
}

/// Vendor tokens and API keys, each found by its prefix (the literals are
/// split, so the source holds no whole token).
fn token_samples() -> Vec<(&'static str, String)> {
    let p = |parts: &[&str]| parts.concat();
    vec![
        ("OpenAI API key", p(&["s", "k-", &random(48, ALNUM, 1)])),
        (
            "OpenAI API key",
            p(&["s", "k-proj-", &random(64, ALNUM, 2)]),
        ),
        ("AWS access key id", p(&["AK", "IA", &random(16, UPPER, 3)])),
        ("AWS access key id", p(&["AS", "IA", &random(16, UPPER, 4)])),
        ("GitHub token", p(&["gh", "p_", &random(36, ALNUM, 5)])),
        ("GitHub token", p(&["gh", "o_", &random(36, ALNUM, 6)])),
        (
            "GitHub fine-grained token",
            p(&[
                "github",
                "_pat_",
                &random(22, ALNUM, 7),
                "_",
                &random(59, ALNUM, 8),
            ]),
        ),
        ("Google API key", p(&["AI", "za", &random(35, ALNUM, 17)])),
        (
            "Stripe live key",
            p(&["s", "k_live_", &random(24, ALNUM, 18)]),
        ),
        (
            "Stripe live key",
            p(&["r", "k_live_", &random(24, ALNUM, 19)]),
        ),
        ("GitLab token", p(&["gl", "pat-", &random(20, ALNUM, 29)])),
        ("npm token", p(&["np", "m_", &random(36, ALNUM, 30)])),
    ]
}

/// Slack's bot and user tokens and its incoming-webhook URL.
fn slack_samples() -> Vec<(&'static str, String)> {
    let p = |parts: &[&str]| parts.concat();
    vec![
        (
            "Slack token",
            p(&[
                "xo",
                "xb-",
                &random(12, "0123456789", 9),
                "-",
                &random(13, "0123456789", 10),
                "-",
                &random(24, ALNUM, 11),
            ]),
        ),
        (
            "Slack token",
            p(&[
                "xo",
                "xp-",
                &random(12, "0123456789", 12),
                "-",
                &random(24, ALNUM, 13),
            ]),
        ),
        (
            "Slack webhook",
            p(&[
                "https://hooks.sl",
                "ack.com/services/T",
                &random(10, UPPER, 14),
                "/B",
                &random(10, UPPER, 15),
                "/",
                &random(24, ALNUM, 16),
            ]),
        ),
    ]
}

/// Secrets found by their context rather than a vendor prefix: private key
/// blocks, JSON Web Tokens, credential assignments, AWS secret keys and
/// bearer tokens.
fn credential_samples() -> Vec<(&'static str, String)> {
    let p = |parts: &[&str]| parts.concat();
    vec![
        (
            "private key block",
            p(&["-----BEGIN RSA PRI", "VATE KEY-----"]),
        ),
        (
            "private key block",
            p(&["-----BEGIN OPENSSH PRI", "VATE KEY-----"]),
        ),
        (
            "JSON Web Token",
            p(&[
                "ey",
                "J",
                &random(20, ALNUM, 20),
                ".ey",
                "J",
                &random(30, ALNUM, 21),
                ".",
                &random(43, ALNUM, 22),
            ]),
        ),
        (
            "credential assignment",
            p(&["pass", "word=", &random(20, ALNUM, 23)]),
        ),
        (
            "credential assignment",
            p(&["api", "_key: ", &random(32, ALNUM, 24)]),
        ),
        (
            "AWS secret access key",
            p(&["aws_secret", "_access_key = ", &random(40, BASE64, 25)]),
        ),
        (
            "AWS secret access key",
            p(&["AWS_SECRET", "_ACCESS_KEY=", &random(40, BASE64, 26)]),
        ),
        (
            "credential assignment",
            p(&["secret", "_key: ", &random(50, BASE64, 27)]),
        ),
        (
            "bearer token",
            p(&["Authorization: Bea", "rer ", &random(40, ALNUM, 28)]),
        ),
    ]
}

/// Text that looks like a secret but is not one.
fn look_alikes() -> Vec<String> {
    vec![
        "The patch's SHA-256 is e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 (see CVE-2026-12345).".into(),
        "Request id 123e4567-e89b-12d3-a456-426614174000 failed.".into(),
        "Rotate keys that start with `sk-...XXXX`.".into(),
        "Set password=changeme only in the local example.".into(),
        "api_key: YOUR_API_KEY_GOES_HERE".into(),
        ["AWS documents the key id AK", "IAIOSFODNN7EXAMPLE in its guides."].concat(),
        "A token prefix like ghp_ or gho_ identifies GitHub tokens.".into(),
        "-----BEGIN PUBLIC KEY-----".into(),
        "The header starts with eyJhbGciOi and is base64.".into(),
        "We use sk-learn and sk-ip for modelling.".into(),
        "password: correct horse battery staple".into(),
        "token: 3f2a9c1".into(),
        "Stripe test keys start with sk_test_ and are harmless.".into(),
        ["aws_secret_access", "_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"].concat(),
        "sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709, commit=da39a3ee5e6b4b0d3255bfef95601890afd80709".into(),
        ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI", &random(43, BASE64, 31), " ops@example"].concat(),
        "Authorization: Bearer <your-token>".into(),
        "Authorization: Bearer ${TOKEN}".into(),
        "token: xxxxxxxxxxxxxxxxxxxxxxxx".into(),
        "npm_config_cache=/home/ci/.npm npm_package_version=1.2.3".into(),
    ]
}

#[test]
fn the_secret_scanner_finds_every_shape_and_no_look_alike() {
    let samples = secret_samples();
    assert!(samples.len() >= 15);
    for (rule, text) in &samples {
        let line = format!("Logged header: {text} (from the gateway)");
        let findings = seckb::secrets::scan(&line);
        assert_eq!(findings.len(), 1, "{rule}: {findings:?} in {line}");
        assert_eq!(findings[0].rule, *rule, "{line}");
        assert!(text.contains(&findings[0].secret) || findings[0].secret.contains(text.as_str()));
        assert!(!seckb::secrets::mask(&findings[0].secret).contains(&findings[0].secret));
    }
    let fakes = look_alikes();
    assert!(fakes.len() >= 10);
    for text in fakes {
        assert_eq!(
            seckb::secrets::scan(&text),
            vec![],
            "false positive in: {text}"
        );
    }
}

#[test]
fn secrets_fail_the_build_masked_and_can_be_allowed_by_fingerprint() {
    let site = Site::fixture("tlp");
    let secret = ["gh", "p_", &random(36, ALNUM, 99)].concat();
    site.file("content/guides/public-guide.md", format!("---\ntitle: Public guide\n---\nA guide.\n\n```bash\ncurl -H 'Authorization: token {secret}' https://api.example\n```\n"));
    let text = site.fails_to_build_into(&site.path("out"));
    assert!(
        !text.contains(&secret),
        "the secret was printed whole:\n{text}"
    );
    assert!(
        text.contains("error[E0400]: possible GitHub token"),
        "{text}"
    );
    assert!(
        text.contains("--> content/guides/public-guide.md:7:31"),
        "{text}"
    );
    assert!(!site.path("out").exists());
    let fingerprint = seckb::secrets::fingerprint(&secret);
    assert!(text.contains(&fingerprint));
    let yaml = site.read("seckb.yaml");
    site.file(
        "seckb.yaml",
        format!("{yaml}secrets:\n  allow: [\"{fingerprint}\"]\n"),
    );
    let (code, text) = site.check_human();
    assert_eq!(code, 0, "{text}");
}

fn incident_site(front: &str) -> Site {
    let site = Site::new();
    site.file(
        "content/incidents/x.md",
        format!("---\ntitle: X\ndate: 2026-11-01\nstatus: resolved\n{front}---\nBody.\n"),
    );
    site
}

#[test]
fn cvss_vectors_set_or_check_the_severity() {
    let vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    // Agreement, and severity derived from the vector.
    for front in [
        format!("cvss: {vector}\nseverity: critical\n"),
        format!("cvss: {vector}\n"),
    ] {
        let site = incident_site(&front);
        let out = site.builds();
        let page = std::fs::read_to_string(out.join("incidents/x/index.html")).unwrap();
        assert!(page.contains("9.8"), "score missing");
        assert!(page.contains(vector));
        assert!(out.join("severity/critical/index.html").is_file());
        let term = std::fs::read_to_string(out.join("severity/critical/index.html")).unwrap();
        assert!(term.contains("/incidents/x/"));
    }
    // Disagreement: an error at the severity line naming the rating.
    let site = incident_site(&format!("cvss: {vector}\nseverity: low\n"));
    let (code, text) = site.check_human();
    assert_eq!(code, 1);
    assert!(
        text.contains("error[E0111]: `severity: low` disagrees with the CVSS rating `critical`"),
        "{text}"
    );
    assert!(text.contains("--> content/incidents/x.md:6:11"), "{text}");
    // CVSS 4.0 is understood too.
    let site = incident_site("cvss: CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\nseverity: critical\n");
    let (code, text) = site.check_human();
    assert_eq!(code, 0, "{text}");
    // Malformed: an error at the vector.
    let site = incident_site("cvss: CVSS:3.1/AV:Q/AC:L\nseverity: high\n");
    let (code, text) = site.check_human();
    assert_eq!(code, 1);
    assert!(
        text.contains("error[E0110]: malformed CVSS vector"),
        "{text}"
    );
    assert!(text.contains("--> content/incidents/x.md:5:7"), "{text}");
}

#[test]
fn raw_html_policy_is_enforced() {
    let site = incident_site("severity: low\n");
    site.file("content/incidents/x.md", "---\ntitle: X\ndate: 2026-11-01\nstatus: resolved\nseverity: low\n---\nText <b onclick=\"steal()\">bold</b>.\n\n<script>alert(1)</script>\n");
    let out = site.builds();
    let page = std::fs::read_to_string(out.join("incidents/x/index.html")).unwrap();
    assert!(
        page.contains("<b>bold</b>"),
        "sanitize keeps harmless markup"
    );
    assert!(!page.contains("onclick") && !page.contains("alert(1)"));
    site.file("seckb.yaml", format!("{CONFIG}raw_html: deny\n"));
    let (code, text) = site.check_human();
    assert_eq!(code, 1);
    assert!(
        text.contains("error[E0303]: raw HTML is not allowed"),
        "{text}"
    );
    assert!(text.contains("--> content/incidents/x.md:7:6"), "{text}");
    assert!(text.contains("--> content/incidents/x.md:9:1"), "{text}");
}

#[test]
fn the_repository_itself_holds_no_key_shaped_string() {
    let skip = ["target", "node_modules", ".git", "fuzz"];
    let mut findings = Vec::new();
    let walker = walkdir::WalkDir::new(repo())
        .into_iter()
        .filter_entry(|e| !skip.contains(&e.file_name().to_string_lossy().as_ref()));
    // As a build reads a copied file: binary files skipped by their first
    // bytes, the rest as written and as their readers see them.
    for entry in walker.flatten().filter(|e| e.file_type().is_file()) {
        let Ok(bytes) = std::fs::read(entry.path()) else {
            continue;
        };
        if seckb::secrets::is_binary(&bytes[..bytes.len().min(seckb::secrets::SNIFF)]) {
            continue;
        }
        let format = seckb::secrets::Format::of_path(&entry.path().to_string_lossy());
        for f in seckb::secrets::scan_as(&bytes, format) {
            findings.push(format!(
                "{}: {} {}",
                entry.path().display(),
                f.rule,
                seckb::secrets::mask(&f.secret)
            ));
        }
    }
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

/// A small site in a temporary folder: a guide that links to its attachment
/// `evidence.txt`, with `files` (path, contents) written over it.
fn secret_site(files: &[(&str, Vec<u8>)]) -> Site {
    let site = Site::new();
    site.file(
        "content/guides/guide.md",
        "---\ntitle: Guide\n---\nSee [the gateway log](evidence.txt).\n",
    );
    site.file("content/guides/evidence.txt", "GET /health 200\n");
    for (path, bytes) in files {
        site.file(path, bytes);
    }
    site
}

/// Builds `site` in memory and returns its secret errors, as
/// (file, line, column, rendered diagnostics).
fn secret_errors(site: &Path) -> Vec<(String, usize, usize, String)> {
    let Err(failed) = build_in_memory(site) else {
        return Vec::new();
    };
    failed
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            assert_eq!(d.code.id().0, "E0400", "{d:?}");
            let text = human(std::slice::from_ref(d));
            let l = d.location.clone().unwrap();
            (
                l.file.to_string_lossy().into_owned(),
                l.line,
                l.column,
                text,
            )
        })
        .collect()
}

/// The one error of a build of `site`, which must not show `secret`.
fn one_secret_error(site: &Path, secret: &str) -> (String, usize, usize, String) {
    let mut errors = secret_errors(site);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = errors.remove(0);
    assert!(!error.3.contains(secret), "shown whole:\n{}", error.3);
    assert!(
        !error.3.contains(&secret[6..]),
        "shown in part:\n{}",
        error.3
    );
    error
}

fn aws_key(seed: u64) -> String {
    ["AK", "IA", &random(16, UPPER, seed)].concat()
}

#[test]
fn a_secret_in_an_attachment_fails_the_build_at_its_line() {
    let key = aws_key(200);
    let site = secret_site(&[(
        "content/guides/evidence.txt",
        format!("GET /health 200\nauth with {key}\n").into_bytes(),
    )]);
    let (file, line, column, text) = one_secret_error(site.root(), &key);
    assert_eq!(
        (file.as_str(), line, column),
        ("content/guides/evidence.txt", 2, 11),
        "{text}"
    );
    assert!(
        text.contains("error[E0400]: possible AWS access key id"),
        "{text}"
    );
}

#[test]
fn a_secret_in_a_static_file_fails_the_build_even_when_markup_splits_it() {
    let key = aws_key(201);
    let (head, tail) = key.split_at(4);
    for (name, body) in [
        ("static/notes.txt", format!("notes\n\n  {key}\n")),
        (
            "static/help.html",
            format!("<p>\n  key: {head}<!-- x -->{tail}</p>\n"),
        ),
        (
            "static/data.json",
            format!("{{\n\"k\": \"\\u0041{}\"}}\n", &key[1..]),
        ),
        (
            "static/logo.svg",
            format!("<svg>\n<title>&#65;{}</title></svg>\n", &key[1..]),
        ),
    ] {
        let site = secret_site(&[(name, body.clone().into_bytes())]);
        let (file, line, _, text) = one_secret_error(site.root(), &key);
        assert_eq!(
            (file.as_str(), line),
            (name, if name.ends_with("txt") { 3 } else { 2 }),
            "{text}"
        );
    }
}

#[test]
fn a_binary_file_holding_key_shaped_bytes_is_skipped() {
    let key = aws_key(202);
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(format!(" {key} ").as_bytes());
    let mut latin1 = b"caf\xe9 ".to_vec();
    latin1.extend_from_slice(key.as_bytes());
    let site = secret_site(&[
        ("static/logo.png", png),
        ("content/guides/evidence.txt", latin1),
    ]);
    assert_eq!(secret_errors(site.root()), vec![]);
}

#[test]
fn a_secret_in_a_config_value_fails_the_build_at_its_line() {
    let key = aws_key(203);
    // As written, and escaped so that only YAML's reading of it is the key.
    for (config, line, column) in [
        (
            format!(
                "title: Secrets\nbase_url: https://example.org/\ndescription: Rotate {key} now\n"
            ),
            3,
            21,
        ),
        (
            format!(
                "title: Secrets\nbase_url: https://example.org/\nextra:\n  banner: \"\\x41{}\"\n",
                &key[1..]
            ),
            4,
            11,
        ),
    ] {
        let site = secret_site(&[("seckb.yaml", config.into_bytes())]);
        let (file, l, c, text) = one_secret_error(site.root(), &key);
        assert_eq!(
            (file.as_str(), l, c),
            ("seckb.yaml", line, column),
            "{text}"
        );
    }
}

#[test]
fn a_secret_in_a_template_fails_the_build_at_the_template() {
    let key = aws_key(204);
    let (head, tail) = key.split_at(4);
    let base = std::fs::read_to_string(repo().join("themes/default/templates/base.html")).unwrap();
    for inserted in [key.clone(), format!("{head}<span></span>{tail}")] {
        let template = base.replacen("<body", &format!("<p>{inserted}</p>\n<body"), 1);
        let line = template.lines().position(|l| l.contains(head)).unwrap() + 1;
        let site = secret_site(&[("templates/base.html", template.into_bytes())]);
        let (file, l, c, text) = one_secret_error(site.root(), &key);
        assert_eq!(
            (file.as_str(), l, c),
            ("templates/base.html", line, 4),
            "{text}"
        );
    }
}

#[test]
fn a_secret_only_the_rendered_output_shows_is_reported_at_the_output_file() {
    let key = aws_key(205);
    // Two config values a template joins: no source holds the key whole.
    let config = format!(
        "title: Secrets\nbase_url: https://example.org/\nextra:\n  a: \"{}\"\n  b: \"{}\"\n",
        &key[..4],
        &key[4..]
    );
    let base = std::fs::read_to_string(repo().join("themes/default/templates/base.html")).unwrap();
    let template = base.replacen(
        "<body",
        "<!-- {{ config.extra.a }}{{ config.extra.b }} -->\n<body",
        1,
    );
    let site = secret_site(&[
        ("seckb.yaml", config.into_bytes()),
        ("templates/base.html", template.into_bytes()),
    ]);
    let (file, _, _, text) = one_secret_error(site.root(), &key);
    assert!(file.ends_with(".html"), "{text}");
    assert!(text.contains("in a generated file"), "{text}");
    assert!(text.contains("other generated files show it too"), "{text}");
    // Allowed by its fingerprint, the build passes.
    let fingerprint = seckb::secrets::fingerprint(&key);
    let config = site.read("seckb.yaml");
    site.file(
        "seckb.yaml",
        format!("{config}secrets:\n  allow: [\"{fingerprint}\"]\n"),
    );
    assert_eq!(secret_errors(site.root()), vec![]);
}

#[test]
fn a_key_split_by_markdown_or_escaped_in_front_matter_is_found() {
    let key = aws_key(206);
    let (head, tail) = key.split_at(4);
    // Joined by emphasis and entities in Markdown: found in the source.
    for body in [
        format!("Key {head}**{tail}** leaked.\n"),
        format!("Key &#65;{} leaked.\n", &key[1..]),
        format!("Key {head}<!-- -->{tail} leaked.\n"),
    ] {
        let site = secret_site(&[(
            "content/guides/guide.md",
            format!("---\ntitle: Guide\n---\nSee [the gateway log](evidence.txt).\n\n{body}")
                .into_bytes(),
        )]);
        let (file, line, column, text) = one_secret_error(site.root(), &key);
        assert_eq!(
            (file.as_str(), line, column),
            ("content/guides/guide.md", 6, 5),
            "{text}"
        );
    }
    // Escaped in YAML front matter: only the output holds it, and the
    // error names the document the page is made from.
    let site = secret_site(&[(
        "content/guides/guide.md",
        format!(
            "---\ntitle: \"Key \\x41{}\"\n---\nSee [the gateway log](evidence.txt).\n",
            &key[1..]
        )
        .into_bytes(),
    )]);
    let (file, _, _, text) = one_secret_error(site.root(), &key);
    assert_eq!(file, "guides/guide/index.html", "{text}");
    assert!(
        text.contains("the page is made from content/guides/guide.md"),
        "{text}"
    );
}

/// Every kind of copied file, gzip-compressed (an attachment, a file of
/// `static/`), is scanned as the text it decompresses to: a key in a
/// compressed log excerpt fails the build at its line, where the file
/// would otherwise be published as opaque bytes.
#[test]
fn a_secret_in_a_compressed_copy_fails_the_build_at_its_line() {
    use std::io::Write as _;
    let key = aws_key(208);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(format!("GET /health 200\nauth with {key}\n").as_bytes())
        .unwrap();
    let gz = gz.finish().unwrap();
    let guide = "---\ntitle: Guide\n---\nSee [the gateway log](evidence.txt.gz).\n";
    for (path, extra) in [
        (
            "content/guides/evidence.txt.gz",
            Some(("content/guides/guide.md", guide)),
        ),
        ("static/logs/app.log.gz", None),
    ] {
        let mut files = vec![(path, gz.clone())];
        files.extend(extra.map(|(p, text)| (p, text.as_bytes().to_vec())));
        let site = secret_site(&files);
        let (file, line, _, text) = one_secret_error(site.root(), &key);
        assert_eq!((file.as_str(), line), (path, 2), "{text}");
    }
}

#[test]
fn a_failed_secret_scan_writes_nothing() {
    let key = aws_key(207);
    let site = secret_site(&[("static/notes.txt", format!("{key}\n").into_bytes())]);
    let out = site.path("out");
    let text = site.fails_to_build_into(&out);
    assert!(text.contains("--> static/notes.txt:1:1"), "{text}");
    assert!(!text.contains(&key));
    assert!(!out.exists());
}

/// A value only the build machine's environment holds.
const CANARY: &str = "envcanary-4c1d-not-in-any-file";

/// A site in a temporary folder with one guide, one incident and `templates`.
fn site_with_templates(templates: &[(&str, &str)]) -> Site {
    let site = Site::new();
    site.file("content/guides/g.md", "---\ntitle: G\n---\nText.\n");
    site.file(
        "content/incidents/i.md",
        "---\ntitle: I\ndate: 2026-01-01\nseverity: low\nstatus: resolved\n---\nText.\n",
    );
    for (name, text) in templates {
        site.file(&format!("templates/{name}"), text);
    }
    site
}

#[test]
fn templates_cannot_read_the_environment() {
    std::env::set_var("SECKB_TEST_CANARY", CANARY);
    // get_env wherever an expression can be: output, filter argument, set,
    // condition, loop, macro body, and a partial the page includes.
    let page = "{% import \"m.html\" as m %}{% extends \"base.html\" %}\n\
                {% block content %}{% include \"partial.html\" %}\n\
                <p>{{ get_env(name=\"SECKB_TEST_CANARY\") }}</p>{{ m::leak() }}\n\
                {% set t = \"x\" | replace(from=\"x\", to=get_env(name=\"SECKB_TEST_CANARY\")) %}{{ t }}\n\
                {% if get_env(name=\"SECKB_TEST_CANARY\", default=\"\") %}y{% endif %}\n\
                {% for c in [get_env(name=\"SECKB_TEST_CANARY\")] %}{{ c }}{% endfor %}{% endblock %}\n";
    let site = site_with_templates(&[
        ("page.html", page),
        ("partial.html", "<i>{{ get_env(name=\"SECKB_TEST_CANARY\") | upper }}</i>\n"),
        ("m.html", "{% macro leak() %}\n  {{ get_env(name=\"SECKB_TEST_CANARY\") }}\n{% endmacro leak %}\n"),
    ]);
    let failed = build_in_memory(site.root()).expect_err("get_env is refused");
    let mut found: Vec<(String, usize, usize)> = failed
        .diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d.code, seckb::diagnostics::Code::Template);
            assert!(
                d.message.starts_with("`get_env()` is not available in seckb templates: it reads the build machine's environment"),
                "{}",
                d.message
            );
            assert!(!d.message.contains(CANARY));
            let at = d.location.as_ref().expect("located");
            (at.file.to_string_lossy().into_owned(), at.line, at.column)
        })
        .collect();
    found.sort();
    let expected = [
        ("templates/m.html", 2, 6),
        ("templates/page.html", 3, 7),
        ("templates/page.html", 4, 39),
        ("templates/page.html", 5, 7),
        ("templates/page.html", 6, 14),
        ("templates/partial.html", 1, 7),
    ];
    let expected: Vec<(String, usize, usize)> = expected
        .iter()
        .map(|(f, l, c)| (f.to_string(), *l, *c))
        .collect();
    assert_eq!(found, expected);

    // The command line fails the same way and writes nothing.
    let out = site.path("public");
    let r = assert_cmd::Command::cargo_bin("seckb")
        .unwrap()
        .arg("--root")
        .arg(site.root())
        .args(["build", "--now", NOW, "--output", out.to_str().unwrap()])
        .env("SECKB_TEST_CANARY", CANARY)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    assert!(
        stderr(&r).contains("--> templates/page.html:3:7"),
        "{}",
        stderr(&r)
    );
    assert!(!stderr(&r).contains(CANARY));
    assert!(!out.exists());
}

#[test]
fn the_environment_reaches_no_output_file() {
    std::env::set_var("SECKB_TEST_CANARY", CANARY);
    // get_env only in a comment, a string and a raw block: no call.
    let page = "{% extends \"base.html\" %}{% block content %}{# get_env(name=\"SECKB_TEST_CANARY\") #}\
                {{ \"get_env(name='SECKB_TEST_CANARY')\" }}{% raw %}{{ get_env(name=\"SECKB_TEST_CANARY\") }}{% endraw %}\
                {{ page.content | safe }}{% endblock %}";
    let site = site_with_templates(&[("page.html", page)]);
    let built = build_in_memory(site.root()).expect("no call, no error");
    let mut files = 0;
    for (path, content) in built.output.files() {
        let bytes = content.bytes().unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(CANARY),
            "{path} holds the environment's value"
        );
        files += 1;
    }
    assert!(files > 20);
    let html = built
        .output
        .get("guides/g/index.html")
        .unwrap()
        .bytes()
        .unwrap();
    assert!(String::from_utf8_lossy(&html).contains("{{ get_env(name=\"SECKB_TEST_CANARY\") }}"));
}
