//! Checks of theme templates that Tera does not make, run before Tera parses
//! them. Tera parses and renders recursively and has no depth limit, so a
//! macro that calls itself without end, or templates nested thousands of
//! levels deep, overflow the stack and abort the whole process instead of
//! failing the build with a message.

use crate::content::validate::regex;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::graph::find_cycle;
use crate::theme::{references, strip_comments, Theme};
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The deepest a page's templates may nest: `if`/`for`/`block`/`macro`/
/// `filter` blocks and brackets inside tags, counted through includes,
/// imports and `extends` (one level per step), and binary operators inside
/// tags. The default theme needs 18.
pub(crate) const MAX_DEPTH: usize = 64;

/// Every problem of this kind in the theme, as diagnostics.
pub(crate) fn check(theme: &Theme) -> Vec<Diagnostic> {
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
pub(crate) fn macro_cycle(theme: &Theme) -> Option<Vec<String>> {
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
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
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
pub(crate) fn calls(theme: &Theme, tera: &tera::Tera) -> Vec<Diagnostic> {
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

/// Calls of `t(key="…")` whose key (a string, not an expression) the
/// site's language lacks, one diagnostic at each: found when the templates
/// load rather than when a page reaches the call. A key built at render
/// time (`t(key="severity_" ~ s)`) is checked by the render.
pub(crate) fn translation_keys(theme: &Theme, tera: &tera::Tera) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for t in &theme.templates {
        let Ok(parsed) = tera.get_template(&t.name) else {
            continue;
        };
        let sites = find_calls(&t.text, "t");
        for call in function_calls(&parsed.ast) {
            if call.name != "t" {
                continue;
            }
            let Some(tera::ast::ExprVal::String(key)) = call.args.get("key").map(|e| &e.val) else {
                continue;
            };
            if theme.strings.entry(key).is_some() {
                continue;
            }
            let error = Diagnostic::error(
                Code::Template,
                format!(
                    "there is no translation key `{key}` (language `{}`)",
                    theme.strings.language
                ),
            )
            .help(format!(
                "add `{key}: …` to the theme's i18n/{}.yaml and to every other language's file",
                crate::i18n::REFERENCE
            ));
            // The call's place: the first call of t() whose arguments name the key.
            let named = |offset: &usize| {
                let call = &t.text[*offset..];
                let call = &call[..call.find(')').unwrap_or(call.len())];
                call.contains(&format!("\"{key}\"")) || call.contains(&format!("'{key}'"))
            };
            let at = sites.iter().copied().find(named);
            out.push(match at {
                Some(offset) => {
                    let (line, column) = line_column(&t.text, offset);
                    error.at(Location::in_text(&t.path, &t.text, line, column))
                }
                None => error.at(Location::file(&t.path)),
            });
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
pub(crate) fn functions_called(ast: &[tera::ast::Node]) -> std::collections::BTreeSet<&str> {
    function_calls(ast)
        .into_iter()
        .map(|call| call.name.as_str())
        .collect()
}

/// Every function call of `ast`, found as [`functions_called`] finds them.
fn function_calls(ast: &[tera::ast::Node]) -> Vec<&tera::ast::FunctionCall> {
    let mut calls = Vec::new();
    let mut stack: Vec<Item> = ast.iter().map(Item::Node).collect();
    while let Some(item) = stack.pop() {
        match item {
            Item::Node(node) => node_children(node, &mut stack),
            Item::Expr(expr) => {
                stack.push(Item::Val(&expr.val));
                for filter in &expr.filters {
                    stack.extend(filter.args.values().map(Item::Expr));
                }
            }
            Item::Val(value) => value_children(value, &mut stack, &mut calls),
        }
    }
    calls
}

/// A part of a template's AST still to walk.
enum Item<'a> {
    Node(&'a tera::ast::Node),
    Expr(&'a tera::ast::Expr),
    Val(&'a tera::ast::ExprVal),
}

/// Pushes what `node` holds.
fn node_children<'a>(node: &'a tera::ast::Node, stack: &mut Vec<Item<'a>>) {
    use tera::ast::Node;
    match node {
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
    }
}

/// Pushes what `value` holds, and notes the function call it is.
fn value_children<'a>(
    value: &'a tera::ast::ExprVal,
    stack: &mut Vec<Item<'a>>,
    calls: &mut Vec<&'a tera::ast::FunctionCall>,
) {
    use tera::ast::ExprVal;
    match value {
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
            calls.push(call);
            stack.extend(call.args.values().map(Item::Expr));
        }
        ExprVal::Array(items) => stack.extend(items.iter().map(Item::Expr)),
        ExprVal::StringConcat(concat) => stack.extend(concat.values.iter().map(Item::Val)),
    }
}

/// The byte offsets in `text` where a function `name` is called: `name(`
/// in a tag's code, outside strings, and not a filter (`| name(`), a test
/// (`is name(`), a macro (`ns::name(`, `macro name(`) or a filter section
/// (`filter name(`).
pub(crate) fn find_calls(text: &str, name: &str) -> Vec<usize> {
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
mod tests;
