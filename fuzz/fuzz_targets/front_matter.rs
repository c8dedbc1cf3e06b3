//! Front matter parsing and validation of one file: decoding (BOM, CRLF,
//! invalid UTF-8, NUL), splitting, YAML, typing, every rule of DESIGN §2, and
//! section `_index.md` front matter.
//!
//! Input: one selector byte (which section the file is in), the file name up
//! to the first newline, then the file's bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seckb::content::{load, validate};
use seckb_fuzz::{check_diagnostics, config, now};
use std::path::PathBuf;
use std::sync::OnceLock;

const SECTIONS: [&str; 4] = ["incidents", "faq", "guides", ""];

fuzz_target!(|data: &[u8]| {
    static CONFIG: OnceLock<seckb::config::Config> = OnceLock::new();
    let config = CONFIG.get_or_init(config);
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (name, bytes) = match rest.iter().position(|&b| b == b'\n') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&b"x"[..], rest),
    };
    let name = String::from_utf8_lossy(name).replace(['/', '\\', '\0'], "_");
    let section = SECTIONS[usize::from(selector) % SECTIONS.len()];
    let path = PathBuf::from("content")
        .join(section)
        .join(format!("{name}.md"));
    let file = match load::decode(&path, bytes.to_vec()) {
        Ok(f) => f,
        Err(d) => {
            let text = String::from_utf8_lossy(bytes);
            check_diagnostics(&[d], &path, &text);
            return;
        }
    };
    let mut found = seckb::diagnostics::Diagnostics::new();
    let doc = validate::document(&file, config, now(), &mut found);
    let diagnostics = found.into_vec();
    check_diagnostics(&diagnostics, &path, &file.text);
    if let Some(doc) = doc.valid() {
        assert!(!diagnostics.iter().any(|d| d.is_error()), "{diagnostics:?}");
        assert!(file.text.is_char_boundary(doc.body_offset));
        assert!(!doc.meta.title.trim().is_empty());
        assert!(
            !doc.slug.is_empty()
                && doc
                    .slug
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "slug `{}`",
            doc.slug
        );
        assert!(doc.path.ends_with('/') && !doc.path.starts_with('/'));
    } else {
        assert!(
            diagnostics.iter().any(|d| d.is_error()),
            "rejected without an error"
        );
    }
    let mut found = seckb::diagnostics::Diagnostics::new();
    validate::section(section, Some(&file), &mut found);
    check_diagnostics(&found.into_vec(), &path, &file.text);
});
