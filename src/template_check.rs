//! Checks of theme templates that Tera does not make, run before Tera parses
//! them. Tera parses and renders recursively and has no depth limit, so a
//! macro that calls itself without end, or templates nested thousands of
//! levels deep, overflow the stack and abort the whole process instead of
//! failing the build with a message.

use crate::content::validate::regex;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::theme::Theme;
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The deepest a page's templates may nest: `if`/`for`/`block`/`macro`/
/// `filter` blocks and brackets inside tags, counted through includes,
/// imports and `extends`. The default theme needs 11.
pub const MAX_DEPTH: usize = 64;

/// Template text without its `{# … #}` comments, which Tera ignores.
pub fn strip_comments(text: &str) -> std::borrow::Cow<'_, str> {
    static R: OnceLock<Regex> = OnceLock::new();
    regex(&R, r"(?s)\{#.*?#\}").replace_all(text, "")
}

/// The templates each template includes, extends or imports, by name.
pub fn references(theme: &Theme) -> HashMap<&str, Vec<String>> {
    static R: OnceLock<Regex> = OnceLock::new();
    let pattern = regex(
        &R,
        r#"\{%-?\s*(?:include|extends|import)\s+["']([^"']+)["']"#,
    );
    theme
        .templates
        .iter()
        .map(|t| {
            let targets = pattern
                .captures_iter(&strip_comments(&t.text))
                .map(|c| c[1].to_string())
                .collect();
            (t.name.as_str(), targets)
        })
        .collect()
}

/// Every problem of this kind in the theme, as diagnostics.
pub fn check(theme: &Theme) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    if let Some(cycle) = macro_cycle(theme) {
        let first = cycle[0].split("::").next().unwrap_or_default();
        errors.push(
            Diagnostic::error(
                Code::Template,
                format!("macros call each other in a loop: {}", cycle.join(" → ")),
            )
            .at(Location::file(&theme.template_path(first)))
            .help("Tera has no recursion limit, so seckb does not allow recursive macros; unroll the macro"),
        );
    }
    errors.extend(too_deep(theme));
    errors
}

/// A chain of macros that call each other in a loop (`self::f()` inside `f`,
/// or `a::f` → `b::g` → `a::f` through imports), as `file::macro` names.
pub fn macro_cycle(theme: &Theme) -> Option<Vec<String>> {
    static IMPORT: OnceLock<Regex> = OnceLock::new();
    static MACRO: OnceLock<Regex> = OnceLock::new();
    static CALL: OnceLock<Regex> = OnceLock::new();
    let import = regex(
        &IMPORT,
        r#"\{%-?\s*import\s+["']([^"']+)["']\s+as\s+([A-Za-z_]\w*)"#,
    );
    let definition = regex(
        &MACRO,
        r"(?s)\{%-?\s*macro\s+([A-Za-z_]\w*)\s*\((.*?)\{%-?\s*endmacro",
    );
    let call = regex(&CALL, r"\b([A-Za-z_]\w*)::([A-Za-z_]\w*)\s*\(");
    let mut edges: HashMap<String, Vec<String>> = HashMap::new();
    for t in &theme.templates {
        let code = strip_comments(&t.text);
        let aliases: HashMap<&str, &str> = import
            .captures_iter(&code)
            .filter_map(|c| Some((c.get(2)?.as_str(), c.get(1)?.as_str())))
            .collect();
        for m in definition.captures_iter(&code) {
            let node = format!("{}::{}", t.name, &m[1]);
            let calls = call
                .captures_iter(&m[2])
                .filter_map(|c| {
                    let file = match &c[1] {
                        "self" => t.name.as_str(),
                        alias => aliases.get(alias)?,
                    };
                    Some(format!("{file}::{}", &c[2]))
                })
                .collect();
            edges.insert(node, calls);
        }
    }
    find_cycle(&edges)
}

/// A path that leads back to where it started in a graph of named nodes
/// (names in sorted order are tried first, so the answer is stable).
pub fn find_cycle(edges: &HashMap<String, Vec<String>>) -> Option<Vec<String>> {
    fn visit<'a>(
        node: &'a str,
        edges: &'a HashMap<String, Vec<String>>,
        stack: &mut Vec<&'a str>,
        done: &mut HashSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|n| *n == node) {
            let mut cycle: Vec<String> = stack[i..].iter().map(|s| s.to_string()).collect();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if !done.insert(node) {
            return None;
        }
        stack.push(node);
        for next in edges.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, edges, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        None
    }
    let mut names: Vec<&String> = edges.keys().collect();
    names.sort();
    let mut done = HashSet::new();
    names
        .into_iter()
        .find_map(|n| visit(n, edges, &mut Vec::new(), &mut done))
}

/// Where a template nests deepest on its own: the depth and its byte offset.
fn own_depth(text: &str) -> (usize, usize) {
    let bytes = text.as_bytes();
    let (mut blocks, mut deepest, mut at) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while let Some(start) = text[i..].find('{').map(|s| s + i) {
        let close = match bytes.get(start + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => {
                i = text[start..]
                    .find("#}")
                    .map_or(text.len(), |e| start + e + 2);
                continue;
            }
            _ => {
                i = start + 1;
                continue;
            }
        };
        let (code_end, brackets) = scan_tag(text, start + 2, close);
        let end = (code_end + close.len()).min(text.len());
        let code = text
            .get(start + 2..code_end)
            .unwrap_or_default()
            .trim_matches(|c: char| c == '-' || c.is_whitespace());
        let keyword = code.split_whitespace().next().unwrap_or_default();
        if close == "%}" {
            match keyword {
                "if" | "for" | "block" | "macro" | "filter" => blocks += 1,
                "endif" | "endfor" | "endblock" | "endmacro" | "endfilter" => {
                    blocks = blocks.saturating_sub(1)
                }
                "raw" => {
                    // Nothing inside a raw block is template code.
                    let rest = &text[end..];
                    i = rest
                        .find("endraw")
                        .and_then(|e| rest[e..].find("%}").map(|c| end + e + c + 2))
                        .unwrap_or(text.len());
                    continue;
                }
                _ => {}
            }
        }
        if blocks + brackets > deepest {
            (deepest, at) = (blocks + brackets, start);
        }
        i = end;
    }
    (deepest, at)
}

/// Scans a tag's code from `from` to its `close` delimiter, outside string
/// literals. Returns the offset of the delimiter (the end of the text when
/// there is none) and the deepest bracket nesting inside the tag.
fn scan_tag(text: &str, from: usize, close: &str) -> (usize, usize) {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    for (i, c) in text[from..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(' | '[' | '{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (None, ')' | ']') => depth = depth.saturating_sub(1),
            (None, '}') if text[from + i..].starts_with(close) => return (from + i, deepest),
            (None, '}') => depth = depth.saturating_sub(1),
            (None, '%') if text[from + i..].starts_with(close) => return (from + i, deepest),
            _ => {}
        }
    }
    (text.len(), deepest)
}

/// Templates whose nesting, through what they include, import or extend,
/// exceeds `MAX_DEPTH`: one diagnostic at the deepest point of each.
fn too_deep(theme: &Theme) -> Vec<Diagnostic> {
    let references = references(theme);
    let own: HashMap<&str, (usize, usize)> = theme
        .templates
        .iter()
        .map(|t| (t.name.as_str(), own_depth(&t.text)))
        .collect();
    // Depth through references; a template on the current path (a cycle,
    // reported separately) adds nothing.
    fn total<'a>(
        name: &'a str,
        own: &HashMap<&str, (usize, usize)>,
        references: &'a HashMap<&str, Vec<String>>,
        memo: &mut HashMap<&'a str, usize>,
        path: &mut HashSet<&'a str>,
    ) -> usize {
        if let Some(&d) = memo.get(name) {
            return d;
        }
        if !path.insert(name) {
            return 0;
        }
        let below = references
            .get(name)
            .into_iter()
            .flatten()
            .map(|r| total(r, own, references, memo, path))
            .max()
            .unwrap_or(0);
        path.remove(name);
        let d = own.get(name).map_or(0, |(d, _)| *d) + below;
        memo.insert(name, d);
        d
    }
    let mut memo = HashMap::new();
    let mut out = Vec::new();
    for t in &theme.templates {
        let depth = total(&t.name, &own, &references, &mut memo, &mut HashSet::new());
        if depth <= MAX_DEPTH {
            continue;
        }
        let (_, offset) = own_depth(&t.text);
        let line = t.text[..offset].matches('\n').count() + 1;
        let column = t.text[..offset]
            .rsplit('\n')
            .next()
            .map_or(1, |l| l.chars().count() + 1);
        out.push(
            Diagnostic::error(
                Code::Template,
                format!(
                    "template `{}` nests {depth} levels deep (blocks and brackets, through includes); at most {MAX_DEPTH} are allowed",
                    t.name
                ),
            )
            .at(Location::in_text(&t.path, &t.text, line, column))
            .help("Tera parses and renders recursively: flatten the template, or split it into macros"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theme::Template;
    use std::path::PathBuf;

    fn theme(templates: &[(&str, &str)]) -> Theme {
        Theme {
            dir: PathBuf::from("themes/t"),
            templates: templates
                .iter()
                .map(|(name, text)| Template {
                    name: name.to_string(),
                    text: text.to_string(),
                    path: PathBuf::from("templates").join(name),
                })
                .collect(),
            statics: Default::default(),
        }
    }

    #[test]
    fn recursive_macros_are_found_directly_and_through_imports() {
        let t = theme(&[(
            "m.html",
            "{% macro f(n) %}{{ self::f(n=n) }}{% endmacro f %}",
        )]);
        assert_eq!(
            macro_cycle(&t),
            Some(vec!["m.html::f".to_string(), "m.html::f".to_string()])
        );
        let t = theme(&[
            (
                "a.html",
                "{% import \"b.html\" as b %}{% macro f() %}{{ b::g() }}{% endmacro %}",
            ),
            (
                "b.html",
                "{% import \"a.html\" as a %}{% macro g() %}{{ a::f() }}{% endmacro %}",
            ),
        ]);
        assert_eq!(
            macro_cycle(&t).map(|c| c.join(" → ")),
            Some("a.html::f → b.html::g → a.html::f".to_string())
        );
        let t = theme(&[(
            "m.html",
            "{# {% macro f() %}{{ self::f() }}{% endmacro %} #}{% macro f() %}{{ self::g() }}{% endmacro %}{% macro g() %}x{% endmacro %}",
        )]);
        assert_eq!(macro_cycle(&t), None);
    }

    #[test]
    fn nesting_counts_blocks_and_brackets_outside_strings() {
        assert_eq!(own_depth("<p>{{ a }}</p>").0, 0);
        assert_eq!(
            own_depth("{% if a %}{% for x in y %}{{ f(a=[1]) }}{% endfor %}{% endif %}").0,
            4
        );
        assert_eq!(own_depth("{{ \"((((\" ~ '[[' }}").0, 0);
        assert_eq!(
            own_depth("{% raw %}{% if %}{% if %}{% endraw %}{# {% if %} #}").0,
            0
        );
        let deep = format!(
            "{}x{}",
            "{% if true %}".repeat(100),
            "{% endif %}".repeat(100)
        );
        assert_eq!(own_depth(&deep), (100, 99 * 13));
    }

    #[test]
    fn depth_adds_up_through_includes_and_the_default_theme_is_shallow() {
        let inner = format!("{}x{}", "{% if a %}".repeat(40), "{% endif %}".repeat(40));
        let outer = format!(
            "{}{{% include \"inner.html\" %}}{}",
            "{% for x in y %}".repeat(30),
            "{% endfor %}".repeat(30)
        );
        let t = theme(&[("inner.html", &inner), ("outer.html", &outer)]);
        let d = check(&t);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0]
            .message
            .starts_with("template `outer.html` nests 70 levels deep"));
        let default = crate::theme::load(std::path::Path::new("/nonexistent"), "default").unwrap();
        assert!(check(&default).is_empty());
    }
}
