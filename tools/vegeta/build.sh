#!/usr/bin/env bash
# Builds vegeta (the peer open-loop generator meshbench's own is compared with in
# bench:generator) from the Go module pinned in go.mod beside this script, and caches the binary
# under ~/.cache/meshbench/vegeta/<version>/. Prints the binary's path. Needs Go and the Go module
# proxy; the module's source is never copied into this repository.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
module=github.com/tsenart/vegeta/v12
version="$(awk -v m="$module" '$1 == m { print $2 }' "$here/go.mod" | head -n1)"
if [ -z "$version" ]; then
  echo "tools/vegeta/build.sh: no version of $module in $here/go.mod" >&2
  exit 1
fi
cache="${MESHBENCH_CACHE:-$HOME/.cache/meshbench}/vegeta/$version"
binary="$cache/vegeta"
if [ ! -x "$binary" ]; then
  mkdir -p "$cache"
  (cd "$here" && go build -trimpath -ldflags "-s -w" -o "$binary.tmp" "$module")
  mv "$binary.tmp" "$binary"
fi
echo "$binary"
