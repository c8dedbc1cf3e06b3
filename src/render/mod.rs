//! Rendering pages with Tera, in parallel: [`templates`] loads the theme
//! (overridden by the site's `templates/`) and reports its errors,
//! [`context`] builds what templates see (site-wide values once, each
//! page's own data), [`documents`] is the document pass and [`lists`] the
//! list pages. Every page leaves through [`Emit`], which hands it to the
//! observers of emitted pages: preview decoration, the link reader, the
//! sink (and its secret scan) and the progress meter.

mod checker;
mod context;
mod documents;
mod lists;
mod templates;

pub(crate) use context::{Fragments, Shared};
pub(crate) use documents::{render_document_page, render_documents, DocumentDone};
pub(crate) use lists::{list_jobs, render_lists};
pub(crate) use templates::load_templates;

/// The keys of the list fragments (`summary.html.<key>`), in their order.
#[cfg(test)]
pub(crate) fn fragment_keys() -> impl Iterator<Item = &'static str> {
    templates::FRAGMENTS.iter().map(|f| f.key)
}

use crate::linkcheck::PageLinks;
use crate::output::{Content, Sink};

/// The Content-Security-Policy of every HTML page seckb makes: theme pages
/// (templates get it as `content_security_policy`), alias redirects, CSAF
/// listings and serve's error page. One value, so no page is laxer.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

/// [`CONTENT_SECURITY_POLICY`] as the `<meta>` tag of pages made without a template.
pub(crate) fn content_security_policy_meta() -> String {
    format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">")
}

/// A rendered HTML page: its path in the output, the template that made it
/// (named by the link check when a template link is broken) and its HTML.
#[derive(Debug)]
pub(crate) struct RenderedPage {
    pub path: String,
    pub template: &'static str,
    pub html: String,
}

/// A change made to every page as it is emitted that rendering itself
/// knows nothing of: a preview's banners and live-reload script
/// (`crate::preview`).
pub(crate) trait Decorate: Sync {
    fn decorate(&self, page: &mut RenderedPage);
}

/// Where rendered pages go: decorated in preview builds, read by the link
/// check, then handed to the sink (written at once by `seckb build`); and
/// the term table the documents' search entries are inverted against.
pub(crate) struct Emit<'a> {
    pub sink: &'a Sink,
    pub decorator: Option<&'a dyn Decorate>,
    pub terms: &'a crate::search::Tables,
    /// The URLs pages link to, numbered for the link check.
    pub urls: &'a crate::interner::Interner,
    /// Ticked once per page emitted (the progress display).
    pub meter: &'a crate::progress::Meter,
}

/// A page once emitted: what the output map holds for it, and its links.
pub(crate) struct Emitted {
    pub path: String,
    pub content: Content,
    pub links: PageLinks,
}

impl Emit<'_> {
    fn emit(&self, mut page: RenderedPage) -> Emitted {
        if let Some(decorator) = self.decorator {
            decorator.decorate(&mut page);
        }
        let links = PageLinks::read(page.path.clone(), page.template, &page.html, self.urls);
        let content = self.sink.put(&page.path, page.html.into_bytes());
        self.meter.tick();
        Emitted {
            path: page.path,
            content,
            links,
        }
    }
}
