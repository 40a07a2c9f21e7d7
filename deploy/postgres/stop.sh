#!/usr/bin/env bash
# Stop the PostgreSQL server started by deploy/postgres/start.sh.
# Usage: deploy/postgres/stop.sh [--wipe]   (--wipe or PG_WIPE=1 also deletes PG_DIR)
# Env: PG_DIR (default $REPO/var/pg-test), PG_STOP_TIMEOUT (seconds, default 30)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$HERE/../lib/common.sh"
# shellcheck source=pg-common.sh
source "$HERE/pg-common.sh"
AR_LOG_TAG=postgres

WIPE="${PG_WIPE:-0}"
for arg in "$@"; do
  case "$arg" in
    --wipe) WIPE=1 ;;
    *) die "unknown argument: $arg (usage: stop.sh [--wipe])" ;;
  esac
done

if [[ ! -f "$PG_DIR/data/PG_VERSION" ]]; then
  log "no cluster in $PG_DIR"
elif ! pg_find_bindir; then
  die "PostgreSQL binaries not found; cannot stop the server in $PG_DIR"
elif pg_running; then
  t0=$(now_ms)
  if ! pg_as "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m fast -w -t "${PG_STOP_TIMEOUT:-30}" stop >/dev/null 2>&1; then
    warn "fast shutdown timed out; using immediate"
    pg_as "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 10 stop >/dev/null
  fi
  log "stopped ($PG_DIR) in $(( $(now_ms) - t0 )) ms"
else
  log "not running ($PG_DIR)"
fi

if [[ "$WIPE" == 1 && -d "$PG_DIR" ]]; then
  rm -rf "$PG_DIR"
  log "wiped $PG_DIR"
fi
