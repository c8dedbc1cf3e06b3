//! The "am I affected?" page (`exports::checker`), rendered from the
//! theme's `affected.html` with the data's URL and what it holds.

use super::context::{insert, Shared};
use super::lists::RenderResult;
use super::templates::render_one;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::exports::checker;
use crate::site::Site;
use crate::theme::Theme;
use crate::urls::Urls;
use tera::Tera;

/// Renders `affected/index.html`. A theme made before the page may lack
/// its template: that is an error saying so, not Tera's "not found".
pub(super) fn page(site: &Site, tera: &Tera, theme: &Theme, shared: &Shared) -> RenderResult {
    if tera.get_template(checker::TEMPLATE).is_err() {
        let message = format!(
            "the theme has no `{}` template, which renders /{} (the lock-file checker) for a site whose incidents name packages",
            checker::TEMPLATE,
            checker::PAGE
        );
        return Err(Diagnostic::error(Code::Template, message)
            .at(Location::file(&theme.dir.join("templates")))
            .help(format!(
                "add templates/{} to the site or the theme; the default theme's is a start",
                checker::TEMPLATE
            )));
    }
    let canonical = site.urls.absolute(checker::PAGE);
    let mut ctx = shared.context(
        "affected",
        &theme.strings.text("checker.title", &[]),
        canonical,
        false,
    );
    insert(&mut ctx, "checker", &checker::context(site));
    let path = Urls::output_file(checker::PAGE);
    render_one(shared, tera, theme, checker::TEMPLATE, path, &ctx)
}
