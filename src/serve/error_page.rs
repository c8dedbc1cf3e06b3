//! The page every HTML request gets while the newest build has failed: each
//! diagnostic with its file:line:column, the source line with a caret, and
//! the help — the terminal's report, in the browser. It carries the reload
//! script, so saving the fix brings the page back by itself. It is rendered
//! here, not by the theme, because the theme may be what is broken. What a
//! document the preview does not publish (above its ceiling, a draft without
//! `--drafts`, under embargo) has wrong arrives withheld: its place and code,
//! never its text (`pipeline::build_into`, `Diagnostic::withhold`).

use crate::diagnostics::{Diagnostic, Level};
use crate::html::escape;
use crate::preview;
use std::fmt::Write as _;

/// The error page for a failed build, for pages under `base_path`.
pub(super) fn render(diagnostics: &[Diagnostic], base_path: &str) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let mut html = String::new();
    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n{}\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <title>Build failed: {errors} error(s) · seckb serve</title>\n{}\n</head>\n\
         <body class=\"seckb-error-page\">\n<main class=\"seckb-errors\">\n\
         <h1>The site did not build: {errors} error(s)</h1>\n\
         <p>Fix the files below and save; this page reloads by itself. \
         The terminal running <code>seckb serve</code> shows the same report.</p>\n<ol>\n",
        crate::render::content_security_policy_meta(),
        preview::stylesheet_tag(base_path)
    );
    for d in diagnostics {
        item(&mut html, d);
    }
    let _ = write!(
        html,
        "</ol>\n</main>\n{}\n</body>\n</html>\n",
        preview::script_tag(base_path)
    );
    html
}

fn item(html: &mut String, d: &Diagnostic) {
    let (code, name) = d.code.id();
    let level = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
    };
    let _ = writeln!(html, "<li class=\"seckb-diagnostic seckb-{level}\">");
    if let Some(loc) = &d.location {
        let file = loc.file.to_string_lossy().replace('\\', "/");
        let place = if loc.line == 0 {
            file
        } else {
            format!("{file}:{}:{}", loc.line, loc.column)
        };
        let _ = writeln!(
            html,
            "<p class=\"seckb-where\"><code>{}</code></p>",
            escape(&place)
        );
    }
    let _ = writeln!(
        html,
        "<p class=\"seckb-message\"><strong class=\"seckb-level\">{level}[{code}]</strong> {} \
         <span class=\"seckb-code\">({name})</span></p>",
        escape(&d.message)
    );
    if let Some(loc) = d.location.as_ref().filter(|l| l.line > 0) {
        if let Some(text) = &loc.source_line {
            let number = loc.line.to_string();
            let pad = " ".repeat(number.len());
            let caret: String = text
                .chars()
                .take(loc.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(
                html,
                "<pre>{pad} |\n{number} | {}\n{pad} | {caret}^</pre>",
                escape(text)
            );
        }
    }
    if let Some(help) = &d.help {
        let _ = writeln!(html, "<p class=\"seckb-help\">help: {}</p>", escape(help));
    }
    html.push_str("</li>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Code, Location};
    use std::path::Path;

    #[test]
    fn lists_every_diagnostic_with_its_place_escaped() {
        let text = "---\ntitle: <b>x</b>\nseverty: high\n";
        let diagnostics = [
            Diagnostic::error(Code::UnknownKey, "unknown key `severty`")
                .at(Location::in_text(
                    Path::new("content/incidents/a.md"),
                    text,
                    3,
                    1,
                ))
                .help("did you mean `severity`?"),
            Diagnostic::error(Code::Template, "template error in <base.html>"),
        ];
        let html = render(&diagnostics, "/kb/");
        assert!(html.contains("2 error(s)"));
        assert!(html.contains("<code>content/incidents/a.md:3:1</code>"));
        assert!(html.contains("3 | severty: high\n  | ^</pre>"));
        assert!(html.contains("error[E0102]"));
        assert!(html.contains("template error in &lt;base.html&gt;"));
        assert!(html.contains("<script src=\"/kb/__seckb/reload.js\" defer></script>"));
        assert!(html.contains("href=\"/kb/__seckb/preview.css\""));
    }
}
