//! The link check of the collected output, and where to find the source
//! line of a broken link.

use super::collecting::Collected;
use crate::diagnostics::Diagnostics;
use crate::linkcheck::{self, PageSource};
use crate::site::{self, Site};
use crate::theme::Theme;
use crate::urls::Urls;
use std::borrow::Cow;
use std::collections::HashMap;

/// Checks every internal link and anchor of the output.
pub(super) fn check_links(
    root: &std::path::Path,
    site: &Site,
    theme: &Theme,
    collected: Collected,
    found: &mut Diagnostics,
) -> crate::output::Output {
    linkcheck::check(
        &collected.output,
        collected.page_links,
        &collected.link_urls,
        site.urls.base_path(),
        &link_sources(root, site),
        theme,
        found,
    );
    collected.output
}

/// The content file behind an output page that shows one (a document, a
/// folder's list page, the home page) and the internal links of its
/// Markdown, for the link check to locate a broken link: a document's file
/// is read and its Markdown rendered again. Pages are found through a table
/// made on the first call (most builds have no broken link).
fn link_sources<'s>(
    root: &'s std::path::Path,
    site: &'s Site,
) -> impl Fn(&str) -> Option<PageSource<'s>> + 's {
    enum Origin {
        Document(usize),
        List(usize),
        Home,
    }
    let table = std::sync::OnceLock::new();
    move |page: &str| {
        let origins = table.get_or_init(|| {
            let mut origins: HashMap<String, Origin> = HashMap::new();
            for (i, p) in site.pages.iter().enumerate() {
                origins.insert(Urls::output_file(&p.doc.path), Origin::Document(i));
            }
            for (i, l) in site.lists.iter().enumerate() {
                origins.insert(Urls::output_file(&l.path), Origin::List(i));
            }
            origins.insert("index.html".into(), Origin::Home);
            origins
        });
        match origins.get(page)? {
            Origin::Document(i) => {
                let doc = &site.pages[*i].doc;
                let text = crate::content::load::read_source(&root.join(&doc.source), &doc.source)
                    .ok()?
                    .text;
                // Its problems were reported when the page was rendered.
                let mut again = crate::diagnostics::Diagnostics::new();
                let body =
                    site::render_body(doc, &text, &site.links, site.config.raw_html, &mut again);
                Some(PageSource {
                    file: &doc.source,
                    text: Cow::Owned(text),
                    links: Cow::Owned(body.links),
                })
            }
            Origin::List(i) => {
                let list = &site.lists[*i];
                Some(PageSource {
                    file: list.section.source.as_deref()?,
                    text: Cow::Borrowed(&list.section.text),
                    links: Cow::Borrowed(&list.intro_links),
                })
            }
            Origin::Home => {
                let home = site.home_section.as_ref()?;
                Some(PageSource {
                    file: home.source.as_deref()?,
                    text: Cow::Borrowed(&home.text),
                    links: Cow::Borrowed(&site.home_links),
                })
            }
        }
    }
}
