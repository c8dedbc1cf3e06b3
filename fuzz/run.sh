#!/usr/bin/env bash
# Seeds the corpora, builds the fuzz targets and runs each for SECONDS
# (default 20). CI runs this briefly; fuzz/README.md explains longer runs.
#
#   bash fuzz/run.sh [SECONDS] [TARGET...]
#
# cargo-fuzz needs nightly-only compiler flags; RUSTC_BOOTSTRAP=1 lets the
# stable toolchain accept them. AddressSanitizer is used when the toolchain
# ships its runtime (it checks the C code seckb links: oniguruma), else none.
# FUZZ_BUILD_FLAGS adds cargo-fuzz build options (CI passes --dev, which
# compiles fastest). FUZZ_SEED_LIMIT=N runs each target on a fresh corpus of
# its first N seeds instead of fuzz/corpus/ (CI: a whole build per input of
# the document target takes seconds without optimisation).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(front_matter markdown document config)
export RUSTC_BOOTSTRAP=1

host=$(rustc -vV | sed -n 's/^host: //p')
sanitizer=none
if compgen -G "$(rustc --print sysroot)/lib/rustlib/$host/lib/librustc-*_rt.asan.a" >/dev/null; then
  sanitizer=address
fi

# The fuzz crate resolves seckb's dependencies exactly as the main build does.
cp ../Cargo.lock Cargo.lock
bash seed.sh
# shellcheck disable=SC2086
cargo fuzz build -s "$sanitizer" ${FUZZ_BUILD_FLAGS:-}

# The document target reads whole files: front matter and Markdown words.
cat dict/front_matter.dict dict/markdown.dict > dict/document.dict
scratch=$(mktemp -d)
# Also removes the document target's site folders (named by the pid of the
# fuzzer that made them) of fuzzers no longer running.
cleanup() {
  rm -rf "$scratch"
  for dir in /dev/shm/seckb-fuzz-document-* "${TMPDIR:-/tmp}"/seckb-fuzz-document-*; do
    if [ -d "$dir" ] && ! kill -0 "${dir##*-}" 2>/dev/null; then rm -rf "$dir"; fi
  done
}
trap cleanup EXIT
log="$scratch/log"
for target in "${targets[@]}"; do
  corpus="corpus/$target"
  if [ -n "${FUZZ_SEED_LIMIT:-}" ]; then
    corpus="$scratch/$target"
    mkdir -p "$corpus"
    # Not `sort | head`: head closing the pipe early fails the pipeline.
    mapfile -t seeds < <(find "corpus/$target" -name 'seed-*' | sort)
    cp -t "$corpus" "${seeds[@]:0:$FUZZ_SEED_LIMIT}"
  fi
  echo "fuzz: $target for ${seconds}s (sanitizer: $sanitizer)"
  # shellcheck disable=SC2086
  if ! cargo fuzz run -s "$sanitizer" ${FUZZ_BUILD_FLAGS:-} "$target" "$corpus" -- \
      -dict="dict/$target.dict" -max_total_time="$seconds" \
      -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 >"$log" 2>&1; then
    tail -n 80 "$log" >&2
    echo "fuzz: $target failed; the input is in fuzz/artifacts/$target/ (fuzz/README.md: reproducing)" >&2
    exit 1
  fi
  grep -E '^(Done|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb))' "$log"
done
