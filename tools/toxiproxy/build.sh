#!/usr/bin/env bash
# Builds the real toxiproxy-server (the reference the bundled server is contract-tested against)
# from the module pinned in go.mod beside this script, cached; prints the binary's path. Release
# builds stamp the version the same way (its Makefile's -X ...Version=).
here="$(cd "$(dirname "$0")" && pwd)"
module=github.com/Shopify/toxiproxy/v2
exec bash "$here/../build-go-tool.sh" "$here" "$module" "$module/cmd/server" toxiproxy-server "-X $module.Version={version}"
