#!/usr/bin/env bash
# Benchmarks seckb on generated knowledge bases (benches/tools/src/bin/gen-corpus.rs).
#
#   benches/run.sh                 # 1k, 10k and 100k documents
#   SIZES="10000" benches/run.sh   # one size
#
# For each size it reports the full build's wall time (median of RUNS;
# RUNS_LARGE at 100k), peak RSS, output size and file count, the search index size, and
# the time `seckb serve` takes to show a one-file edit (and to finish the full
# rebuild it runs behind it). Everything is written
# under BENCH_DIR (tmpfs: the disk here is slow to create files right after a
# large tree is deleted, which distorts every timing). The last line of each
# size is a row for the history table in benches/README.md.
#
# With both 10000 and 100000 in SIZES it then measures the linear-growth
# ratio time(100k) / time(10k) on RATIO_PAIRS pairs of builds, each 10k
# build right before its 100k one: on a shared machine the time of the same
# build drifts by 10-20% within an hour, and runs minutes apart do not
# compare. It reports each pair's ratio, their median, and the ratio of the
# fastest build of each size (noise from other work on the machine only ever
# adds time, and a 30 s build meets more of it than a 3 s one).
#
# Environment: SIZES, RUNS (3), RUNS_LARGE (runs at 100k and above: 1), RATIO_PAIRS (3), SEED (1), BENCH_DIR (/dev/shm/seckb-bench),
# SERVE_SIZES (sizes at which serve is measured: "1000 10000"),
# CARGO_TARGET_DIR (where the release binaries are built).
set -euo pipefail

SIZES=${SIZES:-"1000 10000 100000"}
RUNS=${RUNS:-3}
RUNS_LARGE=${RUNS_LARGE:-1}
RATIO_PAIRS=${RATIO_PAIRS:-3}
SEED=${SEED:-1}
BENCH_DIR=${BENCH_DIR:-/dev/shm/seckb-bench}
SERVE_SIZES=${SERVE_SIZES:-"1000 10000"}
NOW=2026-01-01T00:00:00Z

cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --quiet --release --bin seckb --bin gen-corpus
SECKB=$TARGET/release/seckb
GEN=$TARGET/release/gen-corpus
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git status --porcelain --untracked-files=no -- src themes Cargo.toml 2>/dev/null | head -c1)
[ -n "$DIRTY" ] && COMMIT="$COMMIT+dirty"
mkdir -p "$BENCH_DIR"

# corpus SIZE FORMAT → directory of a generated site, regenerated only when the
# generator binary or the seed changed.
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

# timed LOG CMD... → "seconds max_rss_kib" of one run (GNU time).
timed() {
    local log=$1
    shift
    /usr/bin/time -f '%e %M' -o "$log.time" "$@" >"$log" 2>&1 || {
        echo "command failed: $*" >&2
        tail -n 20 "$log" >&2
        exit 1
    }
    tail -n 1 "$log.time"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k/1024}'; }
mb() { awk -v b="$1" 'BEGIN {printf "%.1f", b/1e6}'; }

# Search index: whatever the search stage writes (search/ and search*.json at
# the root); "n/a" when the build has none.
search_size() {
    local out=$1 files
    files=$(find "$out" -maxdepth 1 \( -name 'search' -o -name 'search*.json' -o -name 'search-index*' \) 2>/dev/null)
    if [ -z "$files" ]; then
        echo "n/a"
    else
        # shellcheck disable=SC2086
        mb "$(du -scb $files | tail -n 1 | cut -f1)"
    fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# serve_edit SITE → "shown_ms/rebuild_ms": the median time from saving a
# one-file edit (three edits) to the served page showing it, and the median
# time of the full rebuild serve runs behind it (from its log); or a TODO when
# this build has no serve command. Each edit waits for the previous rebuild.
serve_edit() {
    local site=$1 log=$BENCH_DIR/serve.log port pid url file page marker t0 t1 shown=() orig builds
    if ! "$SECKB" serve --help >/dev/null 2>&1; then
        echo "TODO(no serve command in this build)"
        return
    fi
    port=$(free_port)
    "$SECKB" --root "$site" serve --port "$port" --now "$NOW" >"$log" 2>&1 &
    pid=$!
    url=http://127.0.0.1:$port/
    for _ in $(seq 1 1200); do
        curl -sf -o /dev/null "$url" && break
        sleep 0.25
    done
    file=$(find "$site/content/guides" -name '*.md' ! -name '_index.md' | sort | head -n 1)
    page=${url}guides/$(basename "$file" .md)/
    orig=$(cat "$file")
    for i in 1 2 3; do
        builds=$(grep -c 'changed: built' "$log" || true)
        marker="bench-edit-$i-$RANDOM"
        t0=$(date +%s%N)
        printf '%s\n\nParagraph %s added by the benchmark.\n' "$orig" "$marker" >"$file"
        t1=""
        for _ in $(seq 1 3000); do
            if curl -sf "$page" | grep -q "$marker"; then
                t1=$(date +%s%N)
                break
            fi
            sleep 0.01
        done
        [ -n "$t1" ] && shown+=($(((t1 - t0) / 1000000)))
        # Let the full rebuild behind this edit finish before the next one.
        for _ in $(seq 1 1200); do
            [ "$(grep -c 'changed: built' "$log" || true)" -gt "$builds" ] && break
            sleep 0.25
        done
    done
    printf '%s\n' "$orig" >"$file"
    sleep 1
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [ ${#shown[@]} -eq 0 ]; then
        echo "failed(see $log)"
        return
    fi
    local rebuild
    rebuild=$(sed -n 's/.*changed: built [0-9]* documents in \([0-9]*\) ms.*/\1/p' "$log" | median)
    echo "$(printf '%s\n' "${shown[@]}" | median)/${rebuild:-?}"
}

echo "seckb $COMMIT, $(nproc) cores, $(date -u +%Y-%m-%d), runs=$RUNS, output in $BENCH_DIR"
for n in $SIZES; do
    site=$(corpus "$n" seckb)
    out=$BENCH_DIR/out-$n
    runs=$RUNS
    [ "$n" -ge 100000 ] && runs=$RUNS_LARGE
    walls=()
    rss=0
    for _ in $(seq 1 "$runs"); do
        rm -rf "$out"
        read -r wall kib < <(timed "$BENCH_DIR/build-$n.log" "$SECKB" --root "$site" --quiet build --output "$out" --now "$NOW")
        walls+=("$wall")
        [ "$kib" -gt "$rss" ] && rss=$kib
    done
    wall=$(printf '%s\n' "${walls[@]}" | median)
    bytes=$(du -sb "$out" | cut -f1)
    files=$(find "$out" -type f | wc -l)
    search=$(search_size "$out")
    serve="not measured at this size"
    case " $SERVE_SIZES " in *" $n "*) serve=$(serve_edit "$site") ;; esac
    echo "$n docs: build ${wall} s (runs: ${walls[*]}), peak RSS $(mib "$rss") MiB, output $(mb "$bytes") MB in $files files, search index $search MB, serve one-file edit shown/full rebuild $serve ms"
    echo "| $(date -u +%Y-%m-%d) | $COMMIT | $n | $wall | $(mib "$rss") | $(mb "$bytes") | $files | $search | $serve |"
done

case " $SIZES " in *" 10000 "*) ;; *) exit 0 ;; esac
case " $SIZES " in *" 100000 "*) ;; *) exit 0 ;; esac
[ "$RATIO_PAIRS" -gt 0 ] || exit 0
# build_wall N → wall seconds of one full build of the N-document corpus.
build_wall() {
    rm -rf "$BENCH_DIR/out-$1"
    timed "$BENCH_DIR/build-$1.log" "$SECKB" --root "$(corpus "$1" seckb)" --quiet build \
        --output "$BENCH_DIR/out-$1" --now "$NOW" | cut -d' ' -f1
}
small=()
large=()
ratios=()
for _ in $(seq 1 "$RATIO_PAIRS"); do
    s=$(build_wall 10000)
    l=$(build_wall 100000)
    small+=("$s")
    large+=("$l")
    ratios+=("$(awk -v l="$l" -v s="$s" 'BEGIN {printf "%.2f", l/s}')")
done
rm -rf "$BENCH_DIR/out-10000" "$BENCH_DIR/out-100000"
fastest() { sort -n | head -n 1; }
s=$(printf '%s\n' "${small[@]}" | fastest)
l=$(printf '%s\n' "${large[@]}" | fastest)
echo "time(100k)/time(10k) in $RATIO_PAIRS pairs: ${ratios[*]} (10k: ${small[*]} s; 100k: ${large[*]} s);" \
    "median $(printf '%s\n' "${ratios[@]}" | median), fastest builds $l/$s = $(awk -v l="$l" -v s="$s" 'BEGIN {printf "%.2f", l/s}')"
