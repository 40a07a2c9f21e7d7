#!/usr/bin/env bash
# Start a private PostgreSQL server (Debian's binaries, no systemd) for tests and the local
# cluster, and create the project's databases. Idempotent: an already running server of
# PG_DIR is reused. Prints the URL base on its last line.
#
# Env: PG_DIR        cluster directory (default $REPO/var/pg-test; data in $PG_DIR/data)
#      PG_PORT       port on 127.0.0.1 (default 15432)
#      PG_FAST=1     fsync/synchronous_commit/full_page_writes off (tests only: unsafe on crash)
#      PG_DATABASES  databases to create (default "ar_ledger ar_credit ar_dunning ar_reporting": the
#                    services'; the test harness adds ar_test itself, so restarting the local
#                    cluster's server with this script never adds a test database to it)
#      PG_BINDIR     directory of initdb/pg_ctl (default: newest /usr/lib/postgresql/*/bin)
#      PG_START_TIMEOUT seconds (default 60)
# As root, initdb/postgres run as the `postgres` user (created if missing) via runuser;
# without root they run as the current user. Auth is `trust` on 127.0.0.1: local use only.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$HERE/../lib/common.sh"
# shellcheck source=pg-common.sh
source "$HERE/pg-common.sh"
AR_LOG_TAG=postgres

PG_DATABASES="${PG_DATABASES:-ar_ledger ar_credit ar_dunning ar_reporting}"
PG_START_TIMEOUT="${PG_START_TIMEOUT:-60}"
t0=$(now_ms)

pg_find_bindir || {
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "PostgreSQL server binaries not found; installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q postgresql >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null; } \
      || die "apt-get install postgresql failed"
    pg_find_bindir || die "postgresql installed but initdb still not found"
  else
    die "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql package or set PG_BINDIR"
  fi
}

if [[ $EUID -eq 0 ]]; then
  id -u postgres >/dev/null 2>&1 || {
    log "creating system user postgres"
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
  }
fi

mkdir -p "$PG_DIR"
PG_DIR="$(cd "$PG_DIR" && pwd)"
PGDATA="$PG_DIR/data"
[[ $EUID -eq 0 ]] && chown postgres: "$PG_DIR"
pg_as test -w "$PG_DIR" || die "$PG_DIR is not writable by $(pg_run_user) (a parent directory may not be traversable)"

if [[ ! -f "$PGDATA/PG_VERSION" ]]; then
  log "initdb $PGDATA ($("$PG_BINDIR/postgres" --version))"
  pg_as "$PG_BINDIR/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --no-locale \
      >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
  echo "include_if_exists = 'ar_local.conf'" | pg_as tee -a "$PGDATA/postgresql.conf" >/dev/null
  pg_as tee "$PGDATA/pg_hba.conf" >/dev/null <<'HBA'
# Written by deploy/postgres/start.sh: local test/dev server, TCP on loopback only, no passwords.
host  all  all  127.0.0.1/32  trust
host  all  all  ::1/128       trust
local all  all                trust
HBA
fi

if pg_running; then
  log "already running (dir $PG_DIR, port $PG_PORT)"
else
  port_in_use "$PG_PORT" && die "port $PG_PORT is already in use (set PG_PORT)"
  fast="" mode=""
  if [[ "${PG_FAST:-0}" == 1 ]]; then
    fast=$'fsync = off\nsynchronous_commit = off\nfull_page_writes = off'
    mode=", PG_FAST: fsync off"
  fi
  # Rewritten at every start so PG_PORT / PG_FAST take effect.
  pg_as tee "$PGDATA/ar_local.conf" >/dev/null <<CONF
# Written by deploy/postgres/start.sh at each start.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
max_connections = 200
shared_buffers = 128MB
log_min_duration_statement = -1
log_line_prefix = '%m [%p] %q%u@%d '
# Rotated: one file per hour of the day in data/log/, each overwritten a day later
# (postgres.log keeps only what is said before the collector starts).
logging_collector = on
log_directory = 'log'
log_filename = 'postgresql-%H.log'
log_rotation_age = 60
log_rotation_size = 0
log_truncate_on_rotation = on
$fast
CONF
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT (dir $PG_DIR$mode)"
  pg_as "$PG_BINDIR/pg_ctl" -D "$PGDATA" -l "$PG_DIR/postgres.log" -w -t "$PG_START_TIMEOUT" start >/dev/null \
    || { tail -n 30 "$PG_DIR/postgres.log" >&2; die "pg_ctl start failed (log: $PG_DIR/postgres.log)"; }
fi

for ((i = 0; i < PG_START_TIMEOUT * 5; i++)); do
  "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres && break
  sleep 0.2
done
"$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres \
  || die "PostgreSQL on 127.0.0.1:$PG_PORT not ready after ${PG_START_TIMEOUT}s (log: $PG_DIR/postgres.log)"

created=()
for db in $PG_DATABASES; do
  [[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || die "bad database name: $db"
  exists=$(pg_psql -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'")
  if [[ "$exists" != 1 ]]; then
    pg_psql -qc "CREATE DATABASE \"$db\"" >/dev/null
    created+=("$db")
  fi
done
log "ready after $(( $(now_ms) - t0 )) ms; databases: $PG_DATABASES${created[*]:+ (created: ${created[*]})}"
printf 'postgresql://postgres@127.0.0.1:%s/\n' "$PG_PORT"
