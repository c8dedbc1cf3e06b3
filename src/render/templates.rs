//! The theme's templates: loading them (the site's `templates/` over the
//! theme's), the fragments the fast list path renders alone, rendering one
//! template with its page-size cap, and turning Tera's errors into
//! diagnostics blamed on the right template and line.

use super::context::Shared;
use super::RenderedPage;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::site::Page;
use crate::theme::Theme;
use std::path::PathBuf;
use tera::Tera;

/// Loads templates and registers seckb's template functions; `None` after
/// reporting why the theme's templates cannot be used.
pub(crate) fn load_templates(
    theme: &Theme,
    base_path: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Tera> {
    let mut tera = Tera::default();
    crate::template_env::register(&mut tera, base_path, &theme.strings);
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's default also escapes `/`, which only makes URLs harder to read.
    tera.set_escape_fn(crate::html::escape);
    // Before Tera parses anything: it would overflow the stack on these.
    let refused = crate::template_check::check(theme);
    if !refused.is_empty() {
        diagnostics.extend(refused);
        return None;
    }
    let resolved: Vec<_> = theme
        .templates
        .iter()
        .map(|t| {
            let text = crate::template_env::resolve_literal_translations(&t.text, &theme.strings);
            (t.name.as_str(), text)
        })
        .collect();
    let added = tera.add_raw_templates(resolved.iter().map(|(name, text)| (*name, text.as_ref())));
    diagnostics.take(added.map_err(|e| template_error(theme, &e)))?;
    let mut refused = crate::template_check::calls(theme, &tera);
    refused.extend(crate::template_check::translation_keys(theme, &tera));
    if !refused.is_empty() {
        diagnostics.extend(refused);
        return None;
    }
    let missing: Vec<Diagnostic> = REQUIRED_TEMPLATES
        .iter()
        .filter(|name| !theme.templates.iter().any(|t| t.name == **name))
        .map(|name| {
            Diagnostic::error(
                Code::Template,
                format!("the theme has no `{name}` template"),
            )
            .at(Location::file(&theme.dir.join("templates")))
            .help(format!("add templates/{name} to the site or the theme"))
        })
        .collect();
    if !missing.is_empty() {
        diagnostics.extend(missing);
        return None;
    }
    if let Some(cycle) = theme.include_cycle() {
        diagnostics.push(
            Diagnostic::error(
                Code::Template,
                format!(
                    "templates include each other in a loop: {}",
                    cycle.join(" → ")
                ),
            )
            .at(Location::file(&theme.template_path(&cycle[0])))
            .help("remove one of the include/extends/import statements"),
        );
        return None;
    }
    for fragment in FRAGMENTS {
        if fragment.available(&tera) {
            let added = tera.add_raw_template(fragment.template, fragment.call);
            diagnostics.take(added.map_err(|e| template_error(theme, &e)))?;
        }
    }
    Some(tera)
}

/// Templates every theme must provide.
pub(crate) const REQUIRED_TEMPLATES: [&str; 11] = [
    "base.html",
    "index.html",
    "incident.html",
    "faq.html",
    "page.html",
    "section.html",
    "taxonomy.html",
    "term.html",
    "search.html",
    "404.html",
    "alias.html",
];

/// A macro of the theme's `macros.html` that lists call for every document
/// they show. Its output depends only on the document's summary, so it is
/// rendered once per document and shared as `summary.html.<key>`: at 10,000
/// documents each document appears in a dozen lists, and Tera macro calls
/// made most of the build's time.
pub(super) struct Fragment {
    pub(super) key: &'static str,
    /// Internal template name (never a theme file); `.html` for autoescaping.
    pub(super) template: &'static str,
    pub(super) macro_name: &'static str,
    /// The arguments the call passes; the macro must take exactly these.
    args: &'static [&'static str],
    call: &'static str,
    /// Which documents need it.
    only: Only,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Only {
    /// Every document (section and term lists).
    All,
    /// Incidents (the incident table).
    Incidents,
    /// The open incidents the home page shows (`home.open_incidents`, at
    /// most `per_page`): at 100,000 documents the cards of the 60,000
    /// others were rendered and held for nothing.
    HomeIncidents,
}

pub(super) const FRAGMENTS: [Fragment; 3] = [
    Fragment {
        key: "item",
        template: "__seckb_fragment_item.html",
        macro_name: "summary_item",
        args: &["p", "level"],
        call: "{% import \"macros.html\" as m %}{{ m::summary_item(p=p, level=2) }}",
        only: Only::All,
    },
    Fragment {
        key: "row",
        template: "__seckb_fragment_row.html",
        macro_name: "incident_row",
        args: &["p"],
        call: "{% import \"macros.html\" as m %}{{ m::incident_row(p=p) }}",
        only: Only::Incidents,
    },
    Fragment {
        key: "card",
        template: "__seckb_fragment_card.html",
        macro_name: "incident_card",
        args: &["p", "level"],
        call: "{% import \"macros.html\" as m %}{{ m::incident_card(p=p, level=3) }}",
        only: Only::HomeIncidents,
    },
];

impl Fragment {
    /// Whether `macros.html` defines the macro with exactly these arguments
    /// (a site's own macros.html may not).
    fn available(&self, tera: &Tera) -> bool {
        tera.get_template("macros.html")
            .ok()
            .and_then(|t| t.macros.get(self.macro_name))
            .is_some_and(|m| {
                m.args.len() == self.args.len() && self.args.iter().all(|a| m.args.contains_key(*a))
            })
    }

    /// Whether `page` needs this fragment; `on_home` says whether it is one
    /// of the home page's open incidents.
    pub(super) fn wanted(&self, page: &Page, on_home: bool) -> bool {
        let incident = page.doc.kind.incident();
        match self.only {
            Only::All => true,
            Only::Incidents => incident.is_some(),
            Only::HomeIncidents => on_home,
        }
    }
}

/// Turns a Tera error into a diagnostic naming the template file and, where
/// Tera or the template text tells, the line.
pub(crate) fn template_error(theme: &Theme, error: &tera::Error) -> Diagnostic {
    let mut chain = vec![error.to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let full = chain.join("\n");
    let names: Vec<&str> = chain
        .iter()
        .flat_map(|m| m.split('\'').skip(1).step_by(2))
        .filter(|n| n.ends_with(".html") || n.ends_with(".xml"))
        .collect();
    let text_of = |name: &str| {
        theme
            .templates
            .iter()
            .find(|t| t.name == name)
            .map_or("", |t| t.text.as_str())
    };
    // A function that failed is located at its call, in the first template
    // named that makes one (Tera names the page's template first, then the
    // one the error happened in).
    let call = chain.iter().find_map(|m| {
        let function = m.strip_prefix("Function call '")?.split('\'').next()?;
        names.iter().find_map(|&name| {
            let text = text_of(name);
            let offset = *crate::template_check::find_calls(text, function).first()?;
            Some((name, crate::template_check::line_column(text, offset)))
        })
    });
    // Tera names the page's template first and the one that went wrong
    // after "error happened in": blame that one, where the mistake is.
    let happened_in = chain.iter().find_map(|m| {
        let after = m.split("error happened in '").nth(1)?;
        after.split('\'').next()
    });
    let name = call
        .map(|(name, _)| name)
        .or(happened_in)
        .or_else(|| names.first().copied())
        .unwrap_or_default()
        .to_string();
    let file: PathBuf = theme.template_path(&name);
    let text = text_of(&name);
    // Parse errors carry " --> line:col"; runtime errors name a variable we can find.
    let position = call.map(|(_, at)| at).or_else(|| {
        full.find("--> ").and_then(|i| {
            let rest = &full[i + 4..];
            let mut nums = rest
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty());
            Some((nums.next()?.parse().ok()?, nums.next()?.parse().ok()?))
        })
    });
    let position = position.or_else(|| {
        let variable = chain.iter().find_map(|m| quoted_after(m, "`"))?;
        text.lines()
            .enumerate()
            .find_map(|(i, l)| l.find(&variable).map(|c| (i + 1, c + 1)))
    });
    // One mistake in a template that many page templates extend or include
    // is one error: what names the page's template is left out.
    let chain: Vec<String> = chain
        .iter()
        .filter(|m| !m.starts_with("Failed to render '"))
        .map(|m| without_rendering_note(m))
        .collect();
    let detail = chain.last().cloned().unwrap_or_default();
    let message = format!(
        "template error in `{name}`: {}",
        detail.lines().last().unwrap_or("").trim()
    );
    let location = match position {
        Some((line, column)) => Location::in_text(&file, text, line, column),
        None => Location::file(&file),
    };
    let d = Diagnostic::error(Code::Template, message).at(location);
    // The causes before the last, which the message already says.
    match chain.len() {
        0 | 1 => d,
        _ => d.help(
            chain
                .iter()
                .map(|m| m.trim().replace('\n', " "))
                .collect::<Vec<_>>()
                .join(": "),
        ),
    }
}

/// `message` without Tera's " while rendering 'x.html'" (the page's
/// template, not where the mistake is).
pub(super) fn without_rendering_note(message: &str) -> String {
    match message.find(" while rendering '") {
        Some(start) => {
            let rest = &message[start + " while rendering '".len()..];
            let end = rest.find('\'').map_or(rest.len(), |e| e + 1);
            format!("{}{}", &message[..start], &rest[end..])
        }
        None => message.to_string(),
    }
}

pub(super) fn quoted_after(message: &str, quote: &str) -> Option<String> {
    let start = message.find(quote)? + quote.len();
    let end = message[start..].find(quote)? + start;
    Some(message[start..end].to_string())
}

pub(super) fn render_one(
    shared: &Shared,
    tera: &Tera,
    theme: &Theme,
    template: &'static str,
    path: String,
    ctx: &tera::Context,
) -> Result<RenderedPage, Diagnostic> {
    let what = format!("the page `{path}` that template `{template}` renders");
    let html = render_capped(
        tera,
        theme,
        (template, template),
        &what,
        ctx,
        shared.page_bytes,
    )?;
    Ok(RenderedPage {
        path,
        template,
        html,
    })
}

/// Renders `template` within `page_bytes` (and the other bounds of
/// `template_env::render`). Past `page_bytes`, the error says `what` was
/// too large, at the file of template `blame` (the theme file behind
/// `template`).
pub(super) fn render_capped(
    tera: &Tera,
    theme: &Theme,
    (template, blame): (&str, &str),
    what: &str,
    ctx: &tera::Context,
    page_bytes: usize,
) -> Result<String, Diagnostic> {
    use crate::template_env::Failure;
    crate::template_env::render(tera, template, ctx, page_bytes).map_err(|failure| match failure {
        Failure::Tera(e) => template_error(theme, &e),
        Failure::TooLarge => Diagnostic::error(
            Code::Template,
            format!(
                "{what} is larger than {page_bytes} bytes, the most a page may be (`limits.page_bytes`)"
            ),
        )
        .at(Location::file(&theme.template_path(blame)))
        .help("does a loop of the template (or of one it includes) write without end? A site whose pages are really this large raises `limits: { page_bytes: … }` in seckb.yaml"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_fragments_need_the_macro_with_the_same_arguments() {
        let mut tera = Tera::default();
        tera.add_raw_template(
            "macros.html",
            "{% macro summary_item(p, level=2) %}<h{{ level }}>{{ p.title }}</h{{ level }}>{% endmacro summary_item %}\
             {% macro incident_row(p, extra) %}x{% endmacro incident_row %}",
        )
        .unwrap();
        let [item, row, card] = &FRAGMENTS;
        assert!(item.available(&tera));
        assert!(!row.available(&tera), "different arguments");
        assert!(!card.available(&tera), "no such macro");
        tera.add_raw_template(item.template, item.call).unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("p", &json!({"title": "a<b"}));
        // Escaped exactly as the macro call inside an .html list page is.
        assert_eq!(tera.render(item.template, &ctx).unwrap(), "<h2>a&lt;b</h2>");
    }
}
