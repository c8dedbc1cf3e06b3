#!/usr/bin/env bash
# Benchmarks `seckb import osv` and the build of the imported site
# (benches/tools/src/bin/gen-osv.rs records), release build, everything under BENCH_DIR
# (tmpfs: /dev/shm).
#
#   benches/osv-import.sh              # 4,000 records, 3 runs
#   RECORDS=10000 RUNS=1 benches/osv-import.sh
#
# Each run imports into a fresh site (seckb.yaml only) and builds it; it
# prints the import and build wall times and peak RSS, and the last line
# is a row for the table in benches/README.md.
set -euo pipefail

RECORDS=${RECORDS:-4000}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
BENCH_DIR=${BENCH_DIR:-/dev/shm/seckb-osv-bench}
NOW=2026-01-01T00:00:00Z

cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --quiet --release --bin seckb --bin gen-osv
SECKB=$TARGET/release/seckb
GEN=$TARGET/release/gen-osv
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
rm -rf "$BENCH_DIR"
mkdir -p "$BENCH_DIR"
"$GEN" --records "$RECORDS" --out "$BENCH_DIR/records" --seed "$SEED"

timed() { # timed LOG CMD... → "seconds max_rss_kib"
    local log=$1; shift
    /usr/bin/time -f '%e %M' -o "$log.time" "$@" >"$log" 2>&1
    cat "$log.time"
}

imports=(); builds=()
for run in $(seq 1 "$RUNS"); do
    site=$BENCH_DIR/site
    rm -rf "$site" "$BENCH_DIR/public"
    mkdir -p "$site/content/incidents"
    printf 'title: OSV import bench\nbase_url: https://kb.example/\n' >"$site/seckb.yaml"
    read -r it im < <(timed "$BENCH_DIR/import.log" "$SECKB" --root "$site" import osv "$BENCH_DIR/records")
    read -r bt bm < <(timed "$BENCH_DIR/build.log" "$SECKB" --root "$site" build --now "$NOW" --output "$BENCH_DIR/public")
    tail -1 "$BENCH_DIR/import.log"; tail -1 "$BENCH_DIR/build.log"
    echo "run $run: import ${it} s (${im} KiB), build ${bt} s (${bm} KiB), total $(echo "$it + $bt" | bc) s"
    imports+=("$it"); builds+=("$bt")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mi=$(median "${imports[@]}"); mb=$(median "${builds[@]}")
osv=$(find "$BENCH_DIR/public/osv" -name '*.json' | wc -l)
echo "| $(date +%F) | $COMMIT | $RECORDS | $mi s | $mb s | $(echo "$mi + $mb" | bc) s | $osv |"
