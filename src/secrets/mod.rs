//! Secret scanning: write-ups quote logs and snippets, and a live credential
//! must never reach a published file. The scan covers what a build reads and
//! what it writes:
//!
//! - sources, before anything is rendered: every document (front matter,
//!   body, code blocks), `seckb.yaml` (as written and each value as YAML
//!   reads it), and the theme's and site's templates;
//! - everything the build outputs ([`Watch`], fed by
//!   [`crate::output::Sink`]): each page, list, feed, sitemap, search and
//!   API file as it is made (a gzip-compressed one, as the search index
//!   stores its documents, by its plain text), and the copied files
//!   (attachments, `static/` and theme files) the output holds; binary
//!   files are skipped by their content.
//!
//! Each file is read as written and as its reader sees it ([`reader`]:
//! entities decoded, comments and inline tags dropped, JSON escapes
//! decoded). A finding in a source is reported there; one that only shows in
//! the output (a template or Markdown joined a key, say) is reported at the
//! output file. Findings are masked; a reviewed false positive is allowed by
//! its fingerprint in `secrets.allow`.

mod decode;
mod matching;
pub mod reader;
mod report;
mod rules;
mod watch;

pub use reader::Format;
pub use report::{check_config, check_source, output_errors, Checked, Known};
pub use watch::{Origin, Piecewise, Spotted, Watch};

/// One finding: which rule, where (byte offsets in the scanned bytes as
/// written) and the secret as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub offset: usize,
    /// Where the secret ends, as written (past any markup that split it).
    pub end: usize,
    pub secret: String,
}

/// Finds secrets in plain `text`.
pub fn scan(text: &str) -> Vec<Finding> {
    scan_as(text.as_bytes(), Format::Text)
}

/// Finds secrets in `raw`, read as written and as a reader of `format` sees
/// it; a secret found both ways at one place is one finding.
pub fn scan_as(raw: &[u8], format: Format) -> Vec<Finding> {
    let mut misses = Vec::new();
    let mut found: Vec<Finding> = matching::find_noting(raw, &mut misses)
        .into_iter()
        .map(|h| Finding {
            rule: h.rule,
            offset: h.start,
            end: h.end,
            secret: String::from_utf8_lossy(&raw[h.start..h.end]).into_owned(),
        })
        .collect();
    let mut read = Vec::new();
    match format {
        Format::Text => {}
        // Read where the reader's text can differ (most of a build's output).
        Format::Html | Format::Json => {
            for (from, to) in reader::windows(raw, format, &misses) {
                read_rendered(&raw[from..to], format, from, &found, &mut read);
            }
        }
        Format::Xml | Format::Markdown => read_rendered(raw, format, 0, &found, &mut read),
    }
    if !read.is_empty() {
        found.append(&mut read);
        found.sort_by_key(|f| (f.offset, f.end));
    }
    found
}

/// Adds to `read` what the reader's text of `piece` (at `base` in the
/// scanned bytes) shows and the bytes as written (`found`, in order of
/// offset) did not.
fn read_rendered(
    piece: &[u8],
    format: Format,
    base: usize,
    found: &[Finding],
    read: &mut Vec<Finding>,
) {
    let rendering = reader::render(piece, format, false);
    let Some(text) = rendering.text() else {
        return;
    };
    let hits = matching::find(text);
    if hits.is_empty() {
        return;
    }
    // Rendered again with its map (the same text), now that something is
    // to be located.
    let mapped = reader::render(piece, format, true);
    let Some(text) = mapped.text() else {
        return;
    };
    for hit in hits {
        let (from, to) = mapped.source(hit.start, hit.end);
        let (offset, end) = (base + from, base + to);
        let secret = String::from_utf8_lossy(&text[hit.start..hit.end]).into_owned();
        // The same finding: overlapping, one secret holding the other (the
        // reader's text may run a key on into text a tag ended). Findings
        // as written barely overlap: those ending after `offset` are the
        // last few starting before `end`.
        let same = |f: &Finding| {
            f.offset < end.max(offset + 1)
                && offset < f.end
                && (f.secret.contains(&secret) || secret.contains(&f.secret))
        };
        let before_end = found.partition_point(|f| f.offset < end.max(offset + 1));
        let known = found[..before_end]
            .iter()
            .rev()
            .take_while(|f| f.end > offset)
            .any(same);
        if !known {
            read.push(Finding {
                rule: hit.rule,
                offset,
                end,
                secret,
            });
        }
    }
}

/// Whether a file whose first bytes are `head` (up to 8 KiB) is binary: a
/// NUL byte, or bytes that are not UTF-8 (a character cut at the end of
/// `head` does not count). UTF-16 text counts as binary.
pub fn is_binary(head: &[u8]) -> bool {
    if memchr::memchr(0, head).is_some() {
        return true;
    }
    match std::str::from_utf8(head) {
        Ok(_) => false,
        // `error_len` is None when the text ends inside a character.
        Err(e) => e.error_len().is_some(),
    }
}

/// How much of a file [`is_binary`] looks at.
pub const SNIFF: usize = 8 * 1024;

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

#[cfg(test)]
mod tests;
