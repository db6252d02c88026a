#!/usr/bin/env bash
# Fuzz every decoder the public or a user can reach, each for a bounded
# time (make test runs this with the defaults: about two minutes).
# Usage: scripts/fuzz.sh [TIME], e.g. scripts/fuzz.sh 5m for a longer hunt.
#
# Plain `go test` already replays each target's committed corpus
# (testdata/fuzz/<Target>/) as regression tests. When fuzzing finds a
# failure, Go writes the input to testdata/fuzz/<Target>/: fix the bug and
# commit that file with the fix, so that the input is replayed for ever.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${1:-}

# package and target: the JSON bodies of every API endpoint, query strings,
# multipart uploads, the login form and its redirect, unit files.
TARGETS=(
	"./web FuzzAPIBodies"
	"./web FuzzQueryStrings"
	"./web FuzzEvidenceUpload"
	"./web FuzzLoginForm"
	"./web FuzzSafeNext"
	"./web FuzzFlash"
	"./cases/unitfile FuzzParse"
)

for t in "${TARGETS[@]}"; do
	set -- $t
	time=${FUZZTIME:-10s}
	# Each login attempt hashes a password (Argon2id), slow by design.
	if [ -z "$FUZZTIME" ] && [ "$2" = FuzzLoginForm ]; then time=20s; fi
	echo "== fuzz $2 ($1, $time)"
	# -parallel 2: this machine's cores; each worker runs its own engine.
	if ! go test "$1" -run='^$' -fuzz="^$2\$" -fuzztime="$time" -parallel 2 >"${TMPDIR:-/tmp}/fuzz-$2.log" 2>&1; then
		tail -30 "${TMPDIR:-/tmp}/fuzz-$2.log"
		echo "fuzz $2 failed: the failing input is in $1/testdata/fuzz/$2/"
		exit 1
	fi
	grep "execs" "${TMPDIR:-/tmp}/fuzz-$2.log" | tail -1 || true
done
