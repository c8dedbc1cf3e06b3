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
/// imports and `extends` (one level per step), and binary operators inside
/// tags. The default theme needs 18.
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

/// A `{{ … }}` or `{% … %}` tag of a template, outside comments and raw
/// blocks.
struct Tag<'t> {
    /// The byte offset of its `{`.
    start: usize,
    /// The byte offset of its code, after the opening delimiter.
    code_start: usize,
    /// Its code, between the delimiters.
    code: &'t str,
    /// A `{% … %}` statement (not a `{{ … }}` expression).
    statement: bool,
    /// The deepest bracket nesting in its code.
    brackets: usize,
}

impl Tag<'_> {
    /// The first word of a statement (`if`, `endfor`, …); empty for an
    /// expression.
    fn keyword(&self) -> &str {
        if !self.statement {
            return "";
        }
        self.code
            .trim_matches(|c: char| c == '-' || c.is_whitespace())
            .split_whitespace()
            .next()
            .unwrap_or_default()
    }
}

/// Every tag of `text`, in order: what Tera reads as code.
fn tags(text: &str) -> Vec<Tag<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
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
        let tag = Tag {
            start,
            code_start: start + 2,
            code: text.get(start + 2..code_end).unwrap_or_default(),
            statement: close == "%}",
            brackets,
        };
        if tag.keyword() == "raw" {
            // Nothing inside a raw block is template code.
            let rest = &text[end..];
            i = rest
                .find("endraw")
                .and_then(|e| rest[e..].find("%}").map(|c| end + e + c + 2))
                .unwrap_or(text.len());
            continue;
        }
        out.push(tag);
        i = end;
    }
    out
}

/// Where a template nests deepest on its own: the depth and its byte offset.
fn own_depth(text: &str) -> (usize, usize) {
    let (mut blocks, mut deepest, mut at) = (0usize, 0usize, 0usize);
    for tag in tags(text) {
        match tag.keyword() {
            "if" | "for" | "block" | "macro" | "filter" => blocks += 1,
            "endif" | "endfor" | "endblock" | "endmacro" | "endfilter" => {
                blocks = blocks.saturating_sub(1)
            }
            _ => {}
        }
        if blocks + tag.brackets > deepest {
            (deepest, at) = (blocks + tag.brackets, tag.start);
        }
    }
    (deepest, at)
}

/// The 1-based line and column of byte `offset` of `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(1, |l| l.chars().count() + 1);
    (line, column)
}

/// Scans a tag's code from `from` to its `close` delimiter, outside string
/// literals. Returns the offset of the delimiter (the end of the text when
/// there is none) and how deep the tag nests: its deepest bracket nesting
/// plus its binary operators. Tera builds `1 + 1 + …` and `a and b and …`
/// as a tree one level deeper per operator, and parses, renders and drops
/// it recursively (100,000 of them overflowed the stack); `~` and filters
/// make flat lists and are not counted.
fn scan_tag(text: &str, from: usize, close: &str) -> (usize, usize) {
    let (mut depth, mut deepest, mut operators) = (0usize, 0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    let code = &text[from..];
    let word = |c: char| c.is_alphanumeric() || c == '_';
    for (i, c) in code.char_indices() {
        let rest = &code[i..];
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(' | '[' | '{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (None, ')' | ']') => depth = depth.saturating_sub(1),
            (None, '}' | '%') if rest.starts_with(close) => return (from + i, deepest + operators),
            (None, '}') => depth = depth.saturating_sub(1),
            // Not the whitespace control of `{%-` and `-%}`.
            (None, '-') if i == 0 || rest[1..].starts_with(close) => {}
            (None, '+' | '-' | '*' | '/' | '%' | '<' | '>' | '!') => operators += 1,
            (None, '=') if rest[1..].starts_with('=') && !"=!<>".contains(previous) => {
                operators += 1
            }
            (None, 'a' | 'o') if !word(previous) => {
                let after = |w: &str| rest.strip_prefix(w).filter(|r| !r.starts_with(word));
                if after("and").or_else(|| after("or")).is_some() {
                    operators += 1;
                }
            }
            _ => {}
        }
        previous = c;
    }
    (text.len(), deepest + operators)
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
        let (line, column) = line_column(&t.text, offset);
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

/// Calls of functions a template cannot make, one diagnostic at each: the
/// builtins of Tera that read the machine (`template_env::REMOVED`, with
/// why) and names no function has (Tera would say so only when a page
/// reaches the call). Made over what Tera parsed, so a name in a string, a
/// comment or a raw block is no call; the text only locates the call.
pub fn calls(theme: &Theme, tera: &tera::Tera) -> Vec<Diagnostic> {
    use crate::template_env::{not_available, FUNCTIONS, REMOVED};
    let mut out = Vec::new();
    for t in &theme.templates {
        let Ok(parsed) = tera.get_template(&t.name) else {
            continue;
        };
        for name in functions_called(&parsed.ast) {
            if FUNCTIONS.contains(&name) {
                continue;
            }
            let (message, help) = match REMOVED.iter().find(|(n, ..)| *n == name) {
                Some((n, why, instead)) => (not_available(n, why), instead.to_string()),
                None => (
                    format!("there is no template function `{name}()`"),
                    format!(
                        "the functions are {}(); a filter is written `value | {name}`",
                        FUNCTIONS.join("(), ")
                    ),
                ),
            };
            let error = || Diagnostic::error(Code::Template, message.clone()).help(help.clone());
            let sites = find_calls(&t.text, name);
            if sites.is_empty() {
                out.push(error().at(Location::file(&t.path)));
            }
            for offset in sites {
                let (line, column) = line_column(&t.text, offset);
                out.push(error().at(Location::in_text(&t.path, &t.text, line, column)));
            }
        }
    }
    out
}

/// The name of every function `ast` calls, wherever the call is: output
/// tags, `set`, conditions, loop containers, arguments of filters, tests,
/// functions and macros, macro argument defaults, array items, and the
/// bodies of blocks, loops, `if`s, filter sections and macros. Walked with
/// an explicit stack (an expression such as `1 + 1 + …` nests without
/// brackets). Every node kind is matched by name, so a Tera whose AST grows
/// a kind does not compile until this walk knows it.
pub fn functions_called(ast: &[tera::ast::Node]) -> std::collections::BTreeSet<&str> {
    use tera::ast::{Expr, ExprVal, Node};
    enum Item<'a> {
        Node(&'a Node),
        Expr(&'a Expr),
        Val(&'a ExprVal),
    }
    let mut names = std::collections::BTreeSet::new();
    let mut stack: Vec<Item> = ast.iter().map(Item::Node).collect();
    while let Some(item) = stack.pop() {
        match item {
            Item::Node(node) => match node {
                Node::Super
                | Node::Text(_)
                | Node::Extends(..)
                | Node::Include(..)
                | Node::ImportMacro(..)
                | Node::Raw(..)
                | Node::Break(_)
                | Node::Continue(_)
                | Node::Comment(..) => {}
                Node::VariableBlock(_, expr) => stack.push(Item::Expr(expr)),
                Node::MacroDefinition(_, definition, _) => {
                    stack.extend(definition.args.values().flatten().map(Item::Expr));
                    stack.extend(definition.body.iter().map(Item::Node));
                }
                Node::Set(_, set) => stack.push(Item::Expr(&set.value)),
                Node::FilterSection(_, section, _) => {
                    stack.extend(section.filter.args.values().map(Item::Expr));
                    stack.extend(section.body.iter().map(Item::Node));
                }
                Node::Block(_, block, _) => stack.extend(block.body.iter().map(Item::Node)),
                Node::Forloop(_, forloop, _) => {
                    stack.push(Item::Expr(&forloop.container));
                    stack.extend(forloop.body.iter().map(Item::Node));
                    stack.extend(forloop.empty_body.iter().flatten().map(Item::Node));
                }
                Node::If(conditions, _) => {
                    for (_, condition, body) in &conditions.conditions {
                        stack.push(Item::Expr(condition));
                        stack.extend(body.iter().map(Item::Node));
                    }
                    stack.extend(
                        conditions
                            .otherwise
                            .iter()
                            .flat_map(|(_, b)| b)
                            .map(Item::Node),
                    );
                }
            },
            Item::Expr(expr) => {
                stack.push(Item::Val(&expr.val));
                for filter in &expr.filters {
                    stack.extend(filter.args.values().map(Item::Expr));
                }
            }
            Item::Val(value) => match value {
                ExprVal::String(_)
                | ExprVal::Int(_)
                | ExprVal::Float(_)
                | ExprVal::Bool(_)
                | ExprVal::Ident(_) => {}
                ExprVal::Math(math) => {
                    stack.push(Item::Expr(&math.lhs));
                    stack.push(Item::Expr(&math.rhs));
                }
                ExprVal::Logic(logic) => {
                    stack.push(Item::Expr(&logic.lhs));
                    stack.push(Item::Expr(&logic.rhs));
                }
                ExprVal::In(within) => {
                    stack.push(Item::Expr(&within.lhs));
                    stack.push(Item::Expr(&within.rhs));
                }
                ExprVal::Test(test) => stack.extend(test.args.iter().map(Item::Expr)),
                ExprVal::MacroCall(call) => stack.extend(call.args.values().map(Item::Expr)),
                ExprVal::FunctionCall(call) => {
                    names.insert(call.name.as_str());
                    stack.extend(call.args.values().map(Item::Expr));
                }
                ExprVal::Array(items) => stack.extend(items.iter().map(Item::Expr)),
                ExprVal::StringConcat(concat) => stack.extend(concat.values.iter().map(Item::Val)),
            },
        }
    }
    names
}

/// The byte offsets in `text` where a function `name` is called: `name(`
/// in a tag's code, outside strings, and not a filter (`| name(`), a test
/// (`is name(`), a macro (`ns::name(`, `macro name(`) or a filter section
/// (`filter name(`).
pub fn find_calls(text: &str, name: &str) -> Vec<usize> {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    for tag in tags(text) {
        let code = tag.code;
        let mut quote: Option<char> = None;
        let mut previous: Option<char> = None;
        for (i, c) in code.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'' | '`') => quote = Some(c),
                (None, _) if code[i..].starts_with(name) && !previous.is_some_and(word) => {
                    let after = &code[i + name.len()..];
                    let called = !after.starts_with(word) && after.trim_start().starts_with('(');
                    if called && !is_other_call(&code[..i]) {
                        out.push(tag.code_start + i);
                    }
                }
                _ => {}
            }
            previous = Some(c);
        }
    }
    out
}

/// Whether a name after `before` (the code up to it) is a filter, test or
/// macro rather than a function.
fn is_other_call(before: &str) -> bool {
    let before = before.trim_end();
    if before.ends_with('|') || before.ends_with("::") || before.ends_with('.') {
        return true;
    }
    let mut words = before.rsplit(|c: char| c.is_whitespace());
    match words.next() {
        Some("is" | "macro" | "filter") => true,
        Some("not") => words.find(|w| !w.is_empty()) == Some("is"),
        _ => false,
    }
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

    /// The functions a template calls, as Tera parses it.
    fn called(template: &str) -> Vec<String> {
        let mut tera = tera::Tera::default();
        tera.add_raw_template("t.html", template).unwrap();
        let parsed = tera.get_template("t.html").unwrap();
        functions_called(&parsed.ast)
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn calls_are_found_in_every_kind_of_node() {
        // f0 … f24 each in one place a function call can be.
        let template = r#"{{ f0() }}{{ x | default(value=f1()) }}
{% macro m(a=1) %}{{ f3() }}{% endmacro m %}{{ x | first | slice(end=f2()) }}
{% set a = f4() %}{% set_global b = [f5(), 1] %}
{% if f6() %}{{ f7() }}{% elif f8() %}{{ f9() }}{% else %}{{ f10() }}{% endif %}
{% for i in f11() %}{{ f12() }}{% else %}{{ f13() }}{% endfor %}
{% filter upper(x=f14()) %}{{ f15() }}{% endfilter %}
{% block b %}{{ f16() }}{% endblock b %}
{{ x is containing(f17()) }}{{ self::m(a=f18()) }}{{ f19() ~ "s" }}
{{ f20() in [1] }}{{ 1 + f21() * 2 }}{{ f22() and not f23() }}{{ f24(a=range(end=1)) }}"#;
        let mut expected: Vec<String> = (0..25).map(|i| format!("f{i}")).collect();
        expected.push("range".into());
        expected.sort();
        assert_eq!(called(template), expected);
        // Strings, comments and raw blocks hold no call.
        assert!(called("{# f() #}{% raw %}{{ f() }}{% endraw %}{{ \"f()\" }}").is_empty());
    }

    #[test]
    fn call_sites_skip_filters_tests_macros_and_strings() {
        let text = "{{ x | g(a=1) }}{{ x is g(1) }}{{ x is not g(1) }}{{ m::g() }}\n\
                    {% macro g() %}{% endmacro %}{% filter g() %}{% endfilter %}{{ \"g()\" }}\n\
                    {{ not g() }}{# g() #}{{ g ( ) }}{{ gg() }}";
        let sites: Vec<(usize, usize)> = find_calls(text, "g")
            .into_iter()
            .map(|o| line_column(text, o))
            .collect();
        assert_eq!(sites, [(3, 8), (3, 26)]);
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
    #[ignore = "200,000 templates, about 6 s in a debug build: run by scripts/test.sh with --ignored"]
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
        // Binary operators nest too, outside strings; `~`, `=`, filters and
        // whitespace control do not.
        assert_eq!(own_depth("{%- set a = 1 + 2 * 3 -%}").0, 2);
        assert_eq!(own_depth("{{ a == b and c != d or not e <= f }}").0, 5);
        assert_eq!(own_depth("{{ \"1 + 1\" ~ band ~ order | upper }}").0, 0);
        let chain = format!("{{{{ {}1 }}}}", "1 + ".repeat(100_000));
        assert_eq!(own_depth(&chain).0, 100_000);
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
