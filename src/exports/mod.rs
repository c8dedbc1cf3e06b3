//! Files besides the HTML pages: feeds, sitemap, robots.txt, `.nojekyll`,
//! CNAME, the code-highlighting stylesheet, the search index, the
//! machine-readable exports (incidents API, CSAF, OSV, security.txt) and
//! the data of the "am I affected?" checker. Each reads
//! the `Site` model, never the rendered HTML, so unpublished text cannot leak
//! into them.

pub(crate) mod api;
pub(crate) mod changes;
pub(crate) mod checker;
pub(crate) mod csaf;
pub(crate) mod feeds;
pub(crate) mod lists;
pub(crate) mod security_txt;

use crate::diagnostics::Diagnostics;
use crate::output::Writer;
use crate::site::{Bodies, Site};

/// Escapes text for XML element content and attribute values.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            _ => out.push(c),
        }
    }
    out
}

/// The pages whose rendered bodies the exports print ([`Bodies::kept`]),
/// by index: the feeds' entries, every incident when CSAF is on, and every
/// incident with an OSV record.
pub(crate) fn printed_bodies(site: &Site) -> std::collections::HashSet<usize> {
    let mut pages = feeds::members(site);
    let csaf = site.config.csaf.is_some();
    pages.extend(
        site.incidents()
            .filter_map(|(i, _, inc)| (csaf || crate::osv::has_record(inc)).then_some(i)),
    );
    pages
}

/// Makes every non-page output, each file handed to the sink as it is made
/// (`output`). Returns what the exports found:
/// warnings (security.txt `Expires` against the build clock `now`) and errors
/// (two incidents sharing one CSAF file name).
pub(crate) fn add_all(
    site: &Site,
    bodies: &Bodies,
    search: (Vec<crate::search::Prepared>, &crate::search::Tables),
    output: &mut Writer,
    now: chrono::DateTime<chrono::Utc>,
    diagnostics: &mut Diagnostics,
) {
    output.put(
        "syntax.css",
        crate::highlight::stylesheet().as_bytes().to_vec(),
    );
    output.put(".nojekyll", Vec::new());
    if let Some(cname) = &site.config.cname {
        output.put("CNAME", format!("{}\n", cname.trim()).into_bytes());
    }
    output.put("robots.txt", robots(site).into_bytes());
    for (path, xml) in sitemaps(site) {
        output.put(path, xml.into_bytes());
    }
    feeds::add(site, bodies, output);
    lists::add(site, output);
    crate::search::add(search.0, search.1, output);
    api::add(site, bodies, output);
    changes::add(site, output);
    crate::osv::add(site, bodies, output, diagnostics);
    checker::add(site, output);
    if let Some(csaf) = &site.config.csaf {
        csaf::add(site, bodies, csaf, output, diagnostics);
    }
    if let Some(txt) = &site.config.security_txt {
        security_txt::add(site, txt, output, now, diagnostics);
    }
}

/// Crawlers stay out of a site that is internal (its ceiling is above
/// TLP:CLEAR) or a preview (drafts, serve): see `Publication::is_indexable`.
fn robots(site: &Site) -> String {
    let rule = if site.publication.is_indexable() {
        "Allow: /"
    } else {
        "Disallow: /"
    };
    format!(
        "User-agent: *\n{rule}\n\nSitemap: {}\n",
        site.urls.absolute("sitemap.xml")
    )
}

/// The most URLs one sitemap file may list (sitemaps.org protocol).
const SITEMAP_URLS: usize = 50_000;

/// Every published page, with `lastmod` from `updated`/`date` (never the
/// build time), as `sitemap.xml`; past 50,000 URLs, in parts of at most that
/// many (`sitemap-1.xml`, …, beside it: a sitemap lists only URLs at or below
/// its own folder) that `sitemap.xml` indexes.
fn sitemaps(site: &Site) -> Vec<(String, String)> {
    let mut entries: Vec<(String, Option<String>)> = vec![(String::new(), None)];
    entries.extend(
        site.pages
            .iter()
            .map(|p| (p.doc.path.clone(), p.doc.last_changed().map(|d| d.ymd()))),
    );
    let per_page = site.config.per_page;
    // Every page of every list: each is a page a crawler can reach.
    let mut list_pages = |path: String, len: usize| {
        let count = crate::site::paging::page_count(len, per_page);
        entries.extend((1..=count).map(|n| (crate::site::paging::page_path(&path, n), None)));
    };
    for list in &site.lists {
        list_pages(list.path.clone(), list.pages.len());
    }
    for tax in &site.taxonomies {
        list_pages(tax.path(), 0);
        for term in &tax.terms {
            list_pages(tax.term_path(term), term.pages.len());
        }
    }
    entries.push(("search/".into(), None));
    if checker::has_page(site) {
        entries.push((checker::PAGE.into(), None));
    }
    entries.sort();
    let entries: Vec<(String, Option<String>)> = entries
        .into_iter()
        .map(|(path, lastmod)| (site.urls.absolute(&path), lastmod))
        .collect();
    sitemap_files(&entries, SITEMAP_URLS, |name| site.urls.absolute(name))
}

/// `sitemap.xml` listing `entries` (absolute URL, last change), or indexing
/// the parts of at most `max` entries they are split into; `url` gives a
/// part's absolute URL from its name.
fn sitemap_files(
    entries: &[(String, Option<String>)],
    max: usize,
    url: impl Fn(&str) -> String,
) -> Vec<(String, String)> {
    if entries.len() <= max {
        return vec![("sitemap.xml".into(), urlset(entries))];
    }
    let mut files = Vec::new();
    let mut index = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (i, part) in entries.chunks(max).enumerate() {
        let name = format!("sitemap-{}.xml", i + 1);
        index.push_str("  <sitemap><loc>");
        index.push_str(&xml_escape(&url(&name)));
        index.push_str("</loc></sitemap>\n");
        files.push((name, urlset(part)));
    }
    index.push_str("</sitemapindex>\n");
    files.push(("sitemap.xml".into(), index));
    files
}

/// A sitemap of `entries` (absolute URL, last change).
fn urlset(entries: &[(String, Option<String>)]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (url, lastmod) in entries {
        xml.push_str("  <url><loc>");
        xml.push_str(&xml_escape(url));
        xml.push_str("</loc>");
        if let Some(m) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(m);
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize) -> Vec<(String, Option<String>)> {
        (0..n)
            .map(|i| {
                (
                    format!("https://kb.example/p{i}/"),
                    (i == 0).then(|| "2026-01-02".into()),
                )
            })
            .collect()
    }

    #[test]
    fn a_sitemap_up_to_the_limit_is_one_urlset() {
        let files = sitemap_files(&entries(3), 3, |n| format!("https://kb.example/{n}"));
        assert_eq!(files.len(), 1);
        assert_eq!(
            files[0],
            (
                "sitemap.xml".to_string(),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  <url><loc>https://kb.example/p0/</loc><lastmod>2026-01-02</lastmod></url>\n  <url><loc>https://kb.example/p1/</loc></url>\n  <url><loc>https://kb.example/p2/</loc></url>\n</urlset>\n".to_string()
            )
        );
    }

    #[test]
    fn past_the_limit_sitemap_xml_indexes_parts_that_hold_every_url_once() {
        let files = sitemap_files(&entries(5), 2, |n| format!("https://kb.example/{n}"));
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        assert_eq!(
            files[3].1,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  <sitemap><loc>https://kb.example/sitemap-1.xml</loc></sitemap>\n  <sitemap><loc>https://kb.example/sitemap-2.xml</loc></sitemap>\n  <sitemap><loc>https://kb.example/sitemap-3.xml</loc></sitemap>\n</sitemapindex>\n"
        );
        let listed: Vec<usize> = files[..3]
            .iter()
            .map(|(_, xml)| xml.matches("<url>").count())
            .collect();
        assert_eq!(listed, [2, 2, 1]);
        assert!(files[2].1.contains("<loc>https://kb.example/p4/</loc>"));
    }
}
