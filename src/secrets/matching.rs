//! Matching the rules: the shapes found in a text, each checked (what
//! precedes it, what it is assigned to, whether it looks random, redacted or
//! like a reference) before it counts as a hit.

use super::rules::matcher;
use super::rules::Before;
use super::rules::Check;
use super::rules::Hit;
use super::rules::Rule;
use super::rules::RULES;
use regex::bytes::Regex;

/// Every shape in `text`, in order of position.
pub(super) fn find(text: &[u8]) -> Vec<Hit> {
    find_noting(text, &mut Vec::new())
}

/// [`find`], noting in `misses` where a shape that may span markup (a key
/// and its value, `Bearer` and its token, a private key header) failed
/// with markup (`<`, `&`, `\\`) in its way: the reader's text may show it
/// whole there ([`super::reader::windows`]).
pub(super) fn find_noting(text: &[u8], misses: &mut Vec<usize>) -> Vec<Hit> {
    let Some(m) = matcher() else {
        return Vec::new();
    };
    let mut hits: Vec<Hit> = Vec::new();
    // Anchors inside a specific match belong to it; inside an assignment's
    // value they may start a specific shape, which then replaces it.
    let mut covered = 0;
    // Per rule, where the bytes it last read end: it is not tried again
    // before, so `eyJeyJeyJ…` or `sk-sk-sk-…` is read once, not once per
    // anchor (quadratic).
    let mut read = vec![0usize; RULES.len()];
    for anchor in m.anchors.find_iter(text) {
        let index = anchor.pattern().as_usize();
        let Some(at) = anchor.start().checked_sub(m.back[index]) else {
            continue;
        };
        if at < covered {
            continue;
        }
        for &r in &m.rules_of[index] {
            if at < read[r] {
                continue;
            }
            let (tried, until) = try_rule(&RULES[r], &m.patterns[r], text, at, anchor.end());
            read[r] = until.max(at + 1);
            match tried {
                Tried::Hit(hit) => {
                    covered = if hit.generic {
                        hit.start
                    } else {
                        hit.whole_end
                    };
                    hits.push(hit);
                    break;
                }
                Tried::Miss => {
                    if misses.last() != Some(&at) {
                        misses.push(at);
                    }
                }
                Tried::Nothing => {}
            }
        }
    }
    if hits.iter().any(|h| h.generic) {
        drop_shadowed(hits)
    } else {
        hits
    }
}

/// Drops a generic match (a key and its value) that overlaps a specific
/// shape (`token: ghp_…` is a GitHub token) or an earlier generic match
/// (`api_key=a_token=…` is one finding).
pub(super) fn drop_shadowed(hits: Vec<Hit>) -> Vec<Hit> {
    let specific: Vec<(usize, usize)> = hits
        .iter()
        .filter(|h| !h.generic)
        .map(|h| (h.start, h.end))
        .collect();
    let overlaps = |h: &Hit, (s, e): (usize, usize)| s < h.end && h.start < e;
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for hit in hits {
        let shadowed = hit.generic
            && (specific.iter().any(|&span| overlaps(&hit, span))
                || kept
                    .iter()
                    .any(|k| k.generic && overlaps(&hit, (k.start, k.end))));
        if !shadowed {
            kept.push(hit);
        }
    }
    kept
}

/// Where a key name whose anchor ends at `from` is assigned a value.
pub(super) enum Assigned {
    /// Prose: no separator follows.
    No,
    /// Markup (a tag, a reference, an escape) stands where the separator
    /// would.
    Markup,
    /// The value starts here, past the separator, spaces and a quote.
    At(usize),
}

/// Whether markup starts at `i`: what the reader's text may remove.
pub(super) fn markup_at(text: &[u8], i: usize) -> bool {
    matches!(text.get(i), Some(b'<' | b'&' | b'\\'))
}

/// The rest of the key name (with spaces where `spaced`, as in `AWS Secret
/// Access Key`), a closing quote, spaces, then `:`, `=`, `:=` or `=>`.
/// Most `password`s and `token`s of a security write-up are prose and end
/// here, before the regex runs (a loose test: the regex decides).
pub(super) fn assignment(text: &[u8], from: usize, spaced: bool) -> Assigned {
    let limit = text.len().min(from + 32);
    let mut i = from;
    while i < limit
        && (text[i].is_ascii_alphabetic()
            || matches!(text[i], b'_' | b'-')
            || (spaced && text[i] == b' '))
    {
        i += 1;
    }
    // `aws configure`'s `AWS Secret Access Key [****ABCD]:`
    if text.get(i) == Some(&b'[') {
        let end = text.len().min(i + 42);
        match memchr::memchr(b']', &text[i..end]) {
            Some(close) => i += close + 1,
            None => return Assigned::No,
        }
    }
    if matches!(text.get(i), Some(b'"' | b'\'')) {
        i += 1;
    }
    let skip_space = |mut i: usize| {
        while text.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    i = skip_space(i);
    match text.get(i) {
        Some(b':' | b'=') => {
            i += 1;
            if matches!(text.get(i), Some(b'=' | b'>')) {
                i += 1;
            }
            i = skip_space(i);
            if matches!(text.get(i), Some(b'"' | b'\'')) {
                i += 1;
            }
            Assigned::At(i)
        }
        _ if markup_at(text, i) => Assigned::Markup,
        _ => Assigned::No,
    }
}

/// What trying a shape at an anchor found.
pub(super) enum Tried {
    Hit(Hit),
    /// Not here as written, but markup is in the way ([`find_noting`]).
    Miss,
    Nothing,
}

/// The shape `rule` at `at` (its anchor ends at `anchor_end`), if it is
/// there and passes its checks, and where the bytes read end.
pub(super) fn try_rule(
    rule: &Rule,
    pattern: &Regex,
    text: &[u8],
    at: usize,
    anchor_end: usize,
) -> (Tried, usize) {
    if !rule.before.allows(text, at) {
        return (Tried::Nothing, at);
    }
    // Where markup would hide a value: a shape failing on the bytes as
    // written with markup there is a miss.
    let value_at = match rule.before {
        Before::Key => match assignment(text, anchor_end, rule.name == "AWS secret access key") {
            Assigned::At(i) => Some(i),
            Assigned::Markup => return (Tried::Miss, at),
            Assigned::No => return (Tried::Nothing, at),
        },
        // `Bearer` and its token, or prose.
        _ if rule.generic => {
            if !text.get(anchor_end).is_some_and(u8::is_ascii_whitespace) {
                return (Tried::Nothing, at);
            }
            Some(anchor_end + 1)
        }
        _ => None,
    };
    let missed = || {
        let markup = match (value_at, rule.before) {
            (Some(i), _) => (i..i + 8).any(|i| markup_at(text, i)),
            // A private key header split by markup.
            (None, Before::Any) => (at..at + 48).any(|i| markup_at(text, i)),
            (None, _) => false,
        };
        if markup {
            Tried::Miss
        } else {
            Tried::Nothing
        }
    };
    match check(rule, pattern, text, at) {
        Ok(hit) => {
            let until = hit.whole_end;
            (Tried::Hit(hit), until)
        }
        Err(until) => (missed(), until),
    }
}

/// The longest a shape is read: a longer key is cut here (and a page of
/// one repeated anchor costs this much per anchor at most).
pub(super) const LONGEST: usize = 64 * 1024;

/// The shape `rule` matched at `at` and passing its checks, or where the
/// bytes it read end: a match failing its checks, or the run of key
/// characters the regex read before it failed.
pub(super) fn check(rule: &Rule, pattern: &Regex, text: &[u8], at: usize) -> Result<Hit, usize> {
    let hay = &text[at..text.len().min(at + LONGEST)];
    let Some(caps) = pattern.captures(hay) else {
        let run = hay
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')))
            .unwrap_or(hay.len());
        return Err(at + run);
    };
    let Some(whole) = caps.get(0) else {
        return Err(at + 1);
    };
    let failed = Err(at + whole.end());
    let secret = caps.get(1).unwrap_or(whole);
    let mut start = at + secret.start();
    let end = at + secret.end();
    let Ok(value) = std::str::from_utf8(&text[start..end]) else {
        return failed;
    };
    let passes = match rule.check {
        Check::Shape => true,
        Check::Random => looks_random(value),
        Check::Token => {
            let body = value.split_once(['-', '_']).map_or(value, |(_, b)| b);
            entropy(body) >= 3.0
                && body
                    .bytes()
                    .any(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        }
        Check::Assigned => {
            entropy(value) >= 3.5
                && value.bytes().any(|b| b.is_ascii_digit())
                && !looks_like_reference(value)
        }
    };
    if !passes || looks_redacted(value) {
        return failed;
    }
    if let Some(lead) = rule.lead {
        if text[..start].ends_with(lead.as_bytes()) {
            start -= lead.len();
        }
    }
    Ok(Hit {
        rule: rule.name,
        start,
        end,
        whole_end: at + whole.end(),
        generic: rule.generic,
    })
}

/// Shannon entropy in bits per character, to tell random tokens from words.
pub(super) fn entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let n = s.chars().count() as f64;
    counts
        .values()
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Whether a token looks machine-made rather than written: not repetitive,
/// and letters with digits (a random token of 16 or more characters all but
/// always has a digit), or both cases over 32 or more characters. Hyphenated
/// words after a prefix (`sk-learn-pipeline-…`) fail it.
pub(super) fn looks_random(s: &str) -> bool {
    let digit = s.bytes().any(|b| b.is_ascii_digit());
    let upper = s.bytes().any(|b| b.is_ascii_uppercase());
    let lower = s.bytes().any(|b| b.is_ascii_lowercase());
    entropy(s) >= 3.0 && ((digit && (upper || lower)) || (upper && lower && s.len() >= 32))
}

/// A file path, URL or piece of code assigned to a key
/// (`PWD=/home/ci/build-2024`, `token_url=https://…`, `secret:
/// String::from_utf8(…)`): a reference to a value, not a credential.
pub(super) fn looks_like_reference(value: &str) -> bool {
    value.starts_with(['/', '~', '.']) || ["://", "::", "(", "->"].iter().any(|w| value.contains(w))
}

/// Redacted values and placeholders are fine to publish: `sk-...XXXX`,
/// `<your-token>`, `${TOKEN}`, `$DB_PASSWORD`, AWS's `…EXAMPLE` keys.
pub(super) fn looks_redacted(secret: &str) -> bool {
    let lower = secret.to_ascii_lowercase();
    secret.contains("...")
        || secret.contains('…')
        || secret.contains("****")
        || secret.starts_with(['$', '%', '{'])
        || [
            "xxxx",
            "example",
            "placeholder",
            "redacted",
            "changeme",
            "your_",
            "your-",
            "dummy",
            "<",
            "${",
            "{{",
            "12345678",
            "abcdefgh",
        ]
        .iter()
        .any(|w| lower.contains(w))
}
