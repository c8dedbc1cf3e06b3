#!/usr/bin/env bash
# Runs every test of seckb: formatting, lints, Rust unit and integration
# tests (actionlint over the workflows among them), the browser tests in
# headless Chromium, the packaged-crate check, and a short run of every fuzz
# target. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step's wall time, printed as it ends and again at the end, so a slow
# CI run says where its time went.
timings=()
step() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  timings+=("$(printf '%5ds  %s' $((SECONDS - start)) "$name")")
  echo "test.sh: $name took $((SECONDS - start)) s"
}
fuzz=""
finish() {
  # A failed step ends the run: the fuzz job in the background goes with it.
  if [ -n "$fuzz" ] && kill -0 "$fuzz" 2>/dev/null; then
    pkill -TERM -P "$fuzz" 2>/dev/null || true
    kill "$fuzz" 2>/dev/null || true
  fi
  printf "test.sh: step times\n"
  printf "  %s\n" "${timings[@]}"
}
trap finish EXIT

step setup bash scripts/setup.sh
# Tests create many files (the hostile suite writes 100,000 documents): on
# tmpfs that takes seconds, on this disk minutes.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  export TMPDIR="${TMPDIR:-/dev/shm}"
fi
# A CI run compiles everything once: incremental caches would only cost time
# and disk there (a developer's repeated runs keep them).
if [ -n "${CI:-}" ]; then
  export CARGO_INCREMENTAL=0
fi
step fmt cargo fmt --all -- --check
# The workspace: seckb and its benchmark tools (benches/tools).
step clippy cargo clippy --workspace --all-targets --locked -- -D warnings
# Builds target/debug/seckb too, which the later steps run.
step test cargo test --locked

# Fuzz targets (fuzz/README.md): built without optimisation, which compiles
# fastest, and each run for 15 s from five seeds, so they keep compiling and
# shallow bugs surface in CI; long runs are done by hand. They build into
# their own target/ while the steps below run, which leave a core idle much
# of the time; those steps must pass on a busy machine anyway.
fuzz_log=$(mktemp)
fuzz_start=$SECONDS
FUZZ_BUILD_FLAGS=--dev FUZZ_SEED_LIMIT=5 bash fuzz/run.sh 15 >"$fuzz_log" 2>&1 &
fuzz=$!

# The slow cases `cargo test` leaves out (each `#[ignore]` says why).
step test-ignored cargo test --locked -- --ignored
step browser npm test
# The crate as published, built and run outside the repository. After every
# test that runs target/debug/seckb: it builds seckb from the .crate into
# the same target/ (scripts/package-check.sh says why).
step package-check bash scripts/package-check.sh

fuzz_status=0
wait "$fuzz" || fuzz_status=$?
fuzz=""
cat "$fuzz_log"
rm -f "$fuzz_log"
timings+=("$(printf '%5ds  %s' $((SECONDS - fuzz_start)) "fuzz (beside the three steps above)")")
if [ "$fuzz_status" -ne 0 ]; then
  echo "test.sh: the fuzz targets failed (above)" >&2
  exit "$fuzz_status"
fi
