//! The search index: the tokenizer agrees with the browser's on the shared
//! cases, published documents and FAQ questions are indexed with what ranking
//! needs, and nothing unpublished reaches any output file.

use crate::common::*;
use seckb::content::Tlp;
use seckb::search::tokenize::{tokenize, Role};
use serde_json::Value;
use std::path::Path;

/// tests/fixtures/search built with `drafts` and at `tlp` into DIR/public.
fn build_fixture(drafts: bool, tlp: Option<Tlp>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    built(&seckb::BuildOptions {
        output: Some(dir.path().join("public")),
        drafts,
        tlp,
        ..options(&fixture("search"))
    });
    dir
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&read_plain(path)).unwrap()
}

/// Entry `n`'s document, from the file the manifest's groups and chunk
/// sizes place it in (docs/search-index.md).
fn doc(search: &Path, n: u64) -> Value {
    let manifest = read_json(&search.join("manifest.json"));
    let group = manifest["groups"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|g| g[0].as_u64().unwrap() <= n)
        .unwrap();
    let (start, kind) = (group[0].as_u64().unwrap(), group[1].as_u64().unwrap());
    let per_file = manifest["chunks"][kind as usize].as_u64().unwrap();
    let first = start + (n - start) / per_file * per_file;
    read_json(&search.join(format!("docs/{first}.json.gz")))[(n - first) as usize].clone()
}

/// The bytes of the file at `path` as a reader sees them: decompressed
/// when it is gzip-compressed (the index's documents).
fn read_plain(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return bytes;
    }
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut plain).unwrap();
    plain
}

/// Every file under `dir` whose text (decompressed) contains `needle`, by
/// relative path.
fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let bytes = read_plain(e.path());
            String::from_utf8_lossy(&bytes)
                .to_lowercase()
                .contains(needle)
        })
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect()
}

/// Decodes a posting list (docs/search-index.md): (document, fields, tf).
fn postings(encoded: &str) -> Vec<(u32, u32, u32)> {
    const DIGITS: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
    let mut values = Vec::new();
    let (mut n, mut shift) = (0u32, 0);
    for c in encoded.chars() {
        let v = DIGITS.find(c).unwrap() as u32;
        n |= (v & 31) << shift;
        if v < 32 {
            values.push(n);
            n = 0;
            shift = 0;
        } else {
            shift += 5;
        }
    }
    let mut out = Vec::new();
    let mut it = values.into_iter();
    let mut doc = 0;
    while let (Some(gap), Some(w)) = (it.next(), it.next()) {
        doc += gap;
        if w & 2 != 0 {
            it.next();
        }
        out.push((doc, w & 15, w >> 4));
    }
    out
}

/// The postings of `term`, found through the manifest's shard boundaries.
fn term_postings(search: &Path, term: &str) -> Vec<(u32, u32, u32)> {
    let manifest = read_json(&search.join("manifest.json"));
    let shard = manifest["shards"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b.as_str().unwrap() <= term)
        .count();
    let rows = read_json(&search.join(format!("terms/{shard}.json.gz")));
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r[0] == term)
        .map(|r| postings(r[1].as_str().unwrap()))
        .unwrap_or_default()
}

fn doc_url(search: &Path, n: u32) -> String {
    doc(search, u64::from(n))["url"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn tokenizer_splits_the_shared_cases_like_the_browser() {
    let cases = read_json(&fixture("tokenizer-cases.json"));
    let cases = cases["cases"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for case in cases {
        let input = case["input"].as_str().unwrap();
        let got: Vec<(String, &str)> = tokenize(input)
            .into_iter()
            .map(|t| {
                let role = match t.role {
                    Role::Word => "word",
                    Role::Whole => "whole",
                    Role::Part => "part",
                };
                (t.text, role)
            })
            .collect();
        let want: Vec<(String, &str)> = case["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t[0].as_str().unwrap().to_string(), t[1].as_str().unwrap()))
            .collect();
        assert_eq!(got, want, "input: {input}");
    }
}

#[test]
fn identifiers_are_indexed_whole_and_in_parts() {
    let dir = build_fixture(false, None);
    let search = dir.path().join("public/search");
    for term in [
        "inc-2026-0101",
        "cve-2026-11111",
        "11111",
        "v2.3.1",
        "sk-proj",
        "proj",
        "status.proxyco.example",
        "proxyco",
        "umlaut",
        "cafe",
    ] {
        assert!(
            !term_postings(&search, term).is_empty(),
            "`{term}` is not in the index"
        );
    }
}

#[test]
fn an_exact_id_is_weighed_above_a_body_mention() {
    let dir = build_fixture(false, None);
    let search = dir.path().join("public/search");
    for id in ["inc-2026-0101", "cve-2026-11111"] {
        let list = term_postings(&search, id);
        assert_eq!(list.len(), 2, "{id}: {list:?}");
        let owner = list
            .iter()
            .find(|p| doc_url(&search, p.0).ends_with("/gateway-exposure/"))
            .unwrap();
        let mention = list
            .iter()
            .find(|p| doc_url(&search, p.0).ends_with("/quarterly-patch-review/"))
            .unwrap();
        // The owner has it as its id (field flag 1); the review only in its body (8), more often.
        assert_eq!(owner.1 & 1, 1, "{id}: {owner:?}");
        assert_eq!(mention.1, 8, "{id}: {mention:?}");
        assert!(mention.2 > owner.2);
    }
    // Title words carry the title flag (2), tags and vendors the metadata flag (4).
    let gateway = term_postings(&search, "gateway");
    let title = gateway
        .iter()
        .find(|p| doc_url(&search, p.0).ends_with("/gateway-exposure/"))
        .unwrap();
    assert_eq!(title.1 & 6, 6, "{title:?}");
}

#[test]
fn unpublished_documents_are_absent_from_every_output_file() {
    let dir = build_fixture(false, None);
    let out = dir.path().join("public");
    // The check can fail: a published document's unique word is found.
    assert!(files_containing(&out.join("search"), "periwinkle").len() >= 2);
    for secret in [
        "zanzibarquokka",
        "secretdrafttag",
        "xylophonewombat",
        "amberonlytag",
        "marmaladequasar",
        "inc-2026-0103",
        "inc-2026-0104",
    ] {
        assert_eq!(
            files_containing(&out, secret),
            Vec::<String>::new(),
            "`{secret}` leaked"
        );
    }
    // The same documents are indexed once a build publishes them.
    let dir = build_fixture(true, Some(Tlp::Amber));
    let search = dir.path().join("public/search");
    for word in ["zanzibarquokka", "xylophonewombat", "marmaladequasar"] {
        assert!(!term_postings(&search, word).is_empty(), "{word}");
    }
}

#[test]
fn documents_and_faq_questions_are_entries_with_their_metadata() {
    let dir = build_fixture(false, None);
    let out = dir.path().join("public");
    let search = out.join("search");
    let manifest = read_json(&search.join("manifest.json"));
    assert_eq!(manifest["format"], "seckb-search");
    assert_eq!(manifest["version"], 2);
    // 2 incidents, 1 FAQ with 2 questions, 1 guide.
    assert_eq!(manifest["documents"], 6);
    let docs: Vec<Value> = (0..6).map(|i| doc(&search, i)).collect();
    let gateway = docs
        .iter()
        .find(|d| d["url"] == "/kb/incidents/gateway-exposure/")
        .unwrap();
    assert_eq!(gateway["kind"], "incident");
    assert_eq!(gateway["severity"], "high");
    assert_eq!(gateway["status"], "resolved");
    assert_eq!(gateway["date"], "2026-05-01");
    assert_eq!(
        gateway["ids"],
        serde_json::json!(["INC-2026-0101", "CVE-2026-11111"])
    );
    assert_eq!(gateway["vendors"], serde_json::json!(["Proxyco"]));
    assert_eq!(gateway["tags"], serde_json::json!(["gateway", "exposure"]));
    // The default summary (the first paragraph) is not stored twice.
    assert!(gateway.get("summary").is_none());
    assert!(gateway["text"]
        .as_str()
        .unwrap()
        .starts_with("A misconfigured proxy"));
    let faq = docs
        .iter()
        .find(|d| d["url"] == "/kb/faq/api-keys/")
        .unwrap();
    assert_eq!(faq["summary"], "Answers about keys.");
    assert_eq!(
        faq["text"], "How do I rotate a key?\nAre keys ever logged?",
        "an FAQ's own entry holds its questions, not their answers"
    );
    // Each question links to its anchor on the FAQ page, which exists there.
    let faq_html = std::fs::read_to_string(out.join("faq/api-keys/index.html")).unwrap();
    let questions: Vec<&Value> = docs.iter().filter(|d| d["parent"].is_string()).collect();
    assert_eq!(questions.len(), 2);
    for q in questions {
        let url = q["url"].as_str().unwrap();
        let (page, anchor) = url.split_once('#').unwrap();
        assert_eq!(page, "/kb/faq/api-keys/");
        assert!(faq_html.contains(&format!("id=\"{anchor}\"")), "{url}");
        assert_eq!(q["parent"], "Questions about API keys");
    }
    let logged = docs
        .iter()
        .find(|d| d["title"] == "Are keys ever logged?")
        .unwrap();
    assert!(logged["text"].as_str().unwrap().contains("periwinkle"));
    // Facet groups: documents are numbered incidents first, most severe first.
    let groups = manifest["groups"].as_array().unwrap();
    assert_eq!(groups[0], serde_json::json!([0, 0, 1, 3, 2026]));
    assert_eq!(docs[0]["url"], "/kb/incidents/gateway-exposure/");
}

#[test]
fn the_index_is_byte_identical_across_builds() {
    let a = build_fixture(false, None);
    let b = build_fixture(false, None);
    let hash_a = tree_hash(&a.path().join("public/search"));
    assert!(hash_a.len() > 10);
    assert_eq!(hash_a, tree_hash(&b.path().join("public/search")));
}

#[test]
fn documents_are_gathered_in_compressed_files_by_group() {
    let dir = build_fixture(false, None);
    let search = dir.path().join("public/search");
    let manifest = read_json(&search.join("manifest.json"));
    assert_eq!(manifest["chunks"], serde_json::json!([2, 16, 2]));
    // Groups: two incidents of different severities (0, 1), the FAQ and its
    // questions (2–4), the guide (5); a file never spans two groups.
    let mut names: Vec<String> = std::fs::read_dir(search.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let firsts: Vec<u64> = manifest["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g[0].as_u64().unwrap())
        .collect();
    let mut expected: Vec<String> = firsts.iter().map(|f| format!("{f}.json.gz")).collect();
    expected.sort();
    assert_eq!(
        names, expected,
        "one file per group here, no spooled file left"
    );
    let mut total = 0;
    for name in &names {
        let bytes = std::fs::read(search.join("docs").join(name)).unwrap();
        assert!(bytes.starts_with(&[0x1f, 0x8b]), "{name} is gzip");
        total += read_json(&search.join("docs").join(name))
            .as_array()
            .unwrap()
            .len();
    }
    assert_eq!(total, 6);
}
