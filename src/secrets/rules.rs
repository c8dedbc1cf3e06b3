//! The shapes of secret the scan knows, and the matcher that finds them.
//!
//! Every shape holds a literal anchor near its start (`AKIA`, `ghp_`,
//! `assw` of `password`, `earer` of `Bearer` …). One Aho-Corasick automaton
//! finds the anchors of every shape in a single pass over the text; only at
//! an anchor is the shape's own regex tried, anchored at the shape's start.
//! The automaton must stay fast over a build's whole output (some 370 MB at
//! 10,000 documents), which decides the anchors: matched case-sensitively
//! (a case-insensitive automaton has no SIMD prefilter, and was 3.5 times
//! slower), and at most 32 of them (more need the "fat" prefilter, half as
//! fast), whose first three bytes are rare in HTML (`ssw` of `password`,
//! not `ass` as in every `class=`). A key name is anchored past its first
//! letter, so one spelling finds `token`, `Token` and `accessToken`, and a
//! second `TOKEN`.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::bytes::Regex;
use std::sync::OnceLock;

/// What may stand right before a shape's anchor.
#[derive(Debug, Clone, Copy)]
enum Before {
    /// Anything (the anchor is punctuation: `-----BEGIN `).
    Any,
    /// Not a letter, digit or `_`: a token starts a word (`AKIA…`, `ghp_…`).
    Word,
    /// A key name: not a letter or digit, so `db_password` and `AWS_SECRET…`
    /// count and `mypassword` does not, except at a camelCase hump
    /// (`dbPassword`, `clientSecret`) and in `accesstoken` and `authtoken`.
    Key,
}

/// What a match must look like besides its pattern, to tell a live
/// credential from prose, identifiers and documentation.
#[derive(Debug, Clone, Copy)]
enum Check {
    /// The pattern is specific enough.
    Shape,
    /// The secret looks machine-made ([`looks_random`]).
    Random,
    /// After a distinctive prefix (`glpat-`, `npm_`), the rest is not a
    /// lower-case word or a run of one character: it has a digit or a
    /// capital, and some variety.
    Token,
    /// An assigned value: random-looking text with a digit (`password=` is
    /// often followed by a word, a path or a variable).
    Assigned,
}

/// One shape of secret.
struct Rule {
    name: &'static str,
    /// Literal text every match holds near its start, as written. Text
    /// before a `|` is part of the match, before the literal, in any case
    /// (`t|oken`: the match starts a byte before `oken`).
    anchors: &'static [&'static str],
    /// Matched anchored at an anchor. Group 1, when the pattern has one, is
    /// the secret; otherwise the whole match is.
    pattern: &'static str,
    before: Before,
    check: Check,
    /// Text right before the anchor that belongs to the secret when present
    /// (the scheme of a Slack webhook URL), so fingerprints name the URL.
    lead: Option<&'static str>,
    /// A key and its value (`token: …`, `Bearer …`): a specific shape found
    /// in the value (`token: ghp_…`) names the finding instead.
    generic: bool,
}

/// Separators between a key and its value: `=`, `:`, `:=`, `=>`, with
/// optional quotes around the key's end and the value's start.
macro_rules! assign {
    () => {
        r#"["']?\s*(?::=|=>|[:=])\s*["']?"#
    };
}

/// The shapes, most specific first: where shapes overlap (a GitHub token
/// assigned to `token:`), the specific one names the finding.
const RULES: &[Rule] = &[
    Rule {
        name: "private key block",
        anchors: &["-----BEGIN "],
        pattern: r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
        before: Before::Any,
        check: Check::Shape,
        lead: None,
        generic: false,
    },
    Rule {
        name: "GitHub fine-grained token",
        anchors: &["github_pat_"],
        pattern: r"github_pat_[A-Za-z0-9_]{22,}",
        before: Before::Word,
        check: Check::Shape,
        lead: None,
        generic: false,
    },
    Rule {
        name: "GitHub token",
        anchors: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        pattern: r"gh[pousr]_[A-Za-z0-9]{30,}",
        before: Before::Word,
        check: Check::Shape,
        lead: None,
        generic: false,
    },
    Rule {
        name: "GitLab token",
        anchors: &["glpat-"],
        pattern: r"glpat-[A-Za-z0-9_\-]{20,}(?:\.[0-9a-z]{2}\.[0-9a-z]{7,9})?",
        before: Before::Word,
        check: Check::Token,
        lead: None,
        generic: false,
    },
    Rule {
        name: "npm token",
        anchors: &["npm_"],
        pattern: r"(npm_[A-Za-z0-9]{36})(?:[^A-Za-z0-9_]|$)",
        before: Before::Word,
        check: Check::Token,
        lead: None,
        generic: false,
    },
    Rule {
        name: "Stripe live key",
        anchors: &["s|k_live_"],
        pattern: r"[sr]k_live_[0-9A-Za-z]{20,}",
        before: Before::Word,
        check: Check::Shape,
        lead: None,
        generic: false,
    },
    Rule {
        name: "OpenAI API key",
        anchors: &["sk-"],
        pattern: r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}",
        before: Before::Word,
        check: Check::Random,
        lead: None,
        generic: false,
    },
    Rule {
        name: "AWS access key id",
        anchors: &["AKIA", "ASIA", "ABIA", "ACCA"],
        pattern: r"(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b",
        before: Before::Word,
        check: Check::Shape,
        lead: None,
        generic: false,
    },
    Rule {
        name: "Slack token",
        anchors: &["xox"],
        pattern: r"xox[abposr]-[A-Za-z0-9\-]{10,}",
        before: Before::Word,
        check: Check::Shape,
        lead: None,
        generic: false,
    },
    Rule {
        name: "Slack webhook",
        anchors: &["hooks.slack.com/services/"],
        pattern: r"hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+",
        before: Before::Any,
        check: Check::Shape,
        lead: Some("https://"),
        generic: false,
    },
    Rule {
        name: "Google API key",
        anchors: &["AIza"],
        pattern: r"AIza[0-9A-Za-z_\-]{35}",
        before: Before::Word,
        check: Check::Shape,
        lead: None,
        generic: false,
    },
    Rule {
        name: "JSON Web Token",
        anchors: &["eyJ"],
        pattern: r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
        before: Before::Word,
        check: Check::Shape,
        lead: None,
        generic: false,
    },
    Rule {
        name: "AWS secret access key",
        anchors: &["s|ecret", "S|ECRET"],
        // `aws_secret_access_key = …`, `AWS_SECRET_ACCESS_KEY=…`,
        // `"SecretAccessKey": "…"`, and `aws configure`'s prompt
        // `AWS Secret Access Key [None]: …`: exactly 40 base64 characters.
        pattern: concat!(
            r"(?i:secret[_\-. ]?access[_\-. ]?key)(?:\s*\[[^\]\n]{0,40}\])?",
            assign!(),
            r"([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"
        ),
        before: Before::Key,
        check: Check::Random,
        lead: None,
        generic: false,
    },
    Rule {
        name: "bearer token",
        anchors: &["b|earer"],
        // `Authorization: Bearer …` (RFC 6750 token characters).
        pattern: r"(?i:bearer)\s+([A-Za-z0-9\-._~+/]{16,}=*)",
        before: Before::Word,
        check: Check::Random,
        lead: None,
        generic: true,
    },
    Rule {
        name: "credential assignment",
        anchors: &[
            "pa|ssw", "PA|SSW", "s|ecret", "S|ECRET", "t|oken", "T|OKEN", "pwd", "PWD", "api",
            "API", "Api",
        ],
        pattern: concat!(
            r"(?i:password|passwd|pwd|secret(?:[_\-]?(?:access[_\-]?)?key(?:[_\-]?base)?)?",
            r"|api[_\-]?key|token)",
            assign!(),
            r#"([^\s&"'`,;<>)\]]{12,})"#
        ),
        before: Before::Key,
        check: Check::Assigned,
        lead: None,
        generic: true,
    },
];

/// A shape matched in a text: byte offsets of the secret, and of the whole
/// match (key and separator included, for assignments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub rule: &'static str,
    pub start: usize,
    pub end: usize,
    /// Where the whole match ends; anchors before it belong to this match.
    pub whole_end: usize,
    /// Whether the rule is a generic assignment, which a specific shape
    /// found inside its value replaces.
    pub generic: bool,
}

struct Matcher {
    anchors: AhoCorasick,
    /// For each anchor pattern, the rules it starts, most specific first,
    /// and how many bytes before it the match starts.
    rules_of: Vec<Vec<usize>>,
    back: Vec<usize>,
    patterns: Vec<Regex>,
}

fn matcher() -> Option<&'static Matcher> {
    static M: OnceLock<Option<Matcher>> = OnceLock::new();
    M.get_or_init(build).as_ref()
}

/// Compiles the rules; None only if a constant pattern is wrong, which the
/// unit tests rule out.
fn build() -> Option<Matcher> {
    let mut anchors: Vec<&str> = Vec::new();
    let mut rules_of: Vec<Vec<usize>> = Vec::new();
    let mut back = Vec::new();
    for (r, rule) in RULES.iter().enumerate() {
        for anchor in rule.anchors {
            let (before, literal) = anchor.split_once('|').unwrap_or(("", anchor));
            match anchors.iter().position(|a| *a == literal) {
                Some(i) => rules_of[i].push(r),
                None => {
                    anchors.push(literal);
                    rules_of.push(vec![r]);
                    back.push(before.len());
                }
            }
        }
    }
    let automaton = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&anchors)
        .ok()?;
    let patterns = RULES
        .iter()
        .map(|rule| Regex::new(&format!("^(?-u:{})", rule.pattern)).ok())
        .collect::<Option<Vec<_>>>()?;
    Some(Matcher {
        anchors: automaton,
        rules_of,
        back,
        patterns,
    })
}

/// Whether the rules compile (checked by the tests: a broken pattern would
/// silently disable the scan).
#[cfg(test)]
pub fn ready() -> bool {
    matcher().is_some()
}

/// How many anchors the automaton looks for: up to 32 it runs with its
/// fastest SIMD prefilter (slim Teddy).
#[cfg(test)]
pub fn anchor_count() -> usize {
    matcher().map_or(0, |m| m.anchors.patterns_len())
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Before {
    fn allows(self, text: &[u8], at: usize) -> bool {
        let Some(&prev) = at.checked_sub(1).and_then(|i| text.get(i)) else {
            return true;
        };
        match self {
            Before::Any => true,
            Before::Word => !is_word(prev),
            Before::Key => {
                let glued = |word: &str| {
                    at >= word.len()
                        && text[at - word.len()..at].eq_ignore_ascii_case(word.as_bytes())
                };
                !prev.is_ascii_alphanumeric()
                    || (!prev.is_ascii_uppercase()
                        && text.get(at).is_some_and(u8::is_ascii_uppercase))
                    || glued("access")
                    || glued("auth")
            }
        }
    }
}

/// Every shape in `text`, in order of position.
pub fn find(text: &[u8]) -> Vec<Hit> {
    find_noting(text, &mut Vec::new())
}

/// [`find`], noting in `misses` where a shape that may span markup (a key
/// and its value, `Bearer` and its token, a private key header) failed
/// with markup (`<`, `&`, `\\`) in its way: the reader's text may show it
/// whole there ([`super::reader::windows`]).
pub fn find_noting(text: &[u8], misses: &mut Vec<usize>) -> Vec<Hit> {
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
fn drop_shadowed(hits: Vec<Hit>) -> Vec<Hit> {
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
enum Assigned {
    /// Prose: no separator follows.
    No,
    /// Markup (a tag, a reference, an escape) stands where the separator
    /// would.
    Markup,
    /// The value starts here, past the separator, spaces and a quote.
    At(usize),
}

/// Whether markup starts at `i`: what the reader's text may remove.
fn markup_at(text: &[u8], i: usize) -> bool {
    matches!(text.get(i), Some(b'<' | b'&' | b'\\'))
}

/// The rest of the key name (with spaces where `spaced`, as in `AWS Secret
/// Access Key`), a closing quote, spaces, then `:`, `=`, `:=` or `=>`.
/// Most `password`s and `token`s of a security write-up are prose and end
/// here, before the regex runs (a loose test: the regex decides).
fn assignment(text: &[u8], from: usize, spaced: bool) -> Assigned {
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
enum Tried {
    Hit(Hit),
    /// Not here as written, but markup is in the way ([`find_noting`]).
    Miss,
    Nothing,
}

/// The shape `rule` at `at` (its anchor ends at `anchor_end`), if it is
/// there and passes its checks, and where the bytes read end.
fn try_rule(
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
const LONGEST: usize = 64 * 1024;

/// The shape `rule` matched at `at` and passing its checks, or where the
/// bytes it read end: a match failing its checks, or the run of key
/// characters the regex read before it failed.
fn check(rule: &Rule, pattern: &Regex, text: &[u8], at: usize) -> Result<Hit, usize> {
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
pub fn entropy(s: &str) -> f64 {
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
fn looks_random(s: &str) -> bool {
    let digit = s.bytes().any(|b| b.is_ascii_digit());
    let upper = s.bytes().any(|b| b.is_ascii_uppercase());
    let lower = s.bytes().any(|b| b.is_ascii_lowercase());
    entropy(s) >= 3.0 && ((digit && (upper || lower)) || (upper && lower && s.len() >= 32))
}

/// A file path, URL or piece of code assigned to a key
/// (`PWD=/home/ci/build-2024`, `token_url=https://…`, `secret:
/// String::from_utf8(…)`): a reference to a value, not a credential.
fn looks_like_reference(value: &str) -> bool {
    value.starts_with(['/', '~', '.']) || ["://", "::", "(", "->"].iter().any(|w| value.contains(w))
}

/// Redacted values and placeholders are fine to publish: `sk-...XXXX`,
/// `<your-token>`, `${TOKEN}`, `$DB_PASSWORD`, AWS's `…EXAMPLE` keys.
fn looks_redacted(secret: &str) -> bool {
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
