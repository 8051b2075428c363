#!/usr/bin/env bash
# Builds the real toxiproxy-server (the reference the bundled server is contract-tested against)
# from the Go module pinned in go.mod beside this script, and caches the binary under
# ~/.cache/meshbench/toxiproxy/<version>/ so later runs reuse it. Prints the binary's path.
# Needs Go and the Go module proxy; the module's source is never copied into this repository.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
module=github.com/Shopify/toxiproxy/v2
version="$(awk -v m="$module" '$1 == m { print $2 }' "$here/go.mod" | head -n1)"
if [ -z "$version" ]; then
  echo "tools/toxiproxy/build.sh: no version of $module in $here/go.mod" >&2
  exit 1
fi
cache="${MESHBENCH_CACHE:-$HOME/.cache/meshbench}/toxiproxy/$version"
binary="$cache/toxiproxy-server"
if [ ! -x "$binary" ]; then
  mkdir -p "$cache"
  # Release builds stamp the version the same way (its Makefile's -X ...Version=).
  (cd "$here" && go build -trimpath -ldflags "-s -w -X $module.Version=${version#v}" -o "$binary.tmp" "$module/cmd/server")
  mv "$binary.tmp" "$binary"
fi
echo "$binary"
