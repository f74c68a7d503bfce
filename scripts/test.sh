#!/usr/bin/env bash
# The test command of appealbot:  scripts/test.sh [packages...]   (default ./...)
#
# 1. Makes sure a PostgreSQL server is reachable and exports APPEALBOT_TEST_DATABASE_URL
#    (a database whose role may CREATE DATABASE; the Go tests make one database per test):
#      - APPEALBOT_TEST_DATABASE_URL already set: used as is;
#      - else a server on 127.0.0.1:5432 with trust auth (user postgres, then root);
#      - else a private server (initdb + pg_ctl on a free port in a temp dir), stopped and
#        removed on exit. As root it runs as the postgres user (via runuser) and installs
#        Debian's postgresql package first if the server binaries are missing.
# 2. Builds the Dendrite homeserver of the Matrix tests unless it is cached.
# 3. go vet, then go test -race -count=1 -v (and the ladder's property test once more
#    without -race, at full size), printing a summary whose last line is
#    "N passed, M failed, K skipped"; exits with go test's status.
#
# Knobs (environment):
#   APPEALBOT_TEST_DATABASE_URL  use this server (must allow CREATE DATABASE).
#   APPEALBOT_TEST_PG_PRIVATE=1  skip detection and always start a private server.
#   APPEALBOT_TEST_PG_PORT=N     first port tried for the private server (default 55432).
#   APPEALBOT_SKIP_POSTGRES=1    no PostgreSQL at all (the PostgreSQL tests are then allowed
#                                to skip; otherwise the run fails if none of them passed).
#   APPEALBOT_SKIP_MATRIX=1      no Matrix homeserver: the Matrix tests skip (otherwise
#                                Dendrite is built once into the user cache dir first).
#   APPEALBOT_TEST_LOG=FILE      keep a copy of the full go test -v log there.
#   GOFLAGS                      honoured by the go command as usual.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ $# -gt 0 ]]; then pkgs=("$@"); else pkgs=(./...); fi

tmp_root=""
pg_data=""
pg_ctl_bin=""
is_root=false
[[ $(id -u) -eq 0 ]] && is_root=true

# as_pg CMD...: run a PostgreSQL server command as the postgres user when we are root.
as_pg() {
	if $is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

child=""

# shellcheck disable=SC2317  # invoked by traps
cleanup() {
	local rc=$?
	if [[ -n $child ]]; then # interrupted while go ran: stop it and its test binaries
		kill -TERM -- "-$child" 2>/dev/null || kill -TERM "$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
	fi
	if [[ -n $pg_data && -f $pg_data/postmaster.pid ]]; then
		as_pg "$pg_ctl_bin" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	if [[ -n $pg_data ]]; then rm -rf "$pg_data"; fi
	if [[ -n $tmp_root ]]; then rm -rf "$tmp_root"; fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

# run_child CMD...: run CMD in its own process group (so a signal to this script can stop
# it and the test binaries it starts at once) and return its exit status.
run_child() {
	local rc=0
	if command -v setsid >/dev/null; then setsid "$@" & else "$@" & fi
	child=$!
	wait "$child" || rc=$?
	child=""
	return "$rc"
}

tmp_root=$(mktemp -d "${TMPDIR:-/tmp}/appealbot-test.XXXXXX")

redact() { sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#'; }

export PGCONNECT_TIMEOUT=5

# pg_ok URL: the server answers and the role may create databases.
pg_ok() {
	local out
	out=$(psql -X -A -t -w -q "$1" -c \
		'select rolsuper or rolcreatedb from pg_roles where rolname = current_user' 2>/dev/null) || return 1
	[[ $out == t ]]
}

pg_version() {
	psql -X -A -t -w -q "$1" -c 'show server_version' 2>/dev/null || echo unknown
}

find_pg_bin() { # NAME: newest /usr/lib/postgresql/*/bin/NAME, else PATH
	local d
	while IFS= read -r d; do
		if [[ -x $d/$1 ]]; then echo "$d/$1"; return 0; fi
	done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r)
	command -v "$1" 2>/dev/null
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_private_pg() {
	local initdb_bin base port locale=C
	initdb_bin=$(find_pg_bin initdb || true)
	pg_ctl_bin=$(find_pg_bin pg_ctl || true)
	if [[ -z $initdb_bin || -z $pg_ctl_bin ]] || ! command -v psql >/dev/null; then
		if ! $is_root; then
			echo "test.sh: no PostgreSQL server reachable and initdb/pg_ctl/psql not found;" >&2
			echo "  install Debian's postgresql package (as root: apt-get install -y postgresql)" >&2
			echo "  or set APPEALBOT_TEST_DATABASE_URL to a server whose role may CREATE DATABASE." >&2
			exit 1
		fi
		echo "test.sh: installing PostgreSQL (apt-get install postgresql)..." >&2
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2
		apt-get install -y -qq postgresql >&2 </dev/null
		initdb_bin=$(find_pg_bin initdb)
		pg_ctl_bin=$(find_pg_bin pg_ctl)
	fi

	# A short path (the unix socket lives there) that the postgres user can reach.
	base=${TMPDIR:-/tmp}
	if [[ ${#base} -gt 60 ]] || { $is_root && ! runuser -u postgres -- test -x "$base"; }; then base=/tmp; fi
	pg_data=$(mktemp -d "$base/appealbot-pg.XXXXXX")
	chmod 700 "$pg_data"
	if $is_root; then chown postgres: "$pg_data"; fi
	if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi

	as_pg "$initdb_bin" -D "$pg_data" -A trust -U postgres -E UTF8 --locale="$locale" -N \
		>"$tmp_root/initdb.log" 2>&1 || {
		cat "$tmp_root/initdb.log" >&2
		echo "test.sh: initdb failed" >&2
		exit 1
	}

	port=${APPEALBOT_TEST_PG_PORT:-55432}
	local tries=0
	while :; do
		if ! port_in_use "$port"; then
			if as_pg "$pg_ctl_bin" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
				-o "-c listen_addresses=127.0.0.1 -p $port -k $pg_data -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
				start >/dev/null 2>&1; then
				break
			fi
			# Lost a race for the port, or a real failure: show the log after a few tries.
			if [[ $tries -ge 5 ]]; then
				cat "$pg_data/server.log" >&2 || true
				echo "test.sh: could not start a private PostgreSQL server" >&2
				exit 1
			fi
			tries=$((tries + 1))
		fi
		port=$((port + 1))
		if [[ $port -gt $((${APPEALBOT_TEST_PG_PORT:-55432} + 200)) ]]; then
			echo "test.sh: no free port for a private PostgreSQL server" >&2
			exit 1
		fi
	done
	APPEALBOT_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
	if ! pg_ok "$APPEALBOT_TEST_DATABASE_URL"; then
		cat "$pg_data/server.log" >&2 || true
		echo "test.sh: private PostgreSQL server started but does not answer" >&2
		exit 1
	fi
	echo "PostgreSQL: private server $(pg_version "$APPEALBOT_TEST_DATABASE_URL") at 127.0.0.1:$port (data in $pg_data, removed on exit)"
}

setup_pg() {
	if [[ ${APPEALBOT_SKIP_POSTGRES:-} == 1 ]]; then
		echo "PostgreSQL: none (APPEALBOT_SKIP_POSTGRES=1)"
		return
	fi
	if [[ -n ${APPEALBOT_TEST_DATABASE_URL:-} ]]; then
		if command -v psql >/dev/null; then
			if ! psql -X -w -q "$APPEALBOT_TEST_DATABASE_URL" -c 'select 1' >/dev/null; then
				echo "test.sh: APPEALBOT_TEST_DATABASE_URL does not answer: $(redact <<<"$APPEALBOT_TEST_DATABASE_URL")" >&2
				exit 1
			fi
			echo "PostgreSQL: $(pg_version "$APPEALBOT_TEST_DATABASE_URL") from APPEALBOT_TEST_DATABASE_URL=$(redact <<<"$APPEALBOT_TEST_DATABASE_URL")"
		else
			echo "PostgreSQL: from APPEALBOT_TEST_DATABASE_URL=$(redact <<<"$APPEALBOT_TEST_DATABASE_URL") (not checked: no psql)"
		fi
		export APPEALBOT_TEST_DATABASE_URL
		return
	fi
	if [[ ${APPEALBOT_TEST_PG_PRIVATE:-} != 1 ]] && command -v psql >/dev/null; then
		if ! command -v pg_isready >/dev/null || pg_isready -q -h 127.0.0.1 -p 5432 -t 5; then
			local user db url
			for user in postgres root; do
				for db in postgres test; do
					url="postgres://$user@127.0.0.1:5432/$db?sslmode=disable"
					if pg_ok "$url"; then
						export APPEALBOT_TEST_DATABASE_URL=$url
						echo "PostgreSQL: existing server $(pg_version "$url") at 127.0.0.1:5432 (user $user, database $db)"
						return
					fi
				done
			done
		fi
	fi
	start_private_pg
	export APPEALBOT_TEST_DATABASE_URL
}

setup_pg

# The Matrix tests run against a Dendrite homeserver that is built once and cached;
# building it here keeps a cold build (minutes) out of the tests' time-outs. A failed
# build is reported here and again, with its reason, by the tests that need it.
if [[ ${APPEALBOT_SKIP_MATRIX:-} == 1 ]]; then
	echo "Matrix: no homeserver (APPEALBOT_SKIP_MATRIX=1)"
elif dendrite_dir=$(go run ./bot/matrix/matrixtest/build); then
	echo "Matrix: Dendrite in $dendrite_dir"
else
	echo "test.sh: the Dendrite homeserver could not be built; the Matrix tests will fail (APPEALBOT_SKIP_MATRIX=1 skips them)" >&2
fi

# -race needs cgo; without it run plainly rather than fail.
race=(-race)
if [[ $(go env CGO_ENABLED) != 1 ]]; then
	echo "test.sh: CGO_ENABLED is not 1, running without -race" >&2
	race=()
fi

# vet with the same build flags as the tests, so both share one compiled set of packages.
echo "go vet ${race[*]} ${pkgs[*]}"
run_child go vet "${race[@]}" "${pkgs[@]}" || {
	rc=$?
	echo "test.sh: go vet failed (exit $rc)"
	exit "$rc"
}

log="$tmp_root/go-test.log"
echo "go test ${race[*]} -count=1 -v ${pkgs[*]}"
status=0
run_child go test "${race[@]}" -count=1 -v "${pkgs[@]}" >"$log" 2>&1 || status=$?
# The ladder's property test runs two of its random histories per store under the race
# detector, which makes the pure-Go SQLite some 25 times slower; here it runs them all,
# without it (about a minute and a half on two cores).
if [[ ${#race[@]} -gt 0 ]] && printf '%s\n' "${pkgs[@]}" | grep -qxE '\./\.\.\.|\./reminders/?(\.\.\.)?'; then
	echo "go test -count=1 -v -run '^TestLadderProperty\$' ./reminders"
	run_child go test -count=1 -v -run '^TestLadderProperty$' ./reminders >>"$log" 2>&1 || status=$?
fi
if [[ -n ${APPEALBOT_TEST_LOG:-} ]]; then cp "$log" "$APPEALBOT_TEST_LOG"; fi

count() { grep -cE -- "$1" "$log" || true; }

if [[ $status -ne 0 ]]; then
	lines=$(wc -l <"$log")
	if [[ $lines -le 3000 ]]; then
		echo "===== full go test log ($lines lines) ====="
		cat "$log"
	else
		echo "===== failed tests (with their output) ====="
		# Pass 1 collects the names of failed tests; pass 2 prints the output that
		# go test -v put under those names (=== RUN/CONT/NAME headers).
		awk 'NR == FNR {
				if ($0 ~ /^ *--- FAIL: /) { n = $0; sub(/^ *--- FAIL: /, "", n); sub(/ .*/, "", n); failed[n] = 1 }
				next
			}
			/^=== (RUN|CONT|NAME)/ { show = ($3 in failed); if (show) print; next }
			/^=== PAUSE/ { show = 0; next }
			/^ *--- (PASS|SKIP)/ { show = 0; next }
			/^ *--- FAIL/ { show = 0; print; next }
			show' "$log" "$log"
		echo "===== panics ====="
		grep -E -A 60 '^panic:' "$log" || true
		echo "===== last 400 lines of the go test log ====="
		tail -n 400 "$log"
	fi
	echo "===== summary ====="
fi

grep -E '^(ok|FAIL|---|panic:|\?)' "$log" | grep -vE '^--- PASS' || true

pg_pass=$(count '^ *--- PASS: .*/postgres')
sqlite_pass=$(count '^ *--- PASS: .*/sqlite')
passed=$(count '^ *--- PASS')
failed=$(count '^ *--- FAIL')
skipped=$(count '^ *--- SKIP')
echo "PostgreSQL subtests passed: $pg_pass; SQLite subtests passed: $sqlite_pass"

if [[ $pg_pass -eq 0 && ${APPEALBOT_SKIP_POSTGRES:-} != 1 ]]; then
	echo "PostgreSQL tests did not run (no passing test named .../postgres); set APPEALBOT_SKIP_POSTGRES=1 to allow that"
	[[ $status -ne 0 ]] || status=1
fi

echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
