//! `seckb.yaml` parsing and validation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seckb_fuzz::check_diagnostics;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match seckb::config::parse(Path::new("."), &text) {
        Ok(config) => {
            assert!(config.base_url.ends_with('/'), "{}", config.base_url);
            let base = config.base_path();
            assert!(base.starts_with('/') && base.ends_with('/'), "{base}");
        }
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty());
            check_diagnostics(&diagnostics, Path::new("seckb.yaml"), &text);
        }
    }
});
