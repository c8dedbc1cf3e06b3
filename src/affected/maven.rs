//! Maven's version order, as its POM reference specifies it ("Version Order
//! Specification", maven.apache.org/pom.html) and OSV uses for the Maven
//! ecosystem: tokens split at `.`, `-` and digit/letter transitions (a
//! transition counts as `-`), trailing "null" tokens trimmed before every
//! hyphen, then compared token by token with the shorter side padded by
//! nulls. seckb also uses it as the "generic" order of vendor product
//! versions (`4.12.3`, `2025.1-hotfix2`).

use std::cmp::Ordering;

/// One token with the separator before it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    /// `-` (or a digit/letter transition) rather than `.`.
    hyphen: bool,
    value: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    /// Digits without leading zeros (any length).
    Number(String),
    /// A qualifier in lower case, aliases resolved (`cr` → `rc`, `ga` → ``).
    Qualifier(String),
}

/// A parsed Maven version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    tokens: Vec<Token>,
}

/// The qualifiers that sort before every other, in their order; `""` is a
/// release (`final`, `ga` and an empty token are aliases of it).
const KNOWN: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

impl Version {
    /// Parses `text`; any non-empty text without whitespace is a Maven
    /// version (Maven itself accepts every string).
    pub fn parse(text: &str) -> Result<Version, String> {
        if text.is_empty() {
            return Err("an empty version".into());
        }
        if let Some(c) = text.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("{c:?} cannot be part of a version"));
        }
        Ok(Version {
            tokens: trim(tokenize(&text.to_lowercase())),
        })
    }
}

/// Splits at separators and transitions; an empty token is `0`.
fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut hyphen = false;
    // The character before, within a token: a digit/letter change starts
    // a new token as `-` would.
    let mut prev: Option<char> = None;
    let push = |tokens: &mut Vec<Token>, current: &mut String, hyphen: bool| {
        let text = std::mem::take(current);
        let value = if text.is_empty() {
            Value::Number("0".into())
        } else if text.bytes().all(|b| b.is_ascii_digit()) {
            let trimmed = text.trim_start_matches('0');
            Value::Number(if trimmed.is_empty() { "0" } else { trimmed }.to_string())
        } else {
            Value::Qualifier(text)
        };
        tokens.push(Token { hyphen, value });
    };
    for c in text.chars() {
        match c {
            '.' | '-' => {
                push(&mut tokens, &mut current, hyphen);
                hyphen = c == '-';
                prev = None;
                continue;
            }
            _ => {
                let transition = prev.is_some_and(|p| p.is_ascii_digit() != c.is_ascii_digit());
                if transition {
                    push(&mut tokens, &mut current, hyphen);
                    hyphen = true;
                    if c.is_ascii_digit() {
                        expand_short_qualifier(&mut tokens);
                    }
                }
            }
        }
        current.push(c);
        prev = Some(c);
    }
    push(&mut tokens, &mut current, hyphen);
    for token in &mut tokens {
        if let Value::Qualifier(q) = &mut token.value {
            match q.as_str() {
                "cr" => *q = "rc".into(),
                "ga" | "final" | "release" => q.clear(),
                _ => {}
            }
        }
    }
    tokens
}

/// `a`, `b`, `m` directly followed by a number are alpha, beta, milestone.
fn expand_short_qualifier(tokens: &mut [Token]) {
    if let Some(Token {
        value: Value::Qualifier(q),
        ..
    }) = tokens.last_mut()
    {
        let long = match q.as_str() {
            "a" => "alpha",
            "b" => "beta",
            "m" => "milestone",
            _ => return,
        };
        *q = long.into();
    }
}

fn is_null(token: &Token) -> bool {
    match &token.value {
        Value::Number(n) => n == "0",
        Value::Qualifier(q) => q.is_empty(),
    }
}

/// Trims trailing null tokens, then those before each remaining hyphen,
/// from the end to the start (`1.0.0-foo.0.0` → `1-foo`).
fn trim(tokens: Vec<Token>) -> Vec<Token> {
    // Segments start at each hyphen; each loses its trailing nulls.
    let mut segments: Vec<Vec<Token>> = Vec::new();
    for token in tokens {
        match segments.last_mut() {
            Some(segment) if !token.hyphen => segment.push(token),
            _ => segments.push(vec![token]),
        }
    }
    let mut out = Vec::new();
    for mut segment in segments {
        while segment.last().is_some_and(is_null) {
            segment.pop();
        }
        out.extend(segment);
    }
    // A trimmed segment can leave nulls at the end of the one before it.
    while out.last().is_some_and(is_null) {
        out.pop();
    }
    out
}

fn qualifier_rank(q: &str) -> (usize, &str) {
    match KNOWN.iter().position(|k| *k == q) {
        Some(i) => (i, ""),
        None => (KNOWN.len(), q),
    }
}

fn compare_numbers(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// `.qualifier` = `-qualifier` < `-number` < `.number`; tokens of one kind
/// compare by value.
fn compare_tokens(a: &Token, b: &Token) -> Ordering {
    let rank = |t: &Token| match (&t.value, t.hyphen) {
        (Value::Qualifier(_), _) => 0,
        (Value::Number(_), true) => 1,
        (Value::Number(_), false) => 2,
    };
    match (&a.value, &b.value) {
        (Value::Qualifier(x), Value::Qualifier(y)) => qualifier_rank(x).cmp(&qualifier_rank(y)),
        (Value::Number(x), Value::Number(y)) if a.hyphen == b.hyphen => compare_numbers(x, y),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// The null token that pads the shorter version against `other`.
fn padding(other: &Token) -> Token {
    Token {
        hyphen: other.hyphen,
        value: if other.hyphen {
            Value::Qualifier(String::new())
        } else {
            Value::Number("0".into())
        },
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        let n = self.tokens.len().max(other.tokens.len());
        for i in 0..n {
            let order = match (self.tokens.get(i), other.tokens.get(i)) {
                (Some(a), Some(b)) => compare_tokens(a, b),
                (Some(a), None) => compare_tokens(a, &padding(a)),
                (None, Some(b)) => compare_tokens(&padding(b), b),
                (None, None) => Ordering::Equal,
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    /// The examples of the specification, in its words.
    #[test]
    fn the_specifications_examples_hold() {
        let less = [
            ("1", "1.1"),
            ("1-snapshot", "1"),
            ("1", "1-sp"),
            ("1-foo2", "1-foo10"),
            ("1-foo", "1-1"),
            ("1-1", "1.1"),
            ("1-ga", "1-sp"),
            ("1-ga.1", "1-sp.1"),
            ("1-sp-1", "1-ga-1"),
            ("1.0-alpha1", "1.0-beta1"),
            ("1.0-beta1", "1.0-milestone1"),
            ("1.0-m1", "1.0-rc1"),
            ("1.0-rc1", "1.0-SNAPSHOT"),
            ("1.0-SNAPSHOT", "1.0"),
            ("1.0", "1.0-sp1"),
            ("1.0-sp1", "1.0-foo"),
            ("2.0.0-M1", "2.0.0"),
            ("4.12.3", "5.0.0"),
            ("1.9", "1.10"),
        ];
        for (a, b) in less {
            assert_eq!(v(a).cmp(&v(b)), Ordering::Less, "{a} < {b}");
            assert_eq!(v(b).cmp(&v(a)), Ordering::Greater, "{b} > {a}");
        }
        let equal = [
            ("1.foo", "1-foo"),
            ("1.ga", "1"),
            ("1-ga", "1"),
            ("1-0", "1"),
            ("1.0", "1"),
            ("1.0.0", "1"),
            ("1-ga-1", "1-1"),
            ("1-a1", "1-alpha-1"),
            ("1.0-CR1", "1.0-rc1"),
            ("1.0.Final", "1.0"),
            ("1.0.0-foo.0.0", "1-foo"),
            ("1.0.0-0.0.0", "1"),
            ("01.002", "1.2"),
        ];
        for (a, b) in equal {
            assert_eq!(v(a).cmp(&v(b)), Ordering::Equal, "{a} = {b}");
        }
    }

    #[test]
    fn whitespace_and_empty_text_are_no_versions() {
        assert!(Version::parse("").is_err());
        assert!(Version::parse("1.0 beta").is_err());
    }
}
