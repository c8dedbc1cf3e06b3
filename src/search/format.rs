//! Writes the index as the files described in `docs/search-index.md`: a small
//! manifest, term shards cut by size, the documents gathered a few
//! consecutive entries to a gzip-compressed file, the tag facet and the
//! vocabulary for typo tolerance. Everything is ordered, so two
//! builds of one site write the same bytes.

use super::entries::Entry;
use super::index::{field, Index, Posting};
use crate::content::{Severity, Status};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub const FORMAT: &str = "seckb-search";
/// Bumped on every change a reader of the previous version would misread.
pub const VERSION: u32 = 2;
/// A term shard is closed once it holds this many bytes (one very common term
/// may make it larger).
pub const SHARD_BYTES: usize = 16 * 1024;
/// Entries per document file (`docs/<first entry>.json.gz`), by kind
/// (incident, FAQ, page): about 3 KB compressed each at the sizes entries
/// usually have. A query's ten results are mostly in ten files, so their
/// size is what a first query costs; fewer, larger files cost less disk.
pub const CHUNK_ENTRIES: [u32; 3] = [2, 16, 2];
/// Text stored per document for snippets, in characters.
pub const MAX_TEXT_CHARS: usize = 6_000;
/// On sites of at least this many documents, terms in more than half of them
/// are listed as common: a query with other words does not fetch them.
pub const COMMON_MIN_DOCS: usize = 200;
/// Vocabulary for typo tolerance: letters-only terms of at least this many characters.
pub const VOCAB_MIN_CHARS: usize = 4;

const KINDS: [&str; 3] = ["incident", "faq", "page"];

/// The 64 digits of the posting encoding; JSON strings need no escape for any.
const DIGITS: &[u8; 64] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

/// Appends `n` as little-endian groups of 5 bits, each digit's sixth bit
/// saying "more follows".
fn push_varint(mut n: u32, out: &mut String) {
    while n >= 32 {
        out.push(DIGITS[(32 | (n & 31)) as usize] as char);
        n >>= 5;
    }
    out.push(DIGITS[n as usize] as char);
}

/// A posting list: per document the gap from the previous document number
/// (the first is the number itself), the weight `fields | tf << 4`, and the
/// title's word count when `fields` has TITLE.
#[cfg(test)]
fn encode_postings(postings: &[Posting]) -> String {
    let mut out = String::with_capacity(postings.len() * 3);
    let mut previous = 0;
    for p in postings {
        push_posting(&mut out, previous, p);
        previous = p.doc;
    }
    out
}

/// Appends one posting of a list whose previous document was `previous`.
pub fn push_posting(out: &mut String, previous: u32, p: &Posting) {
    push_varint(p.doc - previous, out);
    push_varint(p.fields | p.tf << 4, out);
    if p.fields & field::TITLE != 0 {
        push_varint(p.title_words, out);
    }
}

/// A sorted list of document numbers as runs of consecutive numbers (an FAQ
/// and its questions are consecutive): per run the gap from the end of the
/// previous run, times two, plus one when the run is longer than one number,
/// then (only then) the run's length minus one.
pub fn encode_runs(docs: &[u32]) -> String {
    let mut out = String::new();
    let mut next = 0;
    let mut i = 0;
    while i < docs.len() {
        let mut j = i + 1;
        while j < docs.len() && docs[j] == docs[j - 1] + 1 {
            j += 1;
        }
        let gap = docs[i] - next;
        let extra = (j - i - 1) as u32;
        push_varint(gap << 1 | u32::from(extra > 0), &mut out);
        if extra > 0 {
            push_varint(extra, &mut out);
        }
        next = docs[j - 1] + 1;
        i = j;
    }
    out
}

#[derive(Serialize)]
struct Manifest<'a> {
    format: &'static str,
    version: u32,
    /// Hash of every other index file: readers add it to their URLs, so a
    /// cached shard of an older build is never mixed with a newer manifest.
    generation: String,
    documents: usize,
    /// First term of each shard after the first: shard `i` (`terms/i.json.gz`)
    /// holds the terms from `shards[i-1]` up to `shards[i]`, exclusive.
    shards: Vec<&'a str>,
    common: Vec<&'a str>,
    /// First characters that have a vocabulary file (`vocab/<hex code point>.json`).
    vocab: String,
    facets: Facets,
    /// Entries per document file, by kind ([`CHUNK_ENTRIES`]).
    chunks: [u32; 3],
    /// `[first document, kind, severity, status, year]`, indexes into `facets`
    /// (-1: none), year 0: none.
    groups: Vec<[i64; 5]>,
}

#[derive(Serialize)]
struct Facets {
    kind: [&'static str; 3],
    severity: Vec<&'static str>,
    status: Vec<&'static str>,
}

#[derive(Serialize)]
struct DocFile<'a> {
    url: &'a str,
    title: &'a str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    vendors: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    ids: &'a [String],
    #[serde(skip_serializing_if = "str::is_empty")]
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<&'a str>,
    text: String,
}

/// The document of an entry: one line of its file (`docs/<first>.json.gz`).
pub fn doc_file(e: &Entry) -> Vec<u8> {
    json(&DocFile {
        url: &e.url,
        title: &e.title,
        kind: e.kind.as_str(),
        date: e.date.as_deref(),
        severity: e.severity.map(Severity::as_str),
        status: e.status.map(Status::as_str),
        tags: e.tags.iter().map(|(_, name)| name.as_str()).collect(),
        vendors: &e.vendors,
        ids: &e.ids,
        // The default summary is the text's first paragraph (maybe cut short
        // with "…"): not stored twice.
        summary: if e.text.starts_with(e.summary.trim_end_matches('…')) {
            ""
        } else {
            &e.summary
        },
        parent: e.parent.as_deref(),
        text: e.text.chars().take(MAX_TEXT_CHARS).collect(),
    })
}

fn json<T: Serialize>(value: &T) -> Vec<u8> {
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}

fn index_of<T: PartialEq>(list: &[T], value: Option<T>) -> i64 {
    value
        .and_then(|v| list.iter().position(|x| *x == v))
        .map_or(-1, |i| i as i64)
}

/// The files of the index: (path under `search/`, bytes), and the
/// document files to gather from the entries the sink spooled.
pub struct Files {
    pub files: Vec<(String, Vec<u8>)>,
    pub chunks: Vec<Chunk>,
}

/// One document file (`docs/<first entry>.json.gz`, under `search/`): its
/// consecutive entries, each as (provisional path under `search/`, what
/// the sink holds for it).
pub struct Chunk {
    pub path: String,
    pub parts: Vec<(String, crate::output::Content)>,
}

/// The text of a document file: a JSON array of its entries' documents,
/// one a line.
pub fn chunk_text(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len() + 2).sum::<usize>() + 4);
    out.extend_from_slice(b"[\n");
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(part);
    }
    out.extend_from_slice(b"\n]\n");
    out
}

/// Every file of the index.
pub fn files(index: Index) -> Files {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let boundaries = term_shards(&index, &mut files);
    let documents = index.entries.len();
    let common: Vec<&str> = if documents >= COMMON_MIN_DOCS {
        index
            .terms
            .iter()
            .filter(|t| t.count as usize * 2 > documents)
            .map(|t| &*t.term)
            .collect()
    } else {
        Vec::new()
    };
    let vocab = vocabulary(&index, &mut files);
    files.insert(
        "tags.json".into(),
        json(&list_facet(&index, super::index::TAG)),
    );
    files.insert(
        "vendors.json".into(),
        json(&list_facet(&index, super::index::VENDOR)),
    );
    let severities: Vec<&'static str> = Severity::ALL.iter().map(|s| s.as_str()).collect();
    let statuses: Vec<&'static str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    let manifest = Manifest {
        format: FORMAT,
        version: VERSION,
        generation: generation(&index, &files),
        documents,
        shards: boundaries,
        common,
        vocab: vocab.keys().collect(),
        groups: groups(&index, &severities, &statuses),
        facets: Facets {
            kind: KINDS,
            severity: severities,
            status: statuses,
        },
        chunks: CHUNK_ENTRIES,
    };
    files.insert("manifest.json".into(), json(&manifest));
    let files = files.into_iter().collect();
    Files {
        files,
        chunks: chunks(index),
    }
}

/// The document files: each group's entries (kind, severity, status and
/// year shared) cut every [`CHUNK_ENTRIES`] of its kind, so a reader finds
/// an entry's file from the manifest's groups alone.
fn chunks(index: Index) -> Vec<Chunk> {
    let starts: Vec<(u32, u32)> = index
        .groups
        .iter()
        .map(|g| (g.start, CHUNK_ENTRIES[kind_index(g.kind)]))
        .collect();
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut group = 0;
    for (doc, entry) in index.entries.into_iter().enumerate() {
        let doc = doc as u32;
        while starts
            .get(group + 1)
            .is_some_and(|&(start, _)| start <= doc)
        {
            group += 1;
        }
        let (start, per_file) = starts.get(group).copied().unwrap_or((0, 1));
        if (doc - start).is_multiple_of(per_file.max(1)) {
            chunks.push(Chunk {
                path: format!("docs/{doc}.json.gz"),
                parts: Vec::new(),
            });
        }
        if let Some(chunk) = chunks.last_mut() {
            chunk
                .parts
                .push((entry.file.provisional.into(), entry.file.content));
        }
    }
    chunks
}

fn kind_index(kind: crate::content::Kind) -> usize {
    KINDS
        .iter()
        .position(|k| *k == kind.as_str())
        .unwrap_or(KINDS.len() - 1)
}

/// The terms in shards of about `SHARD_BYTES` (`terms/N.json.gz`, stored
/// compressed: served compressed either way, they take a third of the
/// disk; compressed in parallel); returns the first term of each shard
/// after the first.
fn term_shards<'i>(index: &'i Index, files: &mut BTreeMap<String, Vec<u8>>) -> Vec<&'i str> {
    let mut boundaries: Vec<&str> = Vec::new();
    let mut shards: Vec<Vec<(&str, &str)>> = vec![Vec::new()];
    let mut shard_bytes = 0;
    for t in &index.terms {
        if shard_bytes >= SHARD_BYTES {
            shards.push(Vec::new());
            boundaries.push(&t.term);
            shard_bytes = 0;
        }
        shard_bytes += t.term.len() + t.encoded.len() + 6;
        if let Some(shard) = shards.last_mut() {
            shard.push((&t.term, &t.encoded));
        }
    }
    let compressed: Vec<Vec<u8>> = shards
        .par_iter()
        .map(|shard| crate::output::gzip(&json(shard)))
        .collect();
    for (n, bytes) in compressed.into_iter().enumerate() {
        files.insert(format!("terms/{n}.json.gz"), bytes);
    }
    boundaries
}

/// The vocabulary for typo tolerance, by first character
/// (`vocab/<hex code point>.json`).
fn vocabulary<'i>(
    index: &'i Index,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> BTreeMap<char, Vec<&'i str>> {
    let mut vocab: BTreeMap<char, Vec<&str>> = BTreeMap::new();
    for t in &index.terms {
        let term = &*t.term;
        let mut chars = term.chars();
        if term.chars().count() >= VOCAB_MIN_CHARS && term.chars().all(char::is_alphabetic) {
            if let Some(first) = chars.next() {
                vocab.entry(first).or_default().push(term);
            }
        }
    }
    for (first, terms) in &vocab {
        files.insert(format!("vocab/{:x}.json", *first as u32), json(terms));
    }
    vocab
}

/// A list facet (`facet` [`super::index::TAG`] or
/// [`super::index::VENDOR`]): each value's slug, name and documents.
fn list_facet(index: &Index, facet: char) -> Vec<[String; 3]> {
    let mut tags: BTreeMap<&str, (&str, Vec<u32>)> = BTreeMap::new();
    for (doc, entry) in index.entries.iter().enumerate() {
        let named = entry.tags.iter().filter_map(|&t| {
            let (mark, rest) = index.tags.get(t).split_once('\0')?;
            (mark.chars().eq([facet])).then_some(rest)?.split_once('\0')
        });
        for (slug, name) in named {
            tags.entry(slug)
                .or_insert((name, Vec::new()))
                .1
                .push(doc as u32);
        }
    }
    tags.iter()
        .map(|(slug, (name, docs))| [slug.to_string(), name.to_string(), encode_runs(docs)])
        .collect()
}

/// The generation covers every file: the documents by the hash of each
/// entry's bytes (they are no longer in memory; the manifest's groups and
/// chunk sizes say how they are gathered into files).
fn generation(index: &Index, files: &BTreeMap<String, Vec<u8>>) -> String {
    let mut hash = Sha256::new();
    for (path, bytes) in files {
        hash.update(path.as_bytes());
        hash.update([0]);
        hash.update(bytes);
    }
    for (doc, entry) in index.entries.iter().enumerate() {
        hash.update(format!("docs/{doc}").as_bytes());
        hash.update([0]);
        hash.update(entry.file.hash.to_le_bytes());
    }
    hash.finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Each group of documents: `[first document, kind, severity, status,
/// year]`, as indexes into the facets.
fn groups(index: &Index, severities: &[&str], statuses: &[&str]) -> Vec<[i64; 5]> {
    index
        .groups
        .iter()
        .map(|g| {
            [
                i64::from(g.start),
                index_of(&KINDS, Some(g.kind.as_str())),
                index_of(severities, g.severity.map(Severity::as_str)),
                index_of(statuses, g.status.map(Status::as_str)),
                i64::from(g.year.unwrap_or(0)),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_use_five_bits_a_digit() {
        let mut s = String::new();
        for n in [0, 31, 32, 1000] {
            push_varint(n, &mut s);
        }
        // 0 → "0"; 31 → "v"; 32 → (32|0)="w", 1 → "1"; 1000 = 8 + 31·32 → (32|8)="E", 31 → "v".
        assert_eq!(s, "0vw1Ev");
    }

    #[test]
    fn postings_are_gaps_weights_and_title_lengths() {
        let p = |doc, fields, tf, title_words| Posting {
            doc,
            fields,
            tf,
            title_words,
        };
        let encoded = encode_postings(&[p(3, field::BODY, 2, 0), p(5, field::TITLE, 0, 4)]);
        // doc 3, weight 8 | 2<<4 = 40 → (32|8)="E","1"; gap 2, weight 2, title words 4.
        assert_eq!(encoded, "3E1224");
    }

    #[test]
    fn tag_lists_are_runs() {
        // 2 alone: gap 2 → 4; 5..=8: gap 2 (from 3) → 5, then 3 more; 10: gap 1 → 2.
        assert_eq!(encode_runs(&[2, 5, 6, 7, 8, 10]), "4532");
        assert_eq!(encode_runs(&[0, 1]), "11");
        assert_eq!(encode_runs(&[]), "");
    }
}
