#!/usr/bin/env bash
# Installs what seckb's tests need on a fresh Debian machine: the Rust
# components (rustfmt, clippy), cargo-fuzz, Chromium for the browser tests,
# and the npm packages (playwright-core drives the system Chromium; axe-core;
# the CSAF validator). Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v rustup >/dev/null 2>&1; then
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
fi

# cargo-fuzz compiles while apt and npm download, in the background; its
# output is shown only if it fails.
fuzz_install=""
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "setup: installing cargo-fuzz (fuzz targets)"
  fuzz_log=$(mktemp)
  cargo install cargo-fuzz --locked >"$fuzz_log" 2>&1 &
  fuzz_install=$!
fi

if ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing Chromium (browser tests)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ -n "$fuzz_install" ]; then
  if ! wait "$fuzz_install"; then
    cat "$fuzz_log" >&2
    echo "setup: installing cargo-fuzz failed" >&2
    exit 1
  fi
  rm -f "$fuzz_log"
fi
