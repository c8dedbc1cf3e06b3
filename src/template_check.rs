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
/// imports and `extends` (one level per step). The default theme needs 12.
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
    let mut names: Vec<&String> = edges.keys().collect();
    names.sort();
    let mut done: HashSet<&str> = HashSet::new();
    // Depth-first with an explicit stack: a theme may chain thousands of
    // macros, and this check exists to keep recursion off the call stack.
    for start in names {
        let mut path: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        let mut on_path: HashSet<&str> = HashSet::from([start.as_str()]);
        while let Some(&(node, next)) = path.last() {
            let children = edges.get(node).map_or(&[][..], Vec::as_slice);
            let Some(child) = children.get(next).map(String::as_str) else {
                path.pop();
                on_path.remove(node);
                done.insert(node);
                continue;
            };
            if let Some(last) = path.last_mut() {
                last.1 += 1;
            }
            if on_path.contains(child) {
                let i = path.iter().position(|(n, _)| *n == child).unwrap_or(0);
                let mut cycle: Vec<String> = path[i..].iter().map(|(n, _)| n.to_string()).collect();
                cycle.push(child.to_string());
                return Some(cycle);
            }
            if !done.contains(child) {
                path.push((child, 0));
                on_path.insert(child);
            }
        }
    }
    None
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

/// Each template's nesting plus the deepest of what it includes, imports or
/// extends, one more level per step (Tera recurses into each). Walked with an explicit stack (chains of templates can be long);
/// a template already on the current path (a cycle, reported separately)
/// adds nothing.
fn depths_through<'a>(
    own: &HashMap<&'a str, (usize, usize)>,
    references: &'a HashMap<&'a str, Vec<String>>,
) -> HashMap<&'a str, usize> {
    let mut memo: HashMap<&'a str, usize> = HashMap::new();
    let mut names: Vec<&'a str> = own.keys().copied().collect();
    names.sort();
    for start in names {
        // (template, next reference to visit, deepest reference so far)
        let mut path: Vec<(&'a str, usize, usize)> = vec![(start, 0, 0)];
        let mut on_path: HashSet<&'a str> = HashSet::from([start]);
        while let Some(&(node, next, below)) = path.last() {
            if memo.contains_key(node) {
                path.pop();
                on_path.remove(node);
                continue;
            }
            let children = references.get(node).map_or(&[][..], Vec::as_slice);
            match children.get(next).map(String::as_str) {
                Some(child) => {
                    if let Some(last) = path.last_mut() {
                        last.1 += 1;
                    }
                    if let Some(&d) = memo.get(child) {
                        if let Some(last) = path.last_mut() {
                            last.2 = last.2.max(d + 1);
                        }
                    } else if on_path.insert(child) {
                        path.push((child, 0, 0));
                    }
                }
                None => {
                    let depth = own.get(node).map_or(0, |(d, _)| *d) + below;
                    memo.insert(node, depth);
                    path.pop();
                    on_path.remove(node);
                    if let Some(parent) = path.last_mut() {
                        parent.2 = parent.2.max(depth + 1);
                    }
                }
            }
        }
    }
    memo
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
    let memo = depths_through(&own, &references);
    let mut out = Vec::new();
    for t in &theme.templates {
        let depth = memo.get(t.name.as_str()).copied().unwrap_or(0);
        if depth <= MAX_DEPTH {
            continue;
        }
        let offset = own.get(t.name.as_str()).map_or(0, |(_, at)| *at);
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
    fn long_chains_of_macros_and_includes_are_walked_without_recursion() {
        // 100,000 macros each calling the next, and as many templates each
        // including the next: recursion would overflow the stack here.
        let n = 100_000;
        let mut macros = String::new();
        for i in 0..n {
            macros.push_str(&format!(
                "{{% macro m{i}() %}}{{{{ self::m{}() }}}}{{% endmacro %}}",
                i + 1
            ));
        }
        let mut templates = vec![("macros.html".to_string(), macros)];
        for i in 0..n {
            templates.push((
                format!("t{i}.html"),
                format!("{{% include \"t{}.html\" %}}", i + 1),
            ));
        }
        let refs: Vec<(&str, &str)> = templates
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let t = theme(&refs);
        assert_eq!(macro_cycle(&t), None);
        assert_eq!(t.include_cycle(), None);
        // Tera would recurse through every include: too deep, from t0 to t99935.
        let d = check(&t);
        assert_eq!(d.len(), n - MAX_DEPTH, "{:?}", d.first());
        assert!(d[0]
            .message
            .starts_with("template `t0.html` nests 100000 levels deep"));
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
            .starts_with("template `outer.html` nests 71 levels deep"));
        let default = crate::theme::load(std::path::Path::new("/nonexistent"), "default").unwrap();
        assert!(check(&default).is_empty());
    }
}
