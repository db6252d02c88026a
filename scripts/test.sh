#!/usr/bin/env bash
# The whole test suite (make test). It installs and starts what it needs and
# fails loudly when it cannot; nothing is skipped.
#   1. gofmt and go vet.
#   2. go test -race ./... against an external engine: `rectify dbserver`
#      (FerretDB, PostgreSQL backend) in its own non-race process, on a
#      throwaway PostgreSQL cluster on a free loopback port.
#   3. go test ./... without -race, against the embedded engine in process.
# The browser tests drive Debian's Chromium (installed here if missing) and
# save screenshots of the console to artifacts/screenshots/. Documents are
# read back with poppler's pdftotext; the blob tests run against a real
# MinIO built with go install at a pinned version and started here.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }
die() { printf '\nFAIL: %s\n' "$*" >&2; exit 1; }

WORK=$(mktemp -d /tmp/rectify-test.XXXXXX)
chmod 755 "$WORK"
DBSERVER_PID=""
MINIO_PID=""
PGBIN=""
cleanup() {
	[ -n "$DBSERVER_PID" ] && kill "$DBSERVER_PID" 2>/dev/null && wait "$DBSERVER_PID" 2>/dev/null || true
	[ -n "$MINIO_PID" ] && kill "$MINIO_PID" 2>/dev/null && wait "$MINIO_PID" 2>/dev/null || true
	if [ -n "$PGBIN" ] && [ -f "$WORK/pg/postmaster.pid" ]; then
		as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

say "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './data/*'))
[ -z "$unformatted" ] || die "gofmt would change: $unformatted"

say "go vet"
go vet ./...

say "build"
go build -o "$WORK/rectify" ./cmd/rectify

# --- PostgreSQL for the external engine ------------------------------------
install_postgres() {
	if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then return; fi
	say "installing PostgreSQL (Debian package)"
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq || die "apt-get update failed: cannot install PostgreSQL"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null || die "apt-get install postgresql failed"
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || die "PostgreSQL installed but initdb not found"
}
# PostgreSQL refuses to run as root: run its tools as the postgres user then.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
# http_ok PORT PATH: a GET answered 200 (bash's /dev/tcp: no curl needed).
http_ok() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3 && head -n 1 <&3 | grep -q " 200") 2>/dev/null
}
free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$(( (RANDOM % 20000) + 30000 ))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
	die "no free loopback port found"
}

# --- Chromium for the browser tests, poppler for reading PDFs back --------
install_chromium() {
	if command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then return; fi
	say "installing Chromium, CJK fonts and poppler-utils (Debian packages)"
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq || die "apt-get update failed: cannot install Chromium"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null || die "apt-get install chromium poppler-utils failed"
	command -v chromium >/dev/null 2>&1 || die "Chromium installed but not on PATH"
	command -v pdftotext >/dev/null 2>&1 || die "poppler-utils installed but pdftotext not on PATH"
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

install_postgres
install_chromium
install_minio
export RECTIFY_CHROMIUM=$(command -v chromium)
export RECTIFY_MINIO_BIN=$MINIO_BIN
mkdir -p artifacts/screenshots
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
say "throwaway PostgreSQL cluster ($PGBIN)"
mkdir -p "$WORK/pg" "$WORK/pgsock" "$WORK/pglog"
[ "$(id -u)" -eq 0 ] && chown postgres "$WORK/pg" "$WORK/pgsock" "$WORK/pglog"
as_pg "$PGBIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
	|| { cat "$WORK/initdb.log"; die "initdb failed"; }
PGPORT=$(free_port)
as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pglog/pg.log" -w -t 60 \
	-o "-p $PGPORT -k $WORK/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
	|| { cat "$WORK/pglog/pg.log"; die "PostgreSQL did not start"; }
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres ferretdb || die "createdb failed"

say "external engine: rectify dbserver --backend postgresql"
"$WORK/rectify" dbserver --backend postgresql --addr 127.0.0.1:0 \
	--postgresql-url "postgres://postgres@127.0.0.1:$PGPORT/ferretdb?sslmode=disable" >"$WORK/dbserver.out" 2>"$WORK/dbserver.err" &
DBSERVER_PID=$!
URI=""
for _ in $(seq 1 300); do
	URI=$(grep -o 'mongodb://[^ ]*' "$WORK/dbserver.out" 2>/dev/null || true)
	[ -n "$URI" ] && break
	kill -0 "$DBSERVER_PID" 2>/dev/null || { cat "$WORK/dbserver.err"; die "rectify dbserver exited"; }
	sleep 0.1
done
[ -n "$URI" ] || die "rectify dbserver did not report its address"
echo "engine at $URI (PostgreSQL on 127.0.0.1:$PGPORT)"

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
