//! The inverted index: entries in facet order (so kind, severity, status and
//! year are runs of document numbers the browser can count without
//! downloading anything), and for every term the documents that hold it, with
//! where (id, title, tags/vendors, body) and how often.

use super::entries::Entry;
use super::tokenize::{tokenize, Role};
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

/// Body occurrences are counted up to this many.
pub const MAX_TF: u32 = 15;

/// One document of a term's posting list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
        for token in tokenize(text) {
            let flag = if field == field::ID && token.role == Role::Part {
                field::META
            } else {
                field
            };
            let p = terms.entry(token.text).or_insert(Posting {
                doc: 0,
                fields: 0,
                tf: 0,
                title_words: 0,
            });
            p.fields |= flag;
            if flag == field::BODY {
                p.tf = (p.tf + 1).min(MAX_TF);
            }
        }
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
    let title_words = tokenize(&entry.title)
        .iter()
        .filter(|t| t.role != Role::Part)
        .count() as u32;
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
    let per_entry: Vec<HashMap<String, Posting>> = entries.par_iter().map(postings_of).collect();
    let mut terms: BTreeMap<String, Vec<Posting>> = BTreeMap::new();
    for (doc, postings) in per_entry.into_iter().enumerate() {
        for (term, mut p) in postings {
            p.doc = doc as u32;
            terms.entry(term).or_default().push(p);
        }
    }
    Index {
        entries,
        groups,
        terms,
    }
}
