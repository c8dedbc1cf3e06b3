//! The inverted index: entries in facet order (so kind, severity, status and
//! year are runs of document numbers the browser can count without
//! downloading anything), and for every term the documents that hold it, with
//! where (id, title, tags/vendors, body) and how often.

use super::entries::Entry;
use super::tokenize::{each_token, Role};
use crate::content::{Kind, Severity, Status};
use crate::interner::Interner;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

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

/// The string tables the threads of the document pass share while they
/// prepare entries: terms (so postings are numbers, not strings) and the
/// values of the list facets (tags, vendors).
#[derive(Default)]
pub struct Tables {
    terms: Interner,
    /// `facet` NUL `slug` NUL `display name`, facet [`TAG`] or [`VENDOR`].
    tags: Interner,
}

/// The facet marks of [`Tables::tags`]: a tag, a vendor.
pub const TAG: char = 't';
pub const VENDOR: char = 'v';

/// A thread's cache of common terms' numbers ([`crate::interner::Nearby`]),
/// for [`Prepared::new`]: only [`Tables`] makes one.
#[derive(Default)]
pub struct NearbyTerms(crate::interner::Nearby);

/// What orders an entry in the index ([`order`]).
#[derive(Debug)]
pub struct Key {
    pub kind: Kind,
    pub severity: Option<Severity>,
    pub status: Option<Status>,
    pub year: Option<i32>,
    /// `YYYY-MM-DD`.
    date: Option<Box<str>>,
    url: Box<str>,
}

/// One entry as the document pass leaves it: what orders it, its tags, its
/// terms and its document (already spooled to the sink under a
/// provisional name: its number, and so the file it goes into, is known
/// only once every entry is).
pub struct Prepared {
    key: Key,
    /// Numbers in [`Tables::tags`]: its tags and vendors.
    tags: Box<[u32]>,
    postings: Postings,
    file: DocFile,
}

/// Where an entry's spooled document is now, and a hash of its bytes.
#[derive(Debug)]
pub struct DocFile {
    pub provisional: Box<str>,
    pub content: crate::output::Content,
    pub hash: u64,
}

impl Prepared {
    /// Inverts `entry` and spools its document (JSON) to `sink` as
    /// `provisional` (under `search/`), to be gathered into its compressed
    /// file once numbered; what is kept is small.
    pub fn new(
        entry: Entry,
        tables: &Tables,
        nearby: &mut NearbyTerms,
        sink: &crate::output::Sink,
        provisional: String,
    ) -> Prepared {
        let postings = Postings::new(
            postings_of(&entry)
                .into_iter()
                .map(|(term, p)| (tables.terms.id_via(&mut nearby.0, &term), pack(&p)))
                .collect(),
        );
        let bytes = super::format::doc_file(&entry);
        let hash = crate::content::hash_bytes(&bytes);
        let content = sink.spool(&format!("{}/{provisional}", super::DIR), bytes);
        let tags = entry
            .tags
            .iter()
            .map(|(slug, name)| (TAG, slug, name))
            .chain(
                entry
                    .vendor_terms
                    .iter()
                    .map(|(slug, name)| (VENDOR, slug, name)),
            )
            .map(|(facet, slug, name)| tables.tags.id(&format!("{facet}\0{slug}\0{name}")))
            .collect();
        Prepared {
            key: Key {
                kind: entry.kind,
                severity: entry.severity,
                status: entry.status,
                year: entry.year,
                date: entry.date.map(String::into_boxed_str),
                url: entry.url.into_boxed_str(),
            },
            tags,
            postings,
            file: DocFile {
                provisional: provisional.into_boxed_str(),
                content,
                hash,
            },
        }
    }
}

/// An entry's postings, compressed until its document number is known:
/// sorted by term number, each as the gap from the previous term number
/// and the [`pack`]ed posting, both LEB128 varints (about 3 bytes a
/// posting instead of 8: the postings are most of what the index keeps).
pub struct Postings(Box<[u8]>);

impl Postings {
    fn new(mut pairs: Vec<(u32, u32)>) -> Postings {
        pairs.sort_unstable();
        let mut bytes = Vec::with_capacity(pairs.len() * 4);
        let mut previous = 0;
        for (term, packed) in pairs {
            leb128(term - previous, &mut bytes);
            leb128(packed, &mut bytes);
            previous = term;
        }
        Postings(bytes.into_boxed_slice())
    }

    /// (term number, packed posting), in term order.
    fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut bytes = self.0.iter().copied();
        let mut term = 0;
        std::iter::from_fn(move || {
            term += read_leb128(&mut bytes)?;
            Some((term, read_leb128(&mut bytes)?))
        })
    }
}

fn leb128(mut n: u32, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n & 0x7f) as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn read_leb128(bytes: &mut impl Iterator<Item = u8>) -> Option<u32> {
    let mut n = 0u32;
    for shift in (0..35).step_by(7) {
        let b = bytes.next()?;
        n |= u32::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

/// A posting without its document number in one word: fields (4 bits),
/// body occurrences (4 bits, at most `MAX_TF`), title words above.
fn pack(p: &Posting) -> u32 {
    p.fields | p.tf << 4 | p.title_words.min(0xff_ffff) << 8
}

fn unpack(doc: u32, packed: u32) -> Posting {
    Posting {
        doc,
        fields: packed & 0xf,
        tf: packed >> 4 & 0xf,
        title_words: packed >> 8,
    }
}

/// A term and its postings, encoded ([`super::format::encode_postings`]).
#[derive(Debug)]
pub struct TermPostings {
    pub term: Box<str>,
    pub encoded: String,
    /// Documents that hold it.
    pub count: u32,
    previous: u32,
}

/// An entry once numbered: its tags and document file.
#[derive(Debug)]
pub struct Numbered {
    /// Numbers in `Index::tags`: its tags and vendors.
    pub tags: Box<[u32]>,
    pub file: DocFile,
}

pub struct Index {
    /// In document-number order.
    pub entries: Vec<Numbered>,
    /// Tags and vendors as `facet` NUL `slug` NUL `display name`.
    pub tags: crate::interner::Table,
    pub groups: Vec<Group>,
    /// In term order.
    pub terms: Vec<TermPostings>,
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
fn order(a: &Key, b: &Key) -> std::cmp::Ordering {
    kind_rank(a.kind)
        .cmp(&kind_rank(b.kind))
        .then_with(|| severity_rank(a.severity).cmp(&severity_rank(b.severity)))
        .then_with(|| status_rank(a.status).cmp(&status_rank(b.status)))
        .then_with(|| b.year.cmp(&a.year))
        .then_with(|| b.date.cmp(&a.date))
        .then_with(|| a.url.cmp(&b.url))
}

/// Terms of one entry with their postings (document number filled in later).
fn postings_of(entry: &Entry) -> FxHashMap<String, Posting> {
    let mut terms: FxHashMap<String, Posting> = FxHashMap::default();
    let add = |text: &str, field: u32, terms: &mut FxHashMap<String, Posting>| {
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

/// Numbers the entries in facet order and encodes every term's postings in
/// that order, freeing each entry's postings as it goes.
pub fn build(prepared: Vec<Prepared>, tables: &Tables) -> Index {
    let mut prepared = prepared;
    prepared.sort_by(|a, b| order(&a.key, &b.key));
    let mut groups: Vec<Group> = Vec::new();
    for (i, p) in prepared.iter().enumerate() {
        let e = &p.key;
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
    // A term's postings are at its place in the table (`Table::place`).
    let names = tables.terms.take();
    let mut table: Vec<TermPostings> = names
        .iter()
        .map(|(_, term)| TermPostings {
            term: term.into(),
            encoded: String::new(),
            count: 0,
            previous: 0,
        })
        .collect();
    let tags = tables.tags.take();
    let mut entries = Vec::with_capacity(prepared.len());
    for (doc, p) in prepared.into_iter().enumerate() {
        let doc = doc as u32;
        for (id, packed) in p.postings.iter() {
            if let Some(t) = names.place(id).and_then(|i| table.get_mut(i)) {
                super::format::push_posting(&mut t.encoded, t.previous, &unpack(doc, packed));
                t.previous = doc;
                t.count += 1;
            }
        }
        entries.push(Numbered {
            tags: p.tags,
            file: p.file,
        });
    }
    drop(names);
    table.retain(|t| t.count > 0);
    table.par_sort_unstable_by(|a, b| a.term.cmp(&b.term));
    for t in &mut table {
        t.encoded.shrink_to_fit();
    }
    Index {
        entries,
        tags,
        groups,
        terms: table,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_postings_read_back_in_term_order() {
        let pairs = vec![
            (300_000, 0x1234),
            (5, 8),
            (127, 128),
            (128, 0),
            (u32::MAX, u32::MAX),
        ];
        let postings = Postings::new(pairs.clone());
        let mut sorted = pairs;
        sorted.sort_unstable();
        assert_eq!(postings.iter().collect::<Vec<_>>(), sorted);
        assert_eq!(Postings::new(Vec::new()).iter().count(), 0);
        let p = Posting {
            doc: 7,
            fields: field::TITLE | field::BODY,
            tf: MAX_TF,
            title_words: 12,
        };
        assert_eq!(unpack(7, pack(&p)), p);
    }
}
