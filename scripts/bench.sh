#!/usr/bin/env bash
# make bench: the performance report of docs/PERFORMANCE.md. Builds rectify,
# starts the external engine (rectify dbserver on a throwaway PostgreSQL
# cluster) and runs `rectify bench` on both engines; arguments are passed on
# (e.g. --sizes 1000,10000 --out /tmp/report.md). Then the Go benchmarks of
# the domain packages. Takes about an hour at the default sizes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib.sh

say "build"
go build -o "$WORK/rectify" ./cmd/rectify

start_external_engine

say "rectify bench (embedded engine and $URI)"
"$WORK/rectify" bench --external-uri "$URI" "$@"

say "go test -bench"
go test -run '^$' -bench . -benchmem ./...
