//! Lists: the order of the site (folders, then newest first), the list page
//! of each folder with a published document, and the taxonomies.

use super::links::render_section_intro;
use super::{ListPage, Page, Taxonomy, TaxonomyKind, Term};
use crate::content::{Date, Document, Section};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::markdown::{LinkRecord, Links};
use crate::urls::Urls;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// Newest first (by date, then title); undated documents last, by title.
fn newest_first(a: &Document, b: &Document) -> std::cmp::Ordering {
    b.meta
        .date
        .cmp(&a.meta.date)
        .then_with(|| a.meta.title.cmp(&b.meta.title))
        .then_with(|| a.source.cmp(&b.source))
}

/// `documents` by folder (in the order of `sections`), then newest first.
/// Sorted as small keys, the documents moved once: sorting the documents
/// themselves (comparing dates and titles where they lie in memory, moving
/// whole structs) grew far faster than the corpus (figures: benches/README.md, "Figures behind the code").
pub(super) fn in_site_order(documents: Vec<Document>, sections: &[Section]) -> Vec<Document> {
    let folder: FxHashMap<&str, usize> = sections
        .iter()
        .enumerate()
        .rev()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    let mut keys: Vec<(usize, std::cmp::Reverse<Option<Date>>, usize)> = documents
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let folder = folder
                .get(d.section.as_str())
                .copied()
                .unwrap_or(usize::MAX);
            (folder, std::cmp::Reverse(d.meta.date), i)
        })
        .collect();
    keys.sort_unstable_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| newest_first(&documents[a.2], &documents[b.2]))
    });
    let mut slots: Vec<Option<Document>> = documents.into_iter().map(Some).collect();
    keys.iter().filter_map(|k| slots[k.2].take()).collect()
}

/// A folder without a published document leaves no trace: no list page,
/// navigation link or sitemap entry names it.
pub(super) fn live_sections(sections: Vec<Section>, published: &[Document]) -> Vec<Section> {
    let live: rustc_hash::FxHashSet<&str> = published.iter().map(|d| d.section.as_str()).collect();
    sections
        .into_iter()
        .filter(|s| s.name.is_empty() || live.contains(s.name.as_str()))
        .collect()
}

/// The home page's section and what its `_index.md` renders to.
pub(super) struct Home {
    pub(super) section: Option<Section>,
    pub(super) intro: String,
    pub(super) links: Vec<LinkRecord>,
}

/// The home page and the list page of every other folder in `sections`.
pub(super) fn list_pages(
    sections: Vec<Section>,
    pages: &[Page],
    links: &Links,
    raw_html: crate::config::RawHtml,
    urls: &Urls,
    diagnostics: &mut Diagnostics,
) -> (Home, Vec<ListPage>) {
    let home_section = sections.iter().find(|s| s.name.is_empty()).cloned();
    let (home_intro, home_links) = home_section
        .as_ref()
        .map(|s| render_section_intro(s, links, raw_html, diagnostics))
        .unwrap_or_default();
    let lists: Vec<ListPage> = sections
        .into_iter()
        .filter(|s| !s.name.is_empty())
        .map(|section| {
            let (intro_html, intro_links) =
                render_section_intro(&section, links, raw_html, diagnostics);
            let path = format!("{}/", section.name);
            ListPage {
                url: urls.path(&path),
                pages: pages
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.doc.section == section.name)
                    .map(|(i, _)| i)
                    .collect(),
                path,
                intro_html,
                intro_links,
                section,
            }
        })
        .collect();
    let home = Home {
        section: home_section,
        intro: home_intro,
        links: home_links,
    };
    (home, lists)
}

/// Whether two names are one term: the same words, ignoring case, so
/// `Acme` and `ACME` share a page while `C++` and `C#` (both `c`) do not.
/// Asked for every tag and vendor of every page: it allocates nothing.
pub fn same_term(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let words = |s| {
        str::split_whitespace(s)
            .flat_map(|w: &str| w.chars().flat_map(char::to_lowercase).chain([' ']))
    };
    words(a).eq(words(b))
}

/// Two names of a taxonomy that are not one term (`same_term`) but would
/// share a page: an error at the later one (in site order), naming the first
/// and where it is written. Only published pages are compared, so no
/// excluded document is named.
fn term_collision(
    kind: TaxonomyKind,
    slug: &str,
    (first, first_page): (&str, &Page),
    (name, page): (&str, &Page),
) -> Diagnostic {
    let (taxonomy, keys) = (kind.name(), kind.keys());
    let singular = taxonomy.trim_end_matches('s');
    let there = crate::content::validate::value_location(&first_page.doc, keys, first);
    Diagnostic::error(
        Code::UrlCollision,
        format!(
            "{singular} `{name}` maps to /{taxonomy}/{slug}/, the page of {singular} `{first}` ({}:{}:{})",
            there.file.display(),
            there.line,
            there.column
        ),
    )
    .at(crate::content::validate::value_location(&page.doc, keys, name))
    .help(format!(
        "write both the same way, or rename one: a {singular}'s URL keeps only its letters and digits"
    ))
}

/// Every taxonomy with its terms, each term's pages newest first; two names
/// that would share a term page are an error.
pub(super) fn build_taxonomies(pages: &[Page], diagnostics: &mut Diagnostics) -> Vec<Taxonomy> {
    let place = newest_places(pages);
    TaxonomyKind::ALL
        .iter()
        .map(|&kind| {
            let terms = collect_terms(kind, pages, diagnostics);
            let mut list = ordered_terms(kind, terms);
            for term in &mut list {
                term.pages.sort_unstable_by_key(|&i| place[i]);
            }
            Taxonomy {
                name: kind.name(),
                title: kind.title(),
                terms: list,
            }
        })
        .collect()
}

/// Each page's place newest first across the whole site, so a term's
/// pages sort by a number: compared where they lie in memory, the entries
/// of every term grew far faster than the corpus (figures: benches/README.md, "Figures behind the code").
fn newest_places(pages: &[Page]) -> Vec<usize> {
    let mut newest: Vec<usize> = (0..pages.len()).collect();
    newest.sort_by(|&a, &b| newest_first(&pages[a].doc, &pages[b].doc));
    let mut place = vec![0; pages.len()];
    for (n, &i) in newest.iter().enumerate() {
        place[i] = n;
    }
    place
}

/// The terms of `kind` by slug: (display name, pages in site order). A
/// name that is not the term its slug already names is reported once.
fn collect_terms(
    kind: TaxonomyKind,
    pages: &[Page],
    diagnostics: &mut Diagnostics,
) -> BTreeMap<String, (String, Vec<usize>)> {
    let mut terms: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    // Names reported as colliding, by slug: each is reported once.
    let mut collided: FxHashMap<String, Vec<String>> = FxHashMap::default();
    for (i, page) in pages.iter().enumerate() {
        for value in kind.terms_of(&page.doc) {
            // Validation refused names without a slug.
            let slug = crate::content::slugify(value);
            let entry = terms
                .entry(slug.clone())
                .or_insert_with(|| (value.to_string(), Vec::new()));
            if same_term(&entry.0, value) {
                // Pages come in order: a repeat can only be the last one.
                if entry.1.last() != Some(&i) {
                    entry.1.push(i);
                }
                continue;
            }
            let seen = collided.entry(slug.clone()).or_default();
            if let Some(&first) = entry.1.first() {
                if !seen.iter().any(|n| same_term(n, value)) {
                    seen.push(value.to_string());
                    let first = (entry.0.as_str(), &pages[first]);
                    diagnostics.push(term_collision(kind, &slug, first, (value, &pages[i])));
                }
            }
        }
    }
    terms
}

/// The terms in the order their taxonomy lists them: by slug, or the fixed
/// order of severities and statuses (every level, even without pages).
fn ordered_terms(
    kind: TaxonomyKind,
    mut terms: BTreeMap<String, (String, Vec<usize>)>,
) -> Vec<Term> {
    let fixed = kind.fixed_terms();
    if fixed.is_empty() {
        return terms
            .into_iter()
            .map(|(slug, (name, pages))| Term { name, slug, pages })
            .collect();
    }
    fixed
        .into_iter()
        .map(|f| {
            let (name, pages) = terms
                .remove(f)
                .unwrap_or_else(|| (f.to_string(), Vec::new()));
            Term {
                name,
                slug: f.to_string(),
                pages,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_the_same_words_in_any_case() {
        assert!(same_term("Acme Corp", "ACME  corp"));
        assert!(same_term("Élan", "élan"));
        assert!(!same_term("C++", "C#"));
        assert!(!same_term("Acme Corp", "Acme-Corp"));
        assert!(!same_term("Acme Corp", "AcmeCorp"));
        assert!(!same_term("Acme", "Acme Corp"));
    }
}
