//! Files besides the HTML pages: feeds, sitemap, robots.txt, `.nojekyll`,
//! CNAME, the code-highlighting stylesheet, the search index, and the
//! machine-readable exports (incidents API, CSAF, security.txt). Each reads
//! the `Site` model, never the rendered HTML, so unpublished text cannot leak
//! into them.

pub mod api;
pub mod csaf;
pub mod feeds;
pub mod security_txt;

use crate::content::Tlp;
use crate::diagnostics::Diagnostic;
use crate::output::Output;
use crate::site::Site;

/// Escapes text for XML element content and attribute values.
pub fn xml_escape(text: &str) -> String {
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

/// The pages whose rendered bodies the exports print (`Page::kept`), by
/// index: the feeds' entries, and every incident when CSAF is on.
pub fn printed_bodies(site: &Site) -> std::collections::HashSet<usize> {
    let mut pages = feeds::members(site);
    if site.config.csaf.is_some() {
        pages.extend((0..site.pages.len()).filter(|&i| site.pages[i].doc.incident.is_some()));
    }
    pages
}

/// Adds every non-page output to `output`. Returns what the exports found:
/// warnings (security.txt `Expires` against the build clock `now`) and errors
/// (two incidents sharing one CSAF file name).
pub fn add_all(
    site: &Site,
    search: (Vec<crate::search::Prepared>, &crate::search::Tables),
    sink: &crate::output::Sink,
    output: &mut Output,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    output.insert_bytes("syntax.css", crate::highlight::stylesheet().into_bytes());
    output.insert_bytes(".nojekyll", Vec::new());
    if let Some(cname) = &site.config.cname {
        output.insert_bytes("CNAME", format!("{}\n", cname.trim()).into_bytes());
    }
    output.insert_bytes("robots.txt", robots(site).into_bytes());
    output.insert_bytes("sitemap.xml", sitemap(site).into_bytes());
    feeds::add(site, output);
    crate::search::add(search.0, search.1, sink, output);
    api::add(site, sink, output);
    if let Some(csaf) = &site.config.csaf {
        diagnostics.extend(csaf::add(site, csaf, output));
    }
    if let Some(txt) = &site.config.security_txt {
        diagnostics.extend(security_txt::add(site, txt, output, now));
    }
    diagnostics
}

/// A site whose ceiling is above TLP:CLEAR is internal: crawlers stay out.
fn robots(site: &Site) -> String {
    let rule = if site.publication.ceiling > Tlp::Clear {
        "Disallow: /"
    } else {
        "Allow: /"
    };
    format!(
        "User-agent: *\n{rule}\n\nSitemap: {}\n",
        site.urls.absolute("sitemap.xml")
    )
}

/// Every published page, with `lastmod` from `updated`/`date` (never the build time).
fn sitemap(site: &Site) -> String {
    let mut entries: Vec<(String, Option<String>)> = vec![(String::new(), None)];
    entries.extend(
        site.pages
            .iter()
            .map(|p| (p.doc.path.clone(), p.doc.last_changed().map(|d| d.ymd()))),
    );
    entries.extend(site.lists.iter().map(|l| (l.path.clone(), None)));
    for tax in &site.taxonomies {
        entries.push((tax.path(), None));
        entries.extend(tax.terms.iter().map(|t| (tax.term_path(t), None)));
    }
    entries.push(("search/".into(), None));
    entries.sort();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (path, lastmod) in entries {
        xml.push_str("  <url><loc>");
        xml.push_str(&xml_escape(&site.urls.absolute(&path)));
        xml.push_str("</loc>");
        if let Some(m) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(&m);
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}
