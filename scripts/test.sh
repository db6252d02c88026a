#!/usr/bin/env bash
# The whole test suite (make test). It installs and starts what it needs and
# fails loudly when it cannot; nothing is skipped.
#   1. gofmt and go vet.
#   2. go test -race ./... against an external engine: `rectify dbserver`
#      (FerretDB, PostgreSQL backend) in its own non-race process, on a
#      throwaway PostgreSQL cluster on a free loopback port.
#   3. go test ./... without -race, against the embedded engine in process.
# The browser tests drive Debian's Chromium (installed here if missing) and
# save screenshots of the console to artifacts/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }
die() { printf '\nFAIL: %s\n' "$*" >&2; exit 1; }

WORK=$(mktemp -d /tmp/rectify-test.XXXXXX)
chmod 755 "$WORK"
DBSERVER_PID=""
PGBIN=""
cleanup() {
	[ -n "$DBSERVER_PID" ] && kill "$DBSERVER_PID" 2>/dev/null && wait "$DBSERVER_PID" 2>/dev/null || true
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
free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$(( (RANDOM % 20000) + 30000 ))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
	die "no free loopback port found"
}

# --- Chromium for the browser tests ---------------------------------------
install_chromium() {
	if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then return; fi
	say "installing Chromium and CJK fonts (Debian packages)"
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq || die "apt-get update failed: cannot install Chromium"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-noto-cjk >/dev/null || die "apt-get install chromium failed"
	command -v chromium >/dev/null 2>&1 || die "Chromium installed but not on PATH"
}

install_postgres
install_chromium
export RECTIFY_CHROMIUM=$(command -v chromium)
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

say "go test -race ./...  (external engine: $URI)"
RECTIFY_TEST_MONGO_URI="$URI" go test -race -count=1 -timeout 30m ./...

say "go test ./...  (embedded engine in process)"
RECTIFY_TEST_MONGO_URI= go test -count=1 -timeout 30m ./...

say "all tests passed (browser screenshots in artifacts/screenshots/)"
