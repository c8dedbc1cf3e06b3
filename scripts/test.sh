#!/usr/bin/env bash
# Runs every test of seckb: formatting, lints, Rust unit and integration
# tests, and the browser tests in headless Chromium. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# Tests create many files (the hostile suite writes 100,000 documents): on
# tmpfs that takes seconds, on this disk minutes.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  export TMPDIR="${TMPDIR:-/dev/shm}"
fi
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo build --locked
cargo test --locked
npm test
