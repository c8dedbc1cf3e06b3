#!/usr/bin/env bash
# Runs every test of seckb: formatting, lints, Rust unit and integration
# tests (actionlint over the workflows among them), the browser tests in
# headless Chromium, the packaged-crate check, and a short run of every fuzz
# target. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# Tests create many files (the hostile suite writes 100,000 documents): on
# tmpfs that takes seconds, on this disk minutes.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  export TMPDIR="${TMPDIR:-/dev/shm}"
fi
cargo fmt --all -- --check
# The workspace: seckb and its benchmark tools (benches/tools).
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo build --locked
cargo test --locked
# The slow cases `cargo test` leaves out (each `#[ignore]` says why).
cargo test --locked -- --ignored
npm test
# The crate as published, built and run outside the repository. After every
# test that runs target/debug/seckb: it builds seckb from the .crate into
# the same target/ (scripts/package-check.sh says why).
bash scripts/package-check.sh
# Fuzz targets (fuzz/README.md): built without optimisation, which compiles
# fastest, and each run for 15 s from five seeds, so they keep compiling and
# shallow bugs surface in CI; long runs are done by hand.
FUZZ_BUILD_FLAGS=--dev FUZZ_SEED_LIMIT=5 bash fuzz/run.sh 15
