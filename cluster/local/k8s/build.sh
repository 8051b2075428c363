#!/usr/bin/env bash
# Builds the local cluster's Kubernetes components from the upstream k8s.io/kubernetes module
# into one multi-call binary (with a symlink per component), cached under
# ~/.cache/meshbench/k8s-<version>-<key of go.mod, go.sum, main.go>. Prints the directory.
#   --print-path   print the directory without building (it may not exist yet)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' "$here/go.mod")
key=$(cat "$here/go.mod" "$here/go.sum" "$here/main.go" | sha256sum | cut -c1-12)
out="${MESHBENCH_CACHE:-$HOME/.cache/meshbench}/k8s-$version-$key"
if [ "${1:-}" = "--print-path" ]; then echo "$out"; exit 0; fi
if [ ! -x "$out/kube" ]; then
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  minor=${version#v1.}; minor=${minor%%.*}
  pkg=k8s.io/component-base/version
  echo "building Kubernetes $version components (several minutes the first time)…" >&2
  (cd "$here" && CGO_ENABLED=0 go build -trimpath -o "$out.tmp/kube" \
    -ldflags "-s -w -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean" .)
  for c in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do ln -sf kube "$out.tmp/$c"; done
  rm -rf "$out" && mv "$out.tmp" "$out"
fi
echo "$out"
