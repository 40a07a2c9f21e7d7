#!/usr/bin/env bash
# Stop the broker started by deploy/kafka/start.sh (SIGTERM, then SIGKILL after a timeout).
# Usage: deploy/kafka/stop.sh [--wipe]    (--wipe or KAFKA_WIPE=1 also deletes KAFKA_DIR)
# Env: KAFKA_DIR (default $REPO/var/kafka-test), KAFKA_STOP_TIMEOUT (seconds, default 30)
# Without KAFKA_DIR, when no broker runs in the default directory but another broker of this
# repository does (e.g. the local cluster's, var/cluster/kafka), it names it and exits 1.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$HERE/../lib/common.sh"
AR_LOG_TAG=kafka

DIR_GIVEN=${KAFKA_DIR:+1}
KAFKA_DIR="${KAFKA_DIR:-$REPO/var/kafka-test}"
WIPE="${KAFKA_WIPE:-0}"
for arg in "$@"; do
  case "$arg" in
    --wipe) WIPE=1 ;;
    *) die "unknown argument: $arg (usage: stop.sh [--wipe])" ;;
  esac
done

PIDFILE="$KAFKA_DIR/kafka.pid"
if pid_alive "$PIDFILE" && ! tr '\0' ' ' <"/proc/$(<"$PIDFILE")/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'; then
  warn "pid $(<"$PIDFILE") in $PIDFILE is not a Kafka broker; not signalling it"
  rm -f "$PIDFILE"
fi
# Brokers of this repository running from other directories (the local cluster's, a test's):
# their KAFKA_DIR, from the server.properties on their command line.
other_brokers() {
  local cmdline props dir
  for cmdline in /proc/[0-9]*/cmdline; do
    props=$(tr '\0' '\n' <"$cmdline" 2>/dev/null | grep -A1 -x 'kafka\.Kafka' | tail -n 1) || continue
    dir=$(dirname "$props")
    [[ "$props" == "$REPO"/var/*/server.properties && "$dir" != "$KAFKA_DIR" ]] && printf '%s\n' "${dir#"$REPO"/}"
  done | sort -u
}

# Without KAFKA_DIR the default (the tests' broker) is meant. If none runs there but
# another broker of this repository does, "not running" would mislead: say which one
# runs, how to stop it, and fail.
if [[ -z "$DIR_GIVEN" ]] && ! pid_alive "$PIDFILE"; then
  others=$(other_brokers)
  if [[ -n "$others" ]]; then
    die "no broker in ${KAFKA_DIR#"$REPO"/} (the default KAFKA_DIR), but this repository's broker runs from: $others. Stop the local cluster's with: deploy/local-cluster.sh stop kafka (or: KAFKA_DIR=<dir> $0)"
  fi
fi

t0=$(now_ms)
stop_pid "$PIDFILE" "Kafka ($KAFKA_DIR)" "${KAFKA_STOP_TIMEOUT:-30}"
log "stop took $(( $(now_ms) - t0 )) ms"

if [[ "$WIPE" == 1 && -d "$KAFKA_DIR" ]]; then
  rm -rf "$KAFKA_DIR"
  log "wiped $KAFKA_DIR"
fi
