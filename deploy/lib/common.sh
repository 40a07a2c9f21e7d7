# Shared helpers for the deploy/ scripts. Source it; do not execute it.
# shellcheck shell=bash

# REPO: the repository root (two levels above deploy/lib/).
REPO="${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export REPO

log()  { printf '[%s] %s\n' "${AR_LOG_TAG:-deploy}" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "${AR_LOG_TAG:-deploy}" "$*" >&2; }
die()  { printf '[%s] ERROR: %s\n' "${AR_LOG_TAG:-deploy}" "$*" >&2; exit 1; }

# Milliseconds since the epoch (for timings).
now_ms() { date +%s%3N; }

# The project's Python (the virtualenv), falling back to python3.
ar_python() {
  if [[ -n "${AR_PYTHON:-}" ]]; then
    printf '%s\n' "$AR_PYTHON"
  elif [[ -x "$REPO/.venv/bin/python" ]]; then
    printf '%s\n' "$REPO/.venv/bin/python"
  else
    command -v python3 || die "no python found (expected $REPO/.venv/bin/python)"
  fi
}

# pid_alive PIDFILE -> 0 when the file names a live process.
pid_alive() {
  local pidfile=$1 pid
  [[ -s "$pidfile" ]] || return 1
  pid=$(<"$pidfile")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  proc_alive "$pid"
}

# proc_alive PID -> 0 when the process exists and is not a zombie.
proc_alive() {
  local pid=$1 state
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/stat" ]]; then
    state=$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$pid/stat" 2>/dev/null || true)
    [[ "$state" != Z ]] || return 1
  fi
  return 0
}

# port_in_use PORT -> 0 when something listens on 127.0.0.1:PORT (or any address).
port_in_use() {
  local port=$1
  if command -v ss >/dev/null 2>&1; then
    ss -Hltn "sport = :$port" 2>/dev/null | grep -q .
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}

# stop_pid PIDFILE NAME TIMEOUT_S [group]: SIGTERM, wait, SIGKILL after the timeout.
# With "group", signals the whole process group (processes started with setsid).
stop_pid() {
  local pidfile=$1 name=$2 timeout=${3:-30} group=${4:-} pid target i
  if ! pid_alive "$pidfile"; then
    rm -f "$pidfile"
    log "$name: not running"
    return 0
  fi
  pid=$(<"$pidfile")
  target=$pid
  [[ "$group" == group ]] && target="-$pid"
  log "$name: stopping (pid $pid, SIGTERM)"
  kill -TERM -- "$target" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    proc_alive "$pid" || break
    sleep 0.1
  done
  if proc_alive "$pid"; then
    warn "$name: still alive after ${timeout}s, sending SIGKILL"
    kill -KILL -- "$target" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      proc_alive "$pid" || break
      sleep 0.1
    done
  fi
  rm -f "$pidfile"
  log "$name: stopped"
}
