#!/usr/bin/env bash
# Checks the crate as it would be published: `cargo package` makes the
# .crate, which is unpacked and built in a temporary folder outside the
# repository; its binary, with that source folder deleted, must then run
# `seckb init`, `seckb build` and `seckb check` on a new site there. This
# proves the package holds every file the build needs and the binary every
# file it needs at run time (the default theme, the scaffold).
#
# The build reuses the repository's target/ (CARGO_TARGET_DIR), so only
# seckb itself is compiled, from the .crate's sources (debug profile, about
# 20 s on 2 cores). It replaces target/debug/seckb: the next cargo build in
# the repository builds it again (another ~20 s), so scripts/test.sh runs
# this after every test that uses that binary.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

# `cargo pkgid` ends in the version: path+file:///…#seckb@0.1.0.
version=$(cargo pkgid --locked -p seckb | sed 's/.*[#@]//')
# --allow-dirty: a local run checks the working tree as it is (CI's clone is
# clean); --no-verify: the build below is the verification; -p: seckb
# alone (the workspace's benchmark tools are not published).
cargo package -p seckb --locked --allow-dirty --no-verify --quiet
crate="$repo/target/package/seckb-$version.crate"

work=$(mktemp -d "${TMPDIR:-/tmp}/seckb-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -xzf "$crate" -C "$work"
(cd "$work/seckb-$version" && CARGO_TARGET_DIR="$repo/target" cargo build --locked --quiet --bin seckb)
cp "$repo/target/debug/seckb" "$work/seckb"
rm -rf "$work/seckb-$version"

cd "$work"
fail() {
  echo "package-check: $*" >&2
  exit 1
}
./seckb --quiet init site
cd site
[ -f .github/workflows/pages.yml ] || fail "init wrote no workflow"
../seckb --quiet build || fail "the packaged seckb cannot build the site init wrote"
for file in index.html .nojekyll search/index.html; do
  [ -f "public/$file" ] || fail "the build wrote no public/$file"
done
grep -q 'rel="stylesheet"' public/index.html || fail "the pages link no stylesheet (the built-in theme is missing)"
../seckb check || fail "seckb check failed on the site init wrote"
echo "package-check: seckb-$version.crate builds outside the repository; init, build and check work"
