#!/usr/bin/env bash
# Builds vegeta (the peer open-loop generator meshbench's own is compared with in
# bench:generator) from the module pinned in go.mod beside this script, cached; prints the
# binary's path.
here="$(cd "$(dirname "$0")" && pwd)"
exec bash "$here/../build-go-tool.sh" "$here" github.com/tsenart/vegeta/v12 github.com/tsenart/vegeta/v12 vegeta
