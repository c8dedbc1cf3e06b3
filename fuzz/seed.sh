#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the demo site (content/, seckb.yaml) and the
# fixture sites (tests/fixtures/), in each target's input format. Corpora are
# not committed: they are regenerated from the files they come from, and grow
# locally as libFuzzer finds new paths.
set -euo pipefail
cd "$(dirname "$0")"
repo=..
mkdir -p corpus/front_matter corpus/markdown corpus/document corpus/config

selector() { # section of a content file → the targets' selector byte
  case "$1" in
    */content/incidents/*) printf '\x00' ;;
    */content/faq/*) printf '\x01' ;;
    */content/*/*) printf '\x02' ;;
    *) printf '\x03' ;;
  esac
}

n=0
while IFS= read -r -d '' file; do
  n=$((n + 1))
  name=$(basename "$file" .md)
  { selector "$file"; printf '%s\n' "$name"; cat "$file"; } > "corpus/front_matter/seed-$n"
  { printf '\x00'; cat "$file"; } > "corpus/markdown/seed-$n"
  { printf '\x10'; cat "$file"; } > "corpus/markdown/seed-faq-$n"
  { selector "$file"; cat "$file"; } > "corpus/document/seed-$n"
done < <(find "$repo/content" "$repo/tests/fixtures" -name '*.md' -print0 | sort -z)

m=0
while IFS= read -r -d '' file; do
  m=$((m + 1))
  cp "$file" "corpus/config/seed-$m"
done < <(find "$repo" -maxdepth 1 -name seckb.yaml -print0; find "$repo/tests/fixtures" -name seckb.yaml -print0)

echo "seeded $n documents and $m configurations"
