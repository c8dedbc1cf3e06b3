//! The search tokenizer. `themes/default/static/search.js` carries a line-for-line
//! twin of it, because a query only finds what the index spelled the same way;
//! `tests/fixtures/tokenizer-cases.json` holds the cases both must agree on.
//!
//! Text is folded one character at a time: compatibility decomposition (NFKD,
//! so `ﬁ` is `fi` and full-width `ＣＶＥ` is `cve`), lower case, combining marks
//! dropped (`é` → `e`), and a few letters without a decomposition spelt out
//! (`ß` → `ss`). A word is a run of letters and digits. Words joined by one
//! connector (`-` `_` `.` `/` `:` `@` `+` `'` `’`) form an identifier such as
//! `cve-2026-12345`, `sk-proj`, `v2.3.1` or `example.com`, which is kept whole
//! and also split into its words, so both `CVE-2026-12345` and `12345` find it.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Longest token indexed, in characters; longer runs (hashes, base64 blobs)
/// are left out whole, their parts still count.
pub const MAX_TOKEN_CHARS: usize = 64;

/// A term of the index, with where it came from in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The folded term.
    pub text: String,
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
    /// What the token is within its word.
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A word with no connector in it (`metricly`).
    Word,
    /// An identifier kept whole (`cve-2026-12345`).
    Whole,
    /// One word of an identifier (`cve`, `2026`, `12345`).
    Part,
}

/// Characters that join words into one identifier when they stand between two
/// letters or digits.
fn is_connector(c: char) -> bool {
    matches!(
        c,
        '-' | '_' | '.' | '/' | ':' | '@' | '+' | '\'' | '\u{2019}'
    )
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Letters that neither lower-casing nor NFKD reduce to plain letters.
fn spell_out(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ø' => "o",
        'đ' => "d",
        'ð' => "d",
        'ł' => "l",
        'ı' => "i",
        'þ' => "th",
        'ς' => "σ",
        _ => return None,
    })
}

/// Folds one character: NFKD, lower case, combining marks dropped, spelt out.
pub fn fold_char(c: char, out: &mut String) {
    for d in c.nfkd() {
        for l in d.to_lowercase() {
            if is_combining_mark(l) {
                continue;
            }
            match spell_out(l) {
                Some(s) => out.push_str(s),
                None => out.push(l),
            }
        }
    }
}

/// Folds a whole string (case, diacritics, compatibility forms).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Text folded for scanning: the folded string, each folded character's byte
/// offset in it, and (for text that is not pure ASCII) the byte range of the
/// original character each folded character came from.
struct Folded {
    text: String,
    chars: Vec<(usize, char)>,
    /// Empty for ASCII text, where folded and original offsets are the same.
    origin: Vec<(usize, usize)>,
}

impl Folded {
    fn new(text: &str) -> Folded {
        let mut folded = String::with_capacity(text.len());
        let mut origin = Vec::new();
        if text.is_ascii() {
            // Most text: NFKD and the marks do not apply.
            folded.push_str(text);
            folded.make_ascii_lowercase();
        } else {
            for (start, c) in text.char_indices() {
                let end = start + c.len_utf8();
                let before = folded.len();
                if c.is_ascii() {
                    folded.push(c.to_ascii_lowercase());
                } else {
                    fold_char(c, &mut folded);
                }
                let added = folded[before..].chars().count();
                origin.extend(std::iter::repeat_n((start, end), added));
            }
        }
        let chars = folded.char_indices().collect();
        Folded {
            text: folded,
            chars,
            origin,
        }
    }

    fn is_word(&self, i: usize) -> bool {
        is_word_char(self.chars[i].1)
    }

    /// Byte offset in the folded text where character `i` starts.
    fn byte(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.text.len(), |c| c.0)
    }

    /// Byte range in the original text of folded characters `from..to`.
    fn span(&self, from: usize, to: usize) -> (usize, usize) {
        if self.origin.is_empty() {
            (self.byte(from), self.byte(to))
        } else {
            (self.origin[from].0, self.origin[to - 1].1)
        }
    }
}

/// Calls `each(term, role, start, end)` for every term of `text` in order
/// (see `tokenize`), without allocating a string per term.
pub fn each_token(text: &str, mut each: impl FnMut(&str, Role, usize, usize)) {
    let f = Folded::new(text);
    let n = f.chars.len();
    let mut emit = |from: usize, to: usize, role: Role| {
        if to - from > MAX_TOKEN_CHARS {
            return;
        }
        let (start, end) = f.span(from, to);
        each(&f.text[f.byte(from)..f.byte(to)], role, start, end);
    };
    let mut parts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < n {
        if !f.is_word(i) {
            i += 1;
            continue;
        }
        // One identifier: runs of word characters joined by single connectors.
        parts.clear();
        let mut run_start = i;
        loop {
            let mut j = run_start;
            while j < n && f.is_word(j) {
                j += 1;
            }
            parts.push((run_start, j));
            let joined = j + 1 < n && is_connector(f.chars[j].1) && f.is_word(j + 1);
            if !joined {
                i = j;
                break;
            }
            run_start = j + 1;
        }
        if parts.len() == 1 {
            emit(parts[0].0, parts[0].1, Role::Word);
        } else {
            emit(parts[0].0, i, Role::Whole);
            for &(from, to) in &parts {
                emit(from, to, Role::Part);
            }
        }
    }
}

/// Splits text into search terms: each word, and each identifier whole and as
/// its words, in the order they appear.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    each_token(text, |term, role, start, end| {
        tokens.push(Token {
            text: term.to_string(),
            start,
            end,
            role,
        })
    });
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn identifiers_are_kept_whole_and_split() {
        assert_eq!(
            terms("See CVE-2026-12345."),
            ["see", "cve-2026-12345", "cve", "2026", "12345"]
        );
        assert_eq!(
            terms("INC-2026-0042"),
            ["inc-2026-0042", "inc", "2026", "0042"]
        );
        assert_eq!(terms("`sk-proj-…` keys"), ["sk-proj", "sk", "proj", "keys"]);
        assert_eq!(terms("v2.3.1"), ["v2.3.1", "v2", "3", "1"]);
        assert_eq!(terms("example.com."), ["example.com", "example", "com"]);
    }

    #[test]
    fn case_diacritics_and_compatibility_forms_fold() {
        assert_eq!(terms("Café ÉLAN Straße"), ["cafe", "elan", "strasse"]);
        assert_eq!(terms("ＣＶＥ ﬁle İstanbul"), ["cve", "file", "istanbul"]);
        assert_eq!(fold("ΟΔΥΣΣΕΥΣ"), "οδυσσευσ");
    }

    #[test]
    fn connectors_join_only_between_words() {
        assert_eq!(terms("a -- b"), ["a", "b"]);
        assert_eq!(terms("https://x.example/a"), {
            ["https", "x.example/a", "x", "example", "a"]
        });
        assert_eq!(terms("-lead trail-"), ["lead", "trail"]);
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Ünïcode CVE-2026-1";
        let t = tokenize(text);
        assert_eq!(&text[t[0].start..t[0].end], "Ünïcode");
        assert_eq!(&text[t[1].start..t[1].end], "CVE-2026-1");
        assert_eq!(t[1].role, Role::Whole);
        assert_eq!(t[2].role, Role::Part);
    }

    #[test]
    fn overlong_tokens_are_left_out() {
        let long = "a".repeat(MAX_TOKEN_CHARS + 1);
        assert!(terms(&long).is_empty());
        let joined = format!("{long}-b");
        assert_eq!(terms(&joined), ["b"]);
    }
}
