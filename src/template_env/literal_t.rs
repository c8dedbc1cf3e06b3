//! `t(key="…")` calls resolved when the templates load: a call with a
//! literal key and no other argument always returns the same string in a
//! build, yet Tera evaluated it on every page (its arguments collected into
//! a map, the function looked up and called, the string copied): some 3% of
//! a 10,000-document build, as the default theme makes about a hundred such
//! calls a page. The call is replaced, in the text Tera parses, by a string
//! literal of its value; Tera escapes a literal as it escapes a function's
//! result, so the page is the same byte for byte.
//!
//! Only what is certainly equal is replaced: a plain string (not a plural)
//! without a brace (no placeholder, nothing Tera could read as a
//! delimiter) or a line break, that one of Tera's three quotes can enclose
//! (Tera strings have no escapes), in a call written exactly `t(key="…")`
//! inside `{{ … }}` or `{% … %}`, in a template without `raw` blocks. Any
//! other call is left to Tera, so its errors (a missing key, a plural
//! without `n`) stay where they were.

use crate::i18n::{Entry, Strings};
use std::borrow::Cow;

const CALL: &str = "t(key=\"";

/// `text` with each replaceable `t(key="…")` call replaced by its value.
pub(crate) fn resolve<'t>(text: &'t str, strings: &Strings) -> Cow<'t, str> {
    // Every `raw` block ends with `endraw`, however its tags are spaced.
    if !text.contains(CALL) || text.contains("endraw") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = tag_start(rest) {
        let (before, tag) = rest.split_at(open);
        out.push_str(before);
        let Some(close) = tag.find(if tag.starts_with("{{") { "}}" } else { "%}" }) else {
            // Left open: Tera reports it, on the text as written.
            rest = tag;
            break;
        };
        resolve_in_tag(&tag[..close + 2], strings, &mut out);
        rest = &tag[close + 2..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Where the next `{{` or `{%` starts.
fn tag_start(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(1))
        .find(|&i| bytes[i] == b'{' && matches!(bytes[i + 1], b'{' | b'%'))
}

/// Copies one tag to `out`, its replaceable calls replaced.
fn resolve_in_tag(tag: &str, strings: &Strings, out: &mut String) {
    let mut rest = tag;
    while let Some(at) = rest.find(CALL) {
        let (before, call) = rest.split_at(at);
        out.push_str(before);
        let named_t = !before
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | ':'));
        let key_and_rest = &call[CALL.len()..];
        let value = key_and_rest
            .find("\")")
            .filter(|_| named_t)
            .and_then(|end| Some((end, literal(strings, &key_and_rest[..end])?)));
        match value {
            Some((end, literal)) => {
                out.push_str(&literal);
                rest = &key_and_rest[end + 2..];
            }
            None => {
                out.push_str(CALL);
                rest = key_and_rest;
            }
        }
    }
    out.push_str(rest);
}

/// The Tera string literal of `key`'s value, when it can stand for the call.
fn literal(strings: &Strings, key: &str) -> Option<String> {
    let Entry::Text(text) = strings.entry(key)? else {
        return None;
    };
    if text.contains(['{', '}', '\n', '\r']) {
        return None;
    }
    let quote = ['"', '\'', '`'].into_iter().find(|q| !text.contains(*q))?;
    Some(format!("{quote}{text}{quote}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings() -> Strings {
        Strings::of(&[
            ("nav.home", Entry::Text("Home".into())),
            ("quoted", Entry::Text("Say \"hi\" & 'bye'".into())),
            ("all.quotes", Entry::Text("\" ' `".into())),
            ("hello", Entry::Text("Hello {name}".into())),
            (
                "docs",
                Entry::Plural {
                    one: "1 document".into(),
                    other: "{n} documents".into(),
                },
            ),
        ])
    }

    #[test]
    fn literal_keys_become_literals_inside_tags_only() {
        let s = strings();
        let text = r#"<a>{{ t(key="nav.home") }}</a> t(key="nav.home") {% set x = t(key="nav.home") | lower %}{{ m::f(label=t(key="quoted")) }}"#;
        assert_eq!(
            resolve(text, &s),
            r#"<a>{{ "Home" }}</a> t(key="nav.home") {% set x = "Home" | lower %}{{ m::f(label=`Say "hi" & 'bye'`) }}"#
        );
    }

    #[test]
    fn calls_that_need_tera_are_left_to_it() {
        let s = strings();
        for call in [
            r#"{{ t(key="hello") }}"#,
            r#"{{ t(key="docs") }}"#,
            r#"{{ t(key="docs", n=2) }}"#,
            r#"{{ t(key="missing.key") }}"#,
            r#"{{ t(key="all.quotes") }}"#,
            r#"{{ t(key = "nav.home") }}"#,
            r#"{{ at(key="nav.home") }}"#,
            r#"{{ x.t(key="nav.home") }}"#,
            r#"{{ m::t(key="nav.home") }}"#,
        ] {
            assert_eq!(resolve(call, &s), call);
        }
        for raw in [
            r#"{% raw %}{{ t(key="nav.home") }}{% endraw %}{{ t(key="nav.home") }}"#,
            r#"{%raw-%}{{ t(key="nav.home") }}{%-endraw%}"#,
        ] {
            assert_eq!(resolve(raw, &s), raw);
        }
    }

    #[test]
    fn a_tag_left_open_is_copied_as_it_is() {
        let s = strings();
        let text = r#"{{ t(key="nav.home") }} {{ t(key="nav.home")"#;
        assert_eq!(resolve(text, &s), r#"{{ "Home" }} {{ t(key="nav.home")"#);
    }
}
