//! The inverted index: entries in facet order (so kind, severity, status and
//! year are runs of document numbers the browser can count without
//! downloading anything), and for every term the documents that hold it, with
//! where (id, title, tags/vendors, body) and how often.

use super::entries::Entry;
use super::tokenize::{each_token, Role};
use crate::content::{Kind, Severity, Status};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Where a term occurs in a document; a posting's flags are a union of these.
pub mod field {
    /// The whole of an incident id, CVE or CWE.
    pub const ID: u32 = 1;
    pub const TITLE: u32 = 2;
    /// Tags, vendors, products, data exposed, actors and the words of ids.
    pub const META: u32 = 4;
    pub const BODY: u32 = 8;
}

/// Documents inverted together by one thread.
const BLOCK: usize = 512;

/// Body occurrences are counted up to this many.
pub const MAX_TF: u32 = 15;

/// One document of a term's posting list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Posting {
    pub doc: u32,
    /// `field` flags.
    pub fields: u32,
    /// Occurrences in the body, at most `MAX_TF`.
    pub tf: u32,
    /// Words of the document's title (for telling an exact title match), set
    /// when `fields` has `TITLE`.
    pub title_words: u32,
}

/// A run of documents that share kind, severity, status and year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub start: u32,
    pub kind: Kind,
    pub severity: Option<Severity>,
    pub status: Option<Status>,
    pub year: Option<i32>,
}

#[derive(Debug)]
pub struct Index {
    /// Entries, in document-number order.
    pub entries: Vec<Entry>,
    pub groups: Vec<Group>,
    /// Term → postings in document order.
    pub terms: BTreeMap<String, Vec<Posting>>,
}

fn kind_rank(k: Kind) -> usize {
    match k {
        Kind::Incident => 0,
        Kind::Faq => 1,
        Kind::Page => 2,
    }
}

fn severity_rank(s: Option<Severity>) -> usize {
    s.and_then(|s| Severity::ALL.iter().position(|x| *x == s))
        .unwrap_or(Severity::ALL.len())
}

fn status_rank(s: Option<Status>) -> usize {
    s.and_then(|s| Status::ALL.iter().position(|x| *x == s))
        .unwrap_or(Status::ALL.len())
}

/// Facet order: kind, most severe, earliest status, newest year and date;
/// the URL breaks ties so the order never depends on the input order.
fn order(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    kind_rank(a.kind)
        .cmp(&kind_rank(b.kind))
        .then_with(|| severity_rank(a.severity).cmp(&severity_rank(b.severity)))
        .then_with(|| status_rank(a.status).cmp(&status_rank(b.status)))
        .then_with(|| b.year.cmp(&a.year))
        .then_with(|| b.date.cmp(&a.date))
        .then_with(|| a.url.cmp(&b.url))
}

/// Terms of one entry with their postings (document number filled in later).
fn postings_of(entry: &Entry) -> HashMap<String, Posting> {
    let mut terms: HashMap<String, Posting> = HashMap::new();
    let add = |text: &str, field: u32, terms: &mut HashMap<String, Posting>| {
        each_token(text, |term, role, _, _| {
            let flag = if field == field::ID && role == Role::Part {
                field::META
            } else {
                field
            };
            let count = |p: &mut Posting| {
                p.fields |= flag;
                if flag == field::BODY {
                    p.tf = (p.tf + 1).min(MAX_TF);
                }
            };
            // A term is allocated once per document, not once per occurrence.
            match terms.get_mut(term) {
                Some(p) => count(p),
                None => {
                    let mut p = Posting::default();
                    count(&mut p);
                    terms.insert(term.to_string(), p);
                }
            }
        });
    };
    add(&entry.title, field::TITLE, &mut terms);
    for id in &entry.ids {
        add(id, field::ID, &mut terms);
    }
    let meta = entry
        .tags
        .iter()
        .map(|(_, name)| name)
        .chain(&entry.vendors)
        .chain(&entry.meta);
    for text in meta {
        add(text, field::META, &mut terms);
    }
    add(&entry.summary, field::BODY, &mut terms);
    add(&entry.text, field::BODY, &mut terms);
    let mut title_words = 0;
    each_token(&entry.title, |_, role, _, _| {
        if role != Role::Part {
            title_words += 1;
        }
    });
    for p in terms.values_mut() {
        if p.fields & field::TITLE != 0 {
            p.title_words = title_words;
        }
    }
    terms
}

/// Orders the entries and inverts them.
pub fn build(mut entries: Vec<Entry>) -> Index {
    entries.sort_by(order);
    let mut groups: Vec<Group> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let group = Group {
            start: i as u32,
            kind: e.kind,
            severity: e.severity,
            status: e.status,
            year: e.year,
        };
        let same = groups.last().is_some_and(|g| {
            (g.kind, g.severity, g.status, g.year)
                == (group.kind, group.severity, group.status, group.year)
        });
        if !same {
            groups.push(group);
        }
    }
    // Inverted in parallel over blocks of consecutive documents (so each
    // block's postings are in document order), then the blocks are joined in
    // order; the distinct terms are sorted once at the end.
    let blocks: Vec<HashMap<String, Vec<Posting>>> = entries
        .par_chunks(BLOCK)
        .enumerate()
        .map(|(b, block)| {
            let mut terms: HashMap<String, Vec<Posting>> = HashMap::new();
            for (i, entry) in block.iter().enumerate() {
                let doc = (b * BLOCK + i) as u32;
                for (term, p) in postings_of(entry) {
                    terms.entry(term).or_default().push(Posting { doc, ..p });
                }
            }
            terms
        })
        .collect();
    let mut by_term: HashMap<String, Vec<Posting>> = HashMap::new();
    for block in blocks {
        for (term, postings) in block {
            by_term.entry(term).or_default().extend(postings);
        }
    }
    let terms: BTreeMap<String, Vec<Posting>> = by_term.into_iter().collect();
    Index {
        entries,
        groups,
        terms,
    }
}
