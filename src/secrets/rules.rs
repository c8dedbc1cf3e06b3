//! The shapes of secret the scan knows, and the matcher that finds them.
//!
//! Every shape holds a literal anchor near its start (`AKIA`, `ghp_`,
//! `assw` of `password`, `earer` of `Bearer` …). One Aho-Corasick automaton
//! finds the anchors of every shape in a single pass over the text; only at
//! an anchor is the shape's own regex tried, anchored at the shape's start.
//! The automaton must stay fast over a build's whole output (some 370 MB at
//! 10,000 documents), which decides the anchors: matched case-sensitively
//! (a case-insensitive automaton has no SIMD prefilter), and at most 32 of
//! them (more need the slower "fat" prefilter; figures: benches/README.md,
//! "Figures behind the code"), whose first three bytes are rare in HTML (`ssw` of `password`,
//! not `ass` as in every `class=`). A key name is anchored past its first
//! letter, so one spelling finds `token`, `Token` and `accessToken`, and a
//! second `TOKEN`.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::bytes::Regex;
use std::sync::OnceLock;

/// What may stand right before a shape's anchor.
#[derive(Debug, Clone, Copy)]
pub(super) enum Before {
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
pub(super) enum Check {
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
pub(super) struct Rule {
    pub(super) name: &'static str,
    /// Literal text every match holds near its start, as written. Text
    /// before a `|` is part of the match, before the literal, in any case
    /// (`t|oken`: the match starts a byte before `oken`).
    pub(super) anchors: &'static [&'static str],
    /// Matched anchored at an anchor. Group 1, when the pattern has one, is
    /// the secret; otherwise the whole match is.
    pub(super) pattern: &'static str,
    pub(super) before: Before,
    pub(super) check: Check,
    /// Text right before the anchor that belongs to the secret when present
    /// (the scheme of a Slack webhook URL), so fingerprints name the URL.
    pub(super) lead: Option<&'static str>,
    /// A key and its value (`token: …`, `Bearer …`): a specific shape found
    /// in the value (`token: ghp_…`) names the finding instead.
    pub(super) generic: bool,
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
pub(super) const RULES: &[Rule] = &[
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
pub(super) struct Hit {
    pub rule: &'static str,
    pub start: usize,
    pub end: usize,
    /// Where the whole match ends; anchors before it belong to this match.
    pub whole_end: usize,
    /// Whether the rule is a generic assignment, which a specific shape
    /// found inside its value replaces.
    pub generic: bool,
}

pub(super) struct Matcher {
    pub(super) anchors: AhoCorasick,
    /// For each anchor pattern, the rules it starts, most specific first,
    /// and how many bytes before it the match starts.
    pub(super) rules_of: Vec<Vec<usize>>,
    pub(super) back: Vec<usize>,
    pub(super) patterns: Vec<Regex>,
}

pub(super) fn matcher() -> Option<&'static Matcher> {
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
pub(crate) fn ready() -> bool {
    matcher().is_some()
}

/// How many anchors the automaton looks for: up to 32 it runs with its
/// fastest SIMD prefilter (slim Teddy).
#[cfg(test)]
pub(crate) fn anchor_count() -> usize {
    matcher().map_or(0, |m| m.anchors.patterns_len())
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Before {
    pub(super) fn allows(self, text: &[u8], at: usize) -> bool {
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
