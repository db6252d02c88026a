# Shared by scripts/test.sh and scripts/bench.sh: messages, a throwaway work
# directory removed on exit with everything started in it, and the external
# engine (`rectify dbserver` on a throwaway PostgreSQL cluster). Source it
# from the repository's root.

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

# start_external_engine starts PostgreSQL and `rectify dbserver` ($WORK/rectify,
# built by the caller) on free loopback ports and sets URI to its address.
start_external_engine() {
	install_postgres
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
}
