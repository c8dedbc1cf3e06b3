//! How wide the caret under a shown line is: the whole token that starts at
//! the diagnostic's column (`^^^^^^^` under `critcal`, under a list item,
//! under a whole Markdown link), read from the line itself, so that no
//! check has to carry an end position of its own.

/// The width, in characters, of the token of `line` that starts at the
/// 1-based `column`: a quoted string through its closing quote; a bracketed
/// one (`[…]`, `{…}`, `<…>`, a Markdown link `[…](…)` or image `![…](…)`)
/// through its closing bracket; else a plain word, which ends at `: ` (a
/// key), at ` #` (a comment) or the line's end, and inside a YAML flow list
/// or mapping also at `,`, `]` or `}`. At least 1.
pub(super) fn width(line: &str, column: usize) -> usize {
    let chars: Vec<char> = line.chars().collect();
    let start = column.saturating_sub(1);
    if start >= chars.len() {
        return 1;
    }
    let rest = &chars[start..];
    let end = match rest[0] {
        '"' | '\'' => quoted(rest),
        '[' | '{' | '<' => bracketed(rest, 0),
        '!' if rest.get(1) == Some(&'[') => bracketed(rest, 1),
        _ => plain(rest, in_flow(&chars[..start])),
    };
    end.max(1)
}

/// Through the closing quote (YAML doubles a single quote to escape it,
/// a backslash escapes in double quotes); the rest of the line if unclosed.
fn quoted(rest: &[char]) -> usize {
    let quote = rest[0];
    let mut i = 1;
    while i < rest.len() {
        match rest[i] {
            '\\' if quote == '"' => i += 1,
            c if c == quote => {
                if quote == '\'' && rest.get(i + 1) == Some(&'\'') {
                    i += 1;
                } else {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    trimmed(rest)
}

/// Through the bracket that closes the one at `open`, and through a
/// Markdown link's `(…)` destination right after `]`.
fn bracketed(rest: &[char], open: usize) -> usize {
    let Some(end) = closing(rest, open) else {
        return trimmed(rest);
    };
    if rest[open] == '[' && rest.get(end) == Some(&'(') {
        return closing(rest, end).unwrap_or(end);
    }
    end
}

/// The index just past the bracket closing the one at `open`.
fn closing(rest: &[char], open: usize) -> Option<usize> {
    let (left, right) = match rest[open] {
        '[' => ('[', ']'),
        '{' => ('{', '}'),
        '(' => ('(', ')'),
        _ => ('<', '>'),
    };
    let mut depth = 0usize;
    for (i, &c) in rest.iter().enumerate().skip(open) {
        if c == left {
            depth += 1;
        } else if c == right {
            depth -= 1;
            if depth == 0 {
                return Some(i + 1);
            }
        }
    }
    None
}

/// A plain word: up to a key's `:`, a comment, the end of the line, or in
/// a flow collection the next separator.
fn plain(rest: &[char], flow: bool) -> usize {
    let mut end = rest.len();
    for (i, &c) in rest.iter().enumerate() {
        let next = rest.get(i + 1).copied();
        let key_end = c == ':' && next.is_none_or(char::is_whitespace);
        let comment = c == '#' && i > 0 && rest[i - 1].is_whitespace();
        let separator = flow && matches!(c, ',' | ']' | '}');
        if key_end || comment || separator {
            end = i;
            break;
        }
    }
    trimmed(&rest[..end])
}

/// Whether `before` leaves a `[` or `{` open: the column is inside a YAML
/// flow collection.
fn in_flow(before: &[char]) -> bool {
    let mut depth = 0i32;
    for &c in before {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    depth > 0
}

/// The length of `chars` without trailing white space.
fn trimmed(chars: &[char]) -> usize {
    chars.len() - chars.iter().rev().take_while(|c| c.is_whitespace()).count()
}

#[cfg(test)]
mod tests {
    use super::width;

    /// The text each case's caret covers.
    fn covered(line: &str, column: usize) -> String {
        line.chars()
            .skip(column - 1)
            .take(width(line, column))
            .collect()
    }

    #[test]
    fn a_value_is_underlined_whole() {
        assert_eq!(covered("severity: critcal", 11), "critcal");
        assert_eq!(covered("updated: 2026-13-03  # typo", 10), "2026-13-03");
        assert_eq!(
            covered("title: A title, with a comma", 8),
            "A title, with a comma"
        );
        assert_eq!(covered("stauts: resolved", 1), "stauts");
        assert_eq!(covered("  - vendr: Acme", 5), "vendr");
        assert_eq!(covered("url: https://x.org/a:b", 6), "https://x.org/a:b");
    }

    #[test]
    fn a_list_item_is_underlined_alone() {
        let line = "cves: [CVE-2026-1, CVE-2026-12345, cve-x]";
        assert_eq!(covered(line, 8), "CVE-2026-1");
        assert_eq!(covered(line, 36), "cve-x");
        assert_eq!(covered("tags: {a: b, c: d}", 11), "b");
        assert_eq!(covered("tags: [x, y]", 7), "[x, y]");
    }

    #[test]
    fn quoted_and_bracketed_tokens_are_underlined_to_their_end() {
        assert_eq!(covered(r#"title: "a \" b" # c"#, 8), r#""a \" b""#);
        assert_eq!(covered("title: 'it''s' x", 8), "'it''s'");
        let link = "See [the FAQ](../faq/missing.md) and ![a](b.png).";
        assert_eq!(covered(link, 5), "[the FAQ](../faq/missing.md)");
        assert_eq!(covered(link, 38), "![a](b.png)");
        assert_eq!(covered("x <a href=\"y\">z</a>", 3), "<a href=\"y\">");
        assert_eq!(covered("{{ now() }} tail", 1), "{{ now() }}");
    }

    #[test]
    fn the_caret_is_never_empty() {
        assert_eq!(width("", 1), 1);
        assert_eq!(width("abc", 9), 1);
        assert_eq!(width("a: ", 3), 1);
        assert_eq!(width("\"unclosed  ", 1), 9);
    }
}
