//! `seckb.yaml` parsing and validation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seckb_fuzz::check_diagnostics;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut found = seckb::diagnostics::Diagnostics::new();
    match seckb::config::parse(Path::new("."), &text, &mut found) {
        Some(config) => {
            assert!(!found.has_errors(), "{found:?}");
            assert!(config.base_url.ends_with('/'), "{}", config.base_url);
            let base = config.base_path();
            assert!(base.starts_with('/') && base.ends_with('/'), "{base}");
        }
        None => {
            assert!(found.has_errors(), "rejected without an error");
            check_diagnostics(&found.into_vec(), Path::new("seckb.yaml"), &text);
        }
    }
});
