//! The scanner's shapes, the reader's text, and the look-alikes it must let
//! through. No key-shaped string is written here whole (the repository scan
//! reads this file): every sample is assembled at run time.

use super::*;

/// Deterministic pseudo-random characters from `alphabet`.
fn random(len: usize, alphabet: &str, seed: u64) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chars[(x % chars.len() as u64) as usize]
        })
        .collect()
}

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn aws_key_id(seed: u64) -> String {
    ["AK", "IA", &random(16, UPPER, seed)].concat()
}

fn aws_secret(seed: u64) -> String {
    random(40, BASE64, seed)
}

/// The one finding of `text` as `format`: its rule and secret.
fn one(text: &str, format: Format) -> (&'static str, String) {
    let found = scan_as(text.as_bytes(), format);
    assert_eq!(found.len(), 1, "{found:?} in {text}");
    (found[0].rule, found[0].secret.clone())
}

fn none(text: &str, format: Format) {
    let found = scan_as(text.as_bytes(), format);
    assert!(found.is_empty(), "false positive {found:?} in {text}");
}

#[test]
fn the_rules_compile_into_a_prefiltered_automaton() {
    assert!(rules::ready());
    assert!(rules::anchor_count() <= 32, "{}", rules::anchor_count());
}

#[test]
fn aws_secret_access_keys_are_found_in_every_usual_spelling() {
    let secret = aws_secret(1);
    for line in [
        format!("aws_secret_access_key = {secret}"),
        format!("export AWS_SECRET_ACCESS_KEY={secret}"),
        format!("AWS_SECRET_ACCESS_KEY: \"{secret}\""),
        format!("  \"SecretAccessKey\": \"{secret}\","),
        format!("secret_access_key => '{secret}'"),
        format!("AWS Secret Access Key [None]: {secret}"),
        format!("$env:AWS_SECRET_ACCESS_KEY=\"{secret}\""),
    ] {
        assert_eq!(
            one(&line, Format::Text),
            ("AWS secret access key", secret.clone()),
            "{line}"
        );
    }
    // Not 40 characters: no AWS key (and too regular for an assignment).
    none("aws_secret_access_key = short", Format::Text);
}

#[test]
fn new_token_shapes_are_found() {
    let glpat = ["gl", "pat-", &random(20, ALNUM, 2)].concat();
    let npm = ["np", "m_", &random(36, ALNUM, 3)].concat();
    let bearer = random(43, ALNUM, 4);
    let cases = [
        (
            format!("git clone https://oauth2:{glpat}@gitlab.example/x.git"),
            "GitLab token",
            glpat.clone(),
        ),
        (
            format!("//registry.npmjs.org/:_authToken={npm}"),
            "npm token",
            npm.clone(),
        ),
        (
            format!("curl -H 'Authorization: Bearer {bearer}' https://api.example"),
            "bearer token",
            bearer.clone(),
        ),
        (
            format!("\"authorization\": \"bearer {bearer}\""),
            "bearer token",
            bearer.clone(),
        ),
    ];
    for (line, rule, secret) in cases {
        assert_eq!(one(&line, Format::Text), (rule, secret), "{line}");
    }
}

#[test]
fn credential_assignments_are_found() {
    let django = random(50, BASE64, 5);
    let lines = [
        "secret_key: {}",
        "SECRET_KEY = '{}'",
        "secret_key_base: {}",
        "DB_PASSWORD={}",
        "clientSecret: \"{}\"",
        "authtoken: {}",
        "?accesstoken={}&x=1",
        "const accessToken = '{}';",
        "curl -H 'X-Api-Key: {}'",
        "API_KEY={}",
        "PASSWORD: {}",
    ];
    for template in lines {
        let line = template.replace("{}", &django);
        assert_eq!(
            one(&line, Format::Text),
            ("credential assignment", django.clone()),
            "{line}"
        );
    }
}

#[test]
fn a_specific_shape_in_an_assignment_names_the_finding() {
    let token = ["gh", "p_", &random(36, ALNUM, 6)].concat();
    assert_eq!(
        one(&format!("token: {token}"), Format::Text),
        ("GitHub token", token.clone())
    );
    let jwt = [
        "ey",
        "J",
        &random(20, ALNUM, 7),
        ".ey",
        "J",
        &random(30, ALNUM, 8),
        ".",
        &random(43, ALNUM, 9),
    ]
    .concat();
    assert_eq!(
        one(&format!("Authorization: Bearer {jwt}"), Format::Text),
        ("JSON Web Token", jwt)
    );
}

#[test]
fn entity_encoded_keys_are_read_as_the_reader_sees_them() {
    let key = aws_key_id(10);
    let rest = &key[1..];
    for format in [Format::Html, Format::Markdown] {
        for spelled in [
            format!("&#65;{rest}"),
            format!("&#x41;{rest}"),
            format!("&#X0041;{rest}"),
            format!("&#0000065{rest}"),
            key.chars().map(|c| format!("&#{};", c as u32)).collect(),
        ] {
            let text = format!("<p>The key {spelled} was live.</p>");
            assert_eq!(
                one(&text, format),
                ("AWS access key id", key.clone()),
                "{text}"
            );
        }
    }
    // A named reference for `_` joins a GitHub fine-grained token.
    let pat = [&random(22, ALNUM, 11), "_", &random(59, ALNUM, 12)].concat();
    let text = format!("<code>github&lowbar;pat&UnderBar;{pat}</code>");
    assert_eq!(
        one(&text, Format::Html).1,
        ["github", "_pat_", &pat].concat()
    );
}

#[test]
fn keys_split_by_comments_empty_tags_or_emphasis_are_joined() {
    let key = aws_key_id(13);
    let (head, tail) = key.split_at(4);
    let html = [
        format!("{head}<!-- -->{tail}"),
        format!("{head}<!--\nsplit\n-->{tail}"),
        format!("{head}<span></span>{tail}"),
        format!("{head}<span class=\"x\" data-a='>'></span>{tail}"),
        format!("{head}<strong>{tail}</strong>"),
        format!("<em>{head}</em><code>{tail}</code>"),
        format!("{head}<wbr>{tail}"),
        format!("{head}&#8203;{tail}"),
        format!("{head}&shy;{tail}"),
        format!("{head}\u{200B}{tail}"),
    ];
    for text in &html {
        let found = scan_as(text.as_bytes(), Format::Html);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert_eq!(found[0].secret, key, "{text}");
        // Located at the key as written, markup and all.
        assert_eq!(Some(found[0].offset), text.find(head), "{text}");
        assert!(
            found[0].end >= text.rfind(tail).unwrap() + tail.len(),
            "{text}"
        );
    }
    for text in [
        format!("{head}**{tail}**"),
        format!("{head}`{tail}`"),
        format!("*{head}*{tail}"),
        format!("{head}~~{tail}~~"),
        format!("{head}<!-- -->{tail}"),
    ] {
        assert_eq!(one(&text, Format::Markdown).1, key, "{text}");
    }
    // Block tags leave a gap, as on screen.
    for text in [
        format!("{head}<p>{tail}"),
        format!("{head}</td><td>{tail}"),
        format!("{head}<br>{tail}"),
    ] {
        none(&text, Format::Html);
    }
}

#[test]
fn values_behind_markup_are_read_as_the_reader_sees_them() {
    let value = random(32, ALNUM, 17);
    let jwt = [
        "ey",
        "J",
        &random(20, ALNUM, 18),
        ".ey",
        "J",
        &random(600, ALNUM, 19),
        ".",
        &random(43, ALNUM, 20),
    ]
    .concat();
    // Four characters into the signature: the bytes as written hold no
    // token, 650 characters after its start.
    let (jwt_head, jwt_tail) = jwt.split_at(jwt.len() - 39);
    let header = ["-----BEGIN RSA PRI", "VATE KEY-----"].concat();
    let cases = [
        // A table of credentials: a key in one cell, its value in the next.
        (
            format!("<table><tr><td>password:</td><td>{value}</td></tr></table>"),
            value.clone(),
        ),
        (
            format!("<p>password=&quot;{value}&quot;</p>"),
            value.clone(),
        ),
        (
            format!("<p>password: <code>{value}</code></p>"),
            value.clone(),
        ),
        (
            format!("<pre>Authorization: Bearer <span class=\"s\">{value}</span></pre>"),
            value.clone(),
        ),
        (
            format!("<p>{}<b></b>{}</p>", &header[..11], &header[11..]),
            header.clone(),
        ),
        // Split near the end of a long token, far from its anchor.
        (
            format!("<pre>{jwt_head}<span></span>{jwt_tail}</pre>"),
            jwt.clone(),
        ),
    ];
    for (text, secret) in cases {
        let found = scan_as(text.as_bytes(), Format::Html);
        assert_eq!(found.len(), 1, "{found:?} in {text}");
        assert_eq!(found[0].secret, secret, "{text}");
    }
    // The same read in JSON strings.
    let text = format!("{{\"t\": \"{{\\\"password\\\": \\\"{value}\\\"}}\"}}");
    assert_eq!(one(&text, Format::Json).1, value, "{text}");
}

#[test]
fn attribute_values_are_read_decoded() {
    let key = aws_key_id(14);
    let text = format!("<abbr title=\"&#65;{}\">key</abbr>", &key[1..]);
    assert_eq!(one(&text, Format::Html).1, key);
}

#[test]
fn json_escapes_and_the_html_in_json_strings_are_read() {
    let key = aws_key_id(15);
    let rest = &key[1..];
    let (head, tail) = key.split_at(4);
    for text in [
        format!("{{\"text\": \"\\u0041{rest}\"}}"),
        format!("{{\"text\": \"{head}\\u200b{tail}\"}}"),
        format!("{{\"html\": \"{head}\\u003c!-- --\\u003e{tail}\"}}"),
        format!("{{\"html\": \"{head}<em>{tail}</em>\"}}"),
        format!("var k = \"\\x41{rest}\";"),
    ] {
        assert_eq!(one(&text, Format::Json).1, key, "{text}");
    }
}

#[test]
fn feeds_are_read_through_their_escaped_html() {
    let key = aws_key_id(16);
    let (head, tail) = key.split_at(4);
    let text = format!(
        "<content type=\"html\">&lt;p&gt;{head}&lt;strong&gt;{tail}&lt;/strong&gt; and &amp;#65;{}&lt;/p&gt;</content>",
        &key[1..]
    );
    let found = scan_as(text.as_bytes(), Format::Xml);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|f| f.secret == key));
}

#[test]
fn look_alikes_are_not_secrets() {
    let example_id = ["AK", "IAIOSFODNN7EXAMPLE"].concat();
    let example_secret = ["wJalrXUtnFEMI/K7MDENG/bPxRfi", "CYEXAMPLEKEY"].concat();
    let texts = [
        format!("aws_access_key_id = {example_id}"),
        format!("aws_secret_access_key = {example_secret}"),
        format!("AWS_SECRET_ACCESS_KEY={example_secret}"),
        "sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709 of the empty file".into(),
        "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into(),
        "commit=da39a3ee5e6b4b0d3255bfef95601890afd80709".into(),
        "Request 123e4567-e89b-12d3-a456-426614174000 (request_id: 123e4567-e89b-12d3-a456-426614174000)".into(),
        ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI", &random(43, BASE64, 20), " ops@example"].concat(),
        ["ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ", &random(300, BASE64, 21), " ci"].concat(),
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----".into(),
        "-----BEGIN CERTIFICATE-----".into(),
        ["Stripe test keys such as s", "k_test_", &random(24, ALNUM, 22), " are harmless."].concat(),
        ["Publishable keys: p", "k_live_", &random(24, ALNUM, 23)].concat(),
        "Authorization: Bearer <your-token>".into(),
        "Authorization: Bearer ${TOKEN}".into(),
        "Authorization: Bearer $GITHUB_TOKEN".into(),
        "Authorization: Bearer xxxxxxxxxxxxxxxxxxxxxxxx".into(),
        "Bearer tokens are described in RFC 6750; Bearer authentication-scheme-headers.".into(),
        "api_key: <your-api-key>".into(),
        "token: xxxxxxxxxxxxxxxxxxxxxxxx".into(),
        "password=${DB_PASSWORD_2024}".into(),
        "password=$DB_PASSWORD_2024".into(),
        "PWD=/home/ci/builds/2024-11-30".into(),
        "token_url=https://auth.example/oauth2/v1/token".into(),
        ["gl", "pat-xxxxxxxxxxxxxxxxxxxx"].concat(),
        ["Tokens look like gl", "pat-1234567890abcdefghij"].concat(),
        "npm_config_registry=https://registry.npmjs.org/ npm_package_version=1.2.3".into(),
        ["np", "m_", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"].concat(),
        "We use sk-learn-pipeline-classifier-models here.".into(),
        "Rotate keys that start with `sk-...XXXX`.".into(),
        "secret_key_id: 42, secretKeyRotation: enabled".into(),
        "password_hash: $2b$12$KIXQJQ1xJ5Hq0vWlbq1yUuJb0yT8jqZrWnL3m5nQ2aWq8vQ1bX0yS".into(),
        "Slovakia's AKIAN team met in Asia.".into(),
        "a < b and b > c, &amp; fine".into(),
    ];
    for text in &texts {
        for format in [Format::Text, Format::Markdown, Format::Html] {
            none(text, format);
        }
    }
}

#[test]
fn redacted_and_prose_credentials_are_let_through() {
    for text in [
        "Set password=changeme only in the local example.",
        "password: correct horse battery staple",
        "token: 3f2a9c1",
        "The token = request.headers['Authorization'] line",
    ] {
        none(text, Format::Text);
    }
}

#[test]
fn binary_files_are_told_by_their_first_bytes() {
    assert!(is_binary(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
    assert!(is_binary(b"text then \xff\xfe invalid"));
    assert!(!is_binary("plain text – with a dash".as_bytes()));
    // A character cut at the end of the sniffed bytes is still text.
    let text = "é".repeat(10);
    assert!(!is_binary(&text.as_bytes()[..5]));
}

#[test]
fn a_finding_is_located_and_every_secret_on_its_line_masked() {
    let a = aws_key_id(30);
    let b = ["gh", "p_", &random(36, ALNUM, 31)].concat();
    let (head, tail) = a.split_at(4);
    let text = format!("intro\n<p>{head}<!-- -->{tail} and {b}</p>\n");
    let checked = check_source(Path::new("x.html"), text.as_bytes(), Format::Html, &[]);
    assert_eq!(checked.diagnostics.len(), 2, "{:?}", checked.diagnostics);
    for d in &checked.diagnostics {
        let location = d.location.as_ref().unwrap();
        assert_eq!(location.line, 2);
        let shown = location.source_line.as_deref().unwrap();
        assert!(!shown.contains(tail) && !shown.contains(&b[4..]), "{shown}");
    }
    assert_eq!(checked.diagnostics[0].location.as_ref().unwrap().column, 4);
    assert!(checked.known.holds(&a) && checked.known.holds(&b));
    // Allowed by fingerprint: no error, the fingerprint still known.
    let allow = vec![fingerprint(&a), fingerprint(&b)];
    let checked = check_source(Path::new("x.html"), text.as_bytes(), Format::Html, &allow);
    assert!(checked.diagnostics.is_empty());
    assert!(checked.known.holds(&a) && checked.known.holds(&b));
}

#[test]
fn config_values_are_read_as_yaml_reads_them() {
    let key = aws_key_id(40);
    let text = format!(
        "title: Site\nextra:\n  note: \"\\x41{}\"\ndescription: \"{}\\\n  {}\"\n",
        &key[1..],
        &key[..6],
        &key[6..]
    );
    let checked = check_config(&text, &[]);
    assert_eq!(checked.diagnostics.len(), 1, "{:?}", checked.diagnostics);
    let location = checked.diagnostics[0].location.as_ref().unwrap();
    assert_eq!((location.line, location.column), (3, 9));
    let shown = location.source_line.as_deref().unwrap();
    assert!(!shown.contains(&key[1..]), "{shown}");
    // The value continued over a line, as written, is a second spelling of
    // the same secret: one finding.
    assert!(checked.known.holds(&key));
}

#[test]
fn a_streamed_file_is_scanned_across_its_pieces() {
    let watch = Watch::default();
    let key = aws_key_id(50);
    let mut stream = watch.stream("api/big.json");
    let filler = format!("{}\n", "x".repeat(1023));
    for _ in 0..(5 << 10) {
        stream.push(filler.as_bytes());
    }
    // The key arrives in two pushes, after a cut.
    stream.push(format!("\"k\": \"{}", &key[..7]).as_bytes());
    stream.push(format!("{}\"\n", &key[7..]).as_bytes());
    stream.finish();
    let (spotted, unreadable) = watch.take();
    assert!(unreadable.is_empty());
    assert_eq!(spotted.len(), 1, "{spotted:?}");
    assert_eq!(spotted[0].secret, key);
    assert_eq!(
        (spotted[0].location.line, spotted[0].location.column),
        ((5 << 10) + 1, 7)
    );
}

#[test]
fn output_findings_repeating_a_source_are_reported_once_there() {
    let watch = Watch::default();
    let key = aws_key_id(60);
    let other = aws_key_id(61);
    for page in ["a/index.html", "b/index.html", "c/index.html"] {
        watch.generated(page, format!("<p>{key} {other}</p>").as_bytes());
    }
    let (spotted, unreadable) = watch.take();
    let mut sources = Known::default();
    sources.insert(&key);
    let mut errors = crate::diagnostics::Diagnostics::new();
    output_errors(
        spotted,
        unreadable,
        Path::new("/site"),
        &[],
        &sources,
        &|p| (p == "a/index.html").then(|| PathBuf::from("content/a.md")),
        &mut errors,
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    let location = errors[0].location.as_ref().unwrap();
    assert_eq!(location.file, Path::new("a/index.html"));
    let help = errors[0].help.as_deref().unwrap();
    assert!(
        help.contains("content/a.md") && help.contains("2 other generated files"),
        "{help}"
    );
    // Run on into the text after it, or cut short, a source's secret is
    // still the source's.
    assert!(sources.holds(&format!("{key}s")) && sources.holds(&key[..12]));
    assert!(!sources.holds(&other));
}

use std::path::{Path, PathBuf};

#[test]
#[ignore = "27 scans of 600 KB, about 5 s in a debug build: run by scripts/test.sh with --ignored"]
fn hostile_runs_are_scanned_in_linear_time() {
    let key = aws_key_id(70);
    // About 600 KB each: read once per anchor, any of them takes minutes.
    let runs = [
        "eyJ".repeat(200_000),
        "sk-".repeat(200_000),
        "password=".repeat(70_000),
        "Authorization: Bearer ".repeat(30_000),
        "-----BEGIN A ".repeat(50_000),
        "A<b></b>".repeat(75_000),
        "&#65;".repeat(120_000),
        "<td>password:</td>".repeat(35_000),
        format!("{key} ").repeat(30_000),
    ];
    for run in &runs {
        for format in [Format::Html, Format::Json, Format::Markdown] {
            let started = std::time::Instant::now();
            let found = scan_as(run.as_bytes(), format);
            let elapsed = started.elapsed();
            assert!(elapsed.as_secs() < 2, "{:?} for {}…", elapsed, &run[..20]);
            let checked = check_source(Path::new("x"), run.as_bytes(), format, &[]);
            assert_eq!(checked.diagnostics.len(), found.len());
        }
    }
}

#[test]
fn a_finding_in_a_gathered_file_is_reported_at_the_file_it_went_into() {
    let watch = Watch::default();
    let key = aws_key_id(80);
    watch.renamed("search/docs/tmp-0-0.json", "search/docs/0.json.gz");
    watch.generated(
        "search/docs/tmp-1-0.json",
        format!("{{\"t\": \"{key}\"}}").as_bytes(),
    );
    watch.renamed("search/docs/tmp-1-0.json", "search/docs/0.json.gz");
    let (spotted, _) = watch.take();
    assert_eq!(spotted.len(), 1);
    assert_eq!(spotted[0].location.file, Path::new("search/docs/0.json.gz"));
}

/// `text` gzip-compressed, as the search index stores its documents.
fn gzipped(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(text.as_bytes()).expect("write to memory");
    encoder.finish().expect("finish in memory")
}

#[test]
fn a_compressed_output_file_is_scanned_as_its_plain_text() {
    let key = aws_key_id(81);
    // JSON escapes hide the key from a scan of the text as written; the
    // reader's text (escapes decoded) shows it, inside the compression.
    let split = format!("{}\\u0041{}", &key[..4], &key[5..]);
    let json = format!("[\n{{\"url\": \"/a/\"}},\n{{\"text\": \"see {split} here\"}}\n]\n");
    assert!(json.contains("\\u0041") && key.as_bytes()[4] == b'A');
    for bytes in [gzipped(&format!("{key}\n")), gzipped(&json)] {
        let watch = Watch::default();
        watch.generated("search/docs/0.json.gz", &bytes);
        let (spotted, _) = watch.take();
        assert_eq!(spotted.len(), 1, "{spotted:?}");
        assert_eq!(spotted[0].secret, key);
        assert_eq!(spotted[0].location.file, Path::new("search/docs/0.json.gz"));
    }
    // Through the sink that writes it compressed: found in its plain text,
    // on the line it is on.
    let sink = crate::output::Sink::memory();
    let content = sink.put_gzip("search/docs/0.json.gz", json.as_bytes());
    let written = content.bytes().expect("in memory").into_owned();
    assert!(written.starts_with(&[0x1f, 0x8b]));
    assert_eq!(
        super::watch::gunzip(&written).as_deref(),
        Some(json.as_bytes())
    );
    let (spotted, _) = sink.secrets().take();
    assert_eq!(spotted.len(), 1, "{spotted:?}");
    assert_eq!(
        (spotted[0].secret.as_str(), spotted[0].location.line),
        (key.as_str(), 3)
    );
}

/// A copied static file that is gzip-compressed (a log excerpt attached
/// as `app.log.gz`) is scanned as the text it decompresses to.
#[test]
fn a_copied_gzip_file_is_scanned_as_its_plain_text() {
    let key = aws_key_id(83);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let gz = dir.path().join("app.log.gz");
    std::fs::write(&gz, gzipped(&format!("line one\nkey {key} here\n"))).expect("written");
    let watch = Watch::default();
    watch.copied("logs/app.log.gz", &gz);
    let (spotted, unreadable) = watch.take();
    assert!(unreadable.is_empty(), "{unreadable:?}");
    assert_eq!(spotted.len(), 1, "{spotted:?}");
    assert_eq!(
        (spotted[0].secret.as_str(), spotted[0].location.line),
        (key.as_str(), 2)
    );
    assert_eq!(spotted[0].location.file, gz);
    // One that only starts like gzip is a copy like any other: its bytes
    // (binary here, as compressed data is) are sniffed as written.
    let mut damaged = vec![0x1f, 0x8b];
    damaged.extend_from_slice(format!("not compressed: {key}\n").as_bytes());
    std::fs::write(&gz, damaged).expect("written");
    let watch = Watch::default();
    watch.copied("logs/app.log.gz", &gz);
    let (spotted, unreadable) = watch.take();
    assert!(
        spotted.is_empty() && unreadable.is_empty(),
        "{spotted:?} {unreadable:?}"
    );
}

#[test]
fn a_damaged_gzip_file_is_scanned_as_written() {
    let key = aws_key_id(82);
    let mut bytes = gzipped("nothing here");
    bytes.truncate(bytes.len() - 4);
    bytes.extend_from_slice(format!(" {key} ").as_bytes());
    let watch = Watch::default();
    watch.generated("search/docs/0.json.gz", &bytes);
    assert_eq!(watch.take().0.len(), 1);
}
