#!/usr/bin/env bash
# The whole test suite (make test). It installs and starts what it needs and
# fails loudly when it cannot; nothing is skipped.
#   1. gofmt and go vet.
#   2. go test -race ./... against an external engine: `rectify dbserver`
#      (FerretDB, PostgreSQL backend) in its own non-race process, on a
#      throwaway PostgreSQL cluster on a free loopback port.
#   3. go test ./... without -race, against the embedded engine in process.
# Every committed fuzz corpus (testdata/fuzz/<Target>/) is replayed by the
# go test runs as regression tests; nothing explores here, so the result does
# not depend on chance (exploration is `make fuzz`, scripts/fuzz.sh).
# The browser tests drive Debian's Chromium (installed here if missing) and
# save screenshots of the console to artifacts/screenshots/. Documents are
# read back with poppler's pdftotext; Python 3 runs the independent check of
# the ledger encoding (scripts/ledger_hash.py); the blob tests run against a real
# MinIO built with go install at a pinned version and started here.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib.sh

say "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './data/*'))
[ -z "$unformatted" ] || die "gofmt would change: $unformatted"

say "no large files in git"
# Test binaries, dumps and profiles do not belong in the repository; the
# embedded fonts (templates/fonts/) are the one allowed exception.
big=$(git ls-files -z 2>/dev/null | while IFS= read -r -d '' f; do
	[ -f "$f" ] && [ "$(stat -c %s "$f")" -gt 2097152 ] && case "$f" in templates/fonts/*) ;; *) echo "$f" ;; esac
done || true)
[ -z "$big" ] || die "tracked files over 2 MB (not fonts): $big — git rm --cached them"

say "go vet"
go vet ./...

say "build"
go build -o "$WORK/rectify" ./cmd/rectify

# --- Chromium for the browser tests, poppler for reading PDFs back --------
install_chromium() {
	if command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then return; fi
	say "installing Chromium, CJK fonts, poppler-utils and Python 3 (Debian packages)"
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq || die "apt-get update failed: cannot install Chromium"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-noto-cjk poppler-utils python3 >/dev/null || die "apt-get install chromium poppler-utils python3 failed"
	command -v chromium >/dev/null 2>&1 || die "Chromium installed but not on PATH"
	command -v pdftotext >/dev/null 2>&1 || die "poppler-utils installed but pdftotext not on PATH"
	command -v python3 >/dev/null 2>&1 || die "python3 installed but not on PATH (the independent ledger check needs it)"
}

# --- MinIO, built from the Go module proxy at a pinned version --------------
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
install_minio() {
	local bin
	bin="$(go env GOPATH)/bin/minio"
	if [ -x "$bin" ] && [ "$(cat "$bin.version" 2>/dev/null)" = "$MINIO_VERSION" ]; then
		MINIO_BIN=$bin
		return
	fi
	say "building MinIO $MINIO_VERSION (go install; takes a few minutes once)"
	go install "github.com/minio/minio@$MINIO_VERSION" || die "go install github.com/minio/minio@$MINIO_VERSION failed"
	echo "$MINIO_VERSION" >"$bin.version"
	MINIO_BIN=$bin
}

install_chromium
install_minio
export RECTIFY_CHROMIUM=$(command -v chromium)
export RECTIFY_MINIO_BIN=$MINIO_BIN
mkdir -p artifacts/screenshots
start_external_engine

say "MinIO server for the tests"
MINIO_PORT=$(free_port)
mkdir -p "$WORK/minio"
MINIO_ROOT_USER=rectify MINIO_ROOT_PASSWORD=rectify-test-secret MINIO_BROWSER=off MINIO_UPDATE=off \
	"$MINIO_BIN" server "$WORK/minio" --address "127.0.0.1:$MINIO_PORT" --console-address "127.0.0.1:$(free_port)" --quiet \
	>"$WORK/minio.log" 2>&1 &
MINIO_PID=$!
for _ in $(seq 1 300); do
	http_ok "$MINIO_PORT" /minio/health/ready && break
	kill -0 "$MINIO_PID" 2>/dev/null || { cat "$WORK/minio.log"; die "MinIO exited"; }
	sleep 0.2
done
http_ok "$MINIO_PORT" /minio/health/ready || { cat "$WORK/minio.log"; die "MinIO did not become ready"; }
export RECTIFY_TEST_MINIO_ENDPOINT=127.0.0.1:$MINIO_PORT RECTIFY_TEST_MINIO_ACCESS_KEY=rectify RECTIFY_TEST_MINIO_SECRET_KEY=rectify-test-secret
echo "MinIO at $RECTIFY_TEST_MINIO_ENDPOINT ($MINIO_BIN)"

say "go test -race ./...  (external engine: $URI)"
RECTIFY_TEST_MONGO_URI="$URI" go test -race -count=1 -timeout 30m ./...

say "go test ./...  (embedded engine in process)"
RECTIFY_TEST_MONGO_URI= go test -count=1 -timeout 30m ./...

say "all tests passed (browser screenshots in artifacts/screenshots/)"
