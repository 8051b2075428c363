#!/bin/sh
# The test files in the order `npm test` runs them: everything else first, then the files that
# run workloads in the local cluster, so pods starting and stopping never share the CPUs with the
# timing-sensitive local tests.
cd "$(dirname "$0")/.." || exit 1
in_cluster='^test/(cluster/local-cluster|e2e/kubernetes)'
find test -name '*.test.ts' | sort | grep -Ev "$in_cluster"
find test -name '*.test.ts' | sort | grep -E "$in_cluster"
