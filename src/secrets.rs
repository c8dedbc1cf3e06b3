//! Secret scanning: write-ups quote logs and snippets, and a live credential
//! must never reach a published page. Every document (front matter, body and
//! code blocks) is scanned before anything is written. Findings are masked;
//! a reviewed false positive is allowed by its fingerprint in `secrets.allow`.

use crate::content::SourceFile;
use crate::diagnostics::{Code, Diagnostic, LineIndex};
use rayon::prelude::*;
use regex::Regex;
use std::sync::OnceLock;

/// The kinds of secret recognised, as (name, pattern). Patterns are combined
/// into one regex so each document is scanned in a single pass.
const RULES: &[(&str, &str)] = &[
    (
        "private key block",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
    ),
    (
        "GitHub fine-grained token",
        r"\bgithub_pat_[A-Za-z0-9_]{22,}",
    ),
    ("GitHub token", r"\bgh[pousr]_[A-Za-z0-9]{30,}"),
    ("Stripe live key", r"\b[sr]k_live_[0-9A-Za-z]{20,}"),
    (
        "OpenAI API key",
        r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}",
    ),
    (
        "AWS access key id",
        r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b",
    ),
    ("Slack token", r"\bxox[abposr]-[A-Za-z0-9\-]{10,}"),
    (
        "Slack webhook",
        r"https://hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+",
    ),
    ("Google API key", r"\bAIza[0-9A-Za-z_\-]{35}"),
    (
        "JSON Web Token",
        r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
    ),
    (
        "credential assignment",
        r#"(?i)\b(?:password|passwd|pwd|secret|client_secret|api[_\-]?key|apikey|access[_\-]?token|auth[_\-]?token|token)["']?\s*[:=]\s*["']?([^\s"'`,;<>)\]]{12,})"#,
    ),
];

fn scanner() -> &'static Option<Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    R.get_or_init(|| {
        let alternation: Vec<String> = RULES
            .iter()
            .enumerate()
            .map(|(i, (_, p))| format!("(?P<r{i}>{p})"))
            .collect();
        Regex::new(&alternation.join("|")).ok()
    })
}

/// One finding: which rule, where (byte offset) and the matched secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub offset: usize,
    pub secret: String,
}

/// Shannon entropy in bits per character, to tell random tokens from words.
fn entropy(s: &str) -> f64 {
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

/// Redacted or placeholder values are fine to publish (`sk-...XXXX`).
fn looks_redacted(secret: &str) -> bool {
    let lower = secret.to_ascii_lowercase();
    secret.contains("...")
        || secret.contains('…')
        || lower.contains("xxxx")
        || secret.contains("****")
        || [
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
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// Finds secrets in `text`.
pub fn scan(text: &str) -> Vec<Finding> {
    let Some(re) = scanner() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for caps in re.captures_iter(text) {
        let Some((i, m)) =
            (0..RULES.len()).find_map(|i| caps.name(&format!("r{i}")).map(|m| (i, m)))
        else {
            continue;
        };
        let (rule, _) = RULES[i];
        // For assignments only the value is the secret, and only when it looks random.
        let secret = if rule == "credential assignment" {
            // Group numbers: one named group per rule, then this rule's value group.
            let Some(value) = caps.get(RULES.len() + 1) else {
                continue;
            };
            let v = value.as_str();
            let has_digit = v.chars().any(|c| c.is_ascii_digit());
            if entropy(v) < 3.5 || !has_digit {
                continue;
            }
            value
        } else {
            m
        };
        if looks_redacted(secret.as_str()) {
            continue;
        }
        out.push(Finding {
            rule,
            offset: secret.start(),
            secret: secret.as_str().to_string(),
        });
    }
    out
}

/// A stable fingerprint of a secret (FNV-1a, 64 bits) for `secrets.allow`:
/// lets a reviewed value through without writing it into seckb.yaml.
pub fn fingerprint(secret: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in secret.as_bytes() {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fp:{hash:016x}")
}

/// The secret with all but a short prefix hidden.
pub fn mask(secret: &str) -> String {
    let shown: String = secret
        .chars()
        .take(4.min(secret.chars().count() / 3))
        .collect();
    format!("{shown}… ({} characters)", secret.chars().count())
}

/// Scans every document, reporting each finding not in `allow`.
pub fn scan_all(files: &[SourceFile], allow: &[String]) -> Vec<Diagnostic> {
    files
        .par_iter()
        .flat_map_iter(|file| {
            // One index per file: a file of 100,000 keys is not rescanned per key.
            let lines = LineIndex::new(&file.text);
            scan(&file.text)
                .into_iter()
                .filter(|f| !allow.contains(&fingerprint(&f.secret)))
                .map(|f| {
                    let (line, column) = lines.position(&file.text, f.offset);
                    let mut location = lines.location(&file.path, &file.text, line, column);
                    location.source_line = location.source_line.map(|l| l.replace(&f.secret, &mask(&f.secret)));
                    Diagnostic::error(Code::Secret, format!("possible {} `{}`", f.rule, mask(&f.secret)))
                        .at(location)
                        .help(format!(
                            "revoke it if it is real, and redact it (e.g. `sk-...XXXX`); if it is a reviewed false positive, add `{}` to `secrets.allow` in seckb.yaml",
                            fingerprint(&f.secret)
                        ))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}
