#!/usr/bin/env bash
# Builds a Go program from the module version pinned in the go.mod of the calling tools/<name>/
# folder and caches the binary under ~/.cache/meshbench/<name>/<version>/ (MESHBENCH_CACHE moves
# it), so later runs reuse it. Prints the binary's path. Needs Go and the Go module proxy; the
# module's source is never copied into this repository.
# Usage: build-go-tool.sh <folder with go.mod> <module> <package to build> <binary name> [ldflags]
set -euo pipefail
dir="$1" module="$2" package="$3" name="$4" ldflags="${5:-}"
version="$(awk -v m="$module" '$1 == m { print $2 }' "$dir/go.mod" | head -n1)"
if [ -z "$version" ]; then
  echo "tools/build-go-tool.sh: no version of $module in $dir/go.mod" >&2
  exit 1
fi
cache="${MESHBENCH_CACHE:-$HOME/.cache/meshbench}/$(basename "$dir")/$version"
binary="$cache/$name"
if [ ! -x "$binary" ]; then
  mkdir -p "$cache"
  (cd "$dir" && go build -trimpath -ldflags "-s -w ${ldflags//\{version\}/${version#v}}" -o "$binary.tmp" "$package")
  mv "$binary.tmp" "$binary"
fi
echo "$binary"
