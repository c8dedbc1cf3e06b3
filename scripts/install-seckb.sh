#!/usr/bin/env bash
# Installs seckb at a pinned version: the released binary for this OS and
# architecture, checked against the release's SHA256SUMS, or, where the
# release has no binary that fits, seckb built from its tagged source with
# `cargo install --locked --git REPOSITORY --tag vVERSION`.
#
# The setup action (action.yml) runs this script; it runs the same way
# anywhere else:
#
#   bash scripts/install-seckb.sh [--version 0.1.0] [--platform linux-x86_64]
#        [--releases URL-OR-FOLDER] [--repository URL] [--dest DIR]
#        [--plan] [--print-fallback]
#
#   --version      the version to install (default: the version in the
#                  Cargo.toml beside this script, so the action at tag
#                  v0.1.0 installs 0.1.0)
#   --platform     OS-ARCH, e.g. linux-x86_64, linux-aarch64, macos-aarch64,
#                  windows-x86_64 (default: this machine, from RUNNER_OS and
#                  RUNNER_ARCH on GitHub's runners, else from uname)
#   --repository   seckb's repository (default: Cargo.toml's `repository`)
#   --releases     where the release's files are: an https:// URL or a local
#                  folder (default: REPOSITORY/releases/download/vVERSION)
#   --dest         the install folder; the binary goes to DEST/bin (default:
#                  RUNNER_TOOL_CACHE, else ~/.local/share, /seckb/VERSION/PLATFORM)
#   --plan         print what would be installed and where; install nothing
#   --print-fallback  print the cargo command of the fallback instead of
#                  running it
#
# Standard output is `key=value` lines, the format of $GITHUB_OUTPUT:
# --plan prints version, platform, archive (empty when no released binary
# fits), dest and repository; an install prints method (binary or cargo) and
# binary (its path); --print-fallback prints method=cargo and command.
# Messages go to standard error. A download whose checksum does not match
# SHA256SUMS is refused (exit 1), never installed and never replaced by the
# fallback.
set -euo pipefail

manifest="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/Cargo.toml"

die() {
  echo "install-seckb: error: $*" >&2
  exit 1
}

say() {
  echo "install-seckb: $*" >&2
}

# The value of KEY in the [package] table of Cargo.toml.
manifest_value() {
  [ -f "$manifest" ] || die "no --$2 given and no Cargo.toml beside this script ($manifest) to read it from"
  awk -v key="$1" '
    /^\[/ { in_package = ($0 == "[package]"); next }
    in_package && $1 == key && $2 == "=" {
      value = $0
      sub(/^[^=]*= *"/, "", value)
      sub(/".*$/, "", value)
      print value
      exit
    }' "$manifest"
}

# This machine as OS-ARCH, in the names the release archives use.
detect_platform() {
  local os arch
  os=${RUNNER_OS:-$(uname -s)}
  arch=${RUNNER_ARCH:-$(uname -m)}
  echo "$os-$arch"
}

# OS-ARCH with every spelling of an OS or architecture made one name:
# Linux/X64 and linux-amd64 are linux-x86_64; ARM64 and arm64 are aarch64.
normalize_platform() {
  local os=${1%%-*} arch=${1#*-}
  case $(echo "$os" | tr '[:upper:]' '[:lower:]') in
    linux) os=linux ;;
    macos | darwin | osx) os=macos ;;
    windows | mingw* | msys* | cygwin*) os=windows ;;
    *) os=$(echo "$os" | tr '[:upper:]' '[:lower:]') ;;
  esac
  case $(echo "$arch" | tr '[:upper:]' '[:lower:]') in
    x64 | x86_64 | amd64) arch=x86_64 ;;
    arm64 | aarch64) arch=aarch64 ;;
    *) arch=$(echo "$arch" | tr '[:upper:]' '[:lower:]') ;;
  esac
  echo "$os-$arch"
}

# The Rust target a release builds for PLATFORM (release.yml's matrix), or
# nothing when the release has no binary for it.
release_target() {
  case $1 in
    linux-x86_64) echo x86_64-unknown-linux-musl ;;
    linux-aarch64) echo aarch64-unknown-linux-musl ;;
    macos-x86_64) echo x86_64-apple-darwin ;;
    macos-aarch64) echo aarch64-apple-darwin ;;
    windows-x86_64) echo x86_64-pc-windows-msvc ;;
  esac
}

# The SHA-256 of a file, in lower-case hex.
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    die "neither sha256sum nor shasum is installed: cannot verify the download"
  fi
}

# Copies the release file NAME to OUT. Returns 2 when the release has no
# such file, 1 on any other failure.
fetch() {
  local name=$1 out=$2 code
  case $releases in
    https://*)
      code=$(curl -sSL --proto '=https' --tlsv1.2 --retry 3 -o "$out" -w '%{http_code}' "$releases/$name") || return 1
      case $code in
        200) return 0 ;;
        404) return 2 ;;
        *) say "$releases/$name: HTTP $code"; return 1 ;;
      esac
      ;;
    *)
      [ -f "$releases/$name" ] || return 2
      cp "$releases/$name" "$out"
      ;;
  esac
}

# Builds seckb from the tagged source into DEST (or, with --print-fallback,
# prints the command that would), and ends the script.
fallback() {
  local command=(cargo install --locked --git "$repository" --tag "v$version" --root "$dest" seckb)
  if [ "$print_fallback" = 1 ]; then
    echo "method=cargo"
    echo "command=${command[*]}"
    exit 0
  fi
  command -v cargo >/dev/null 2>&1 || die "cargo is not installed, and the release has no binary for $platform: install Rust (https://rustup.rs) and run this again"
  say "building seckb $version from source: ${command[*]}"
  "${command[@]}" >&2
  installed cargo "$dest/bin/seckb$exe"
  exit 0
}

# Checks that BINARY runs and is the version asked for, then reports it.
installed() {
  local method=$1 binary=$2 reported
  reported=$("$binary" -V 2>/dev/null | head -n 1) || die "$binary does not run on this machine ($platform)"
  [ "$reported" = "seckb $version" ] || die "$binary reports \`$reported\`, not \`seckb $version\`"
  say "installed seckb $version ($method) at $binary"
  echo "method=$method"
  echo "binary=$binary"
}

version=""
platform=""
repository=""
releases=""
dest=""
plan=0
print_fallback=0
while [ $# -gt 0 ]; do
  case $1 in
    --version | --platform | --repository | --releases | --dest)
      [ $# -ge 2 ] || die "$1 needs a value"
      declare "${1#--}=$2"
      shift 2
      ;;
    --plan) plan=1; shift ;;
    --print-fallback) print_fallback=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument \`$1\` (see --help)" ;;
  esac
done

[ -n "$version" ] || version=$(manifest_value version version)
version=${version#v}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] || die "\`$version\` is not a version such as 0.1.0"
[ -n "$repository" ] || repository=$(manifest_value repository repository)
[[ $repository =~ ^https://[A-Za-z0-9./_-]+$ ]] || die "\`$repository\` is not an https:// repository URL"
repository=${repository%/}
[ -n "$platform" ] || platform=$(detect_platform)
platform=$(normalize_platform "$platform")
[ -n "$releases" ] || releases="$repository/releases/download/v$version"
releases=${releases%/}
releases=${releases#file://}
[ -n "$dest" ] || dest="${RUNNER_TOOL_CACHE:-${XDG_DATA_HOME:-$HOME/.local/share}}/seckb/$version/$platform"

exe=""
archive=""
target=$(release_target "$platform")
if [ -n "$target" ]; then
  case $platform in
    windows-*) exe=.exe; archive="seckb-v$version-$target.zip" ;;
    *) archive="seckb-v$version-$target.tar.gz" ;;
  esac
fi

if [ "$plan" = 1 ]; then
  printf 'version=%s\nplatform=%s\narchive=%s\ndest=%s\nrepository=%s\n' \
    "$version" "$platform" "$archive" "$dest" "$repository"
  exit 0
fi

if [ -z "$archive" ]; then
  say "seckb releases no binary for $platform"
  fallback
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/install-seckb.XXXXXX")
trap 'rm -rf "$work"' EXIT

status=0
fetch SHA256SUMS "$work/SHA256SUMS" || status=$?
if [ "$status" = 2 ]; then
  say "the release v$version has no SHA256SUMS at $releases (no binaries)"
  fallback
fi
[ "$status" = 0 ] || die "cannot download $releases/SHA256SUMS"

expected=$(awk -v name="$archive" '$2 == name || $2 == "*" name { print tolower($1) }' "$work/SHA256SUMS")
if [ -z "$expected" ]; then
  say "the release v$version has no $archive"
  fallback
fi
[ "$(echo "$expected" | wc -l)" -eq 1 ] || die "SHA256SUMS lists $archive more than once"

status=0
fetch "$archive" "$work/$archive" || status=$?
[ "$status" = 0 ] || die "SHA256SUMS lists $archive, but it cannot be downloaded from $releases"
actual=$(sha256 "$work/$archive")
[ "$actual" = "$expected" ] || die "checksum mismatch for $archive: SHA256SUMS says $expected, the download is $actual; refusing to install it"

mkdir -p "$work/unpacked"
case $archive in
  *.zip)
    if command -v unzip >/dev/null 2>&1; then
      unzip -q "$work/$archive" -d "$work/unpacked"
    else
      powershell -NoProfile -Command "Expand-Archive -LiteralPath '$work/$archive' -DestinationPath '$work/unpacked'"
    fi
    ;;
  *) tar -xzf "$work/$archive" -C "$work/unpacked" ;;
esac
unpacked="$work/unpacked/seckb-v$version-$target/seckb$exe"
[ -f "$unpacked" ] || die "$archive holds no seckb-v$version-$target/seckb$exe"
mkdir -p "$dest/bin"
cp "$unpacked" "$dest/bin/seckb$exe"
chmod +x "$dest/bin/seckb$exe"
installed binary "$dest/bin/seckb$exe"
