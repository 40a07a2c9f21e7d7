# Helpers shared by deploy/postgres/start.sh and stop.sh. Source after ../lib/common.sh.
# shellcheck shell=bash

PG_DIR="${PG_DIR:-$REPO/var/pg-test}"
PG_PORT="${PG_PORT:-15432}"

# Sets PG_BINDIR to a directory holding initdb and pg_ctl; returns 1 when there is none.
pg_find_bindir() {
  local d candidates=()
  [[ -n "${PG_BINDIR:-}" ]] && candidates+=("$PG_BINDIR")
  # Newest Debian server first, then whatever pg_config points at.
  while IFS= read -r d; do candidates+=("$d"); done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV)
  command -v pg_config >/dev/null 2>&1 && candidates+=("$(pg_config --bindir 2>/dev/null || true)")
  for d in "${candidates[@]}"; do
    if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
      PG_BINDIR="$d"
      return 0
    fi
  done
  return 1
}

pg_run_user() { if [[ $EUID -eq 0 ]]; then echo postgres; else id -un; fi; }

# Run a command as the cluster's owner (postgres when we are root).
pg_as() {
  if [[ $EUID -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_running() {
  [[ -f "$PG_DIR/data/PG_VERSION" ]] && pg_as "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1
}

pg_psql() {
  "$PG_BINDIR/psql" -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"
}
