#!/usr/bin/env bash
# Stop the broker started by deploy/kafka/start.sh (SIGTERM, then SIGKILL after a timeout).
# Usage: deploy/kafka/stop.sh [--wipe]    (--wipe or KAFKA_WIPE=1 also deletes KAFKA_DIR)
# Env: KAFKA_DIR (default $REPO/var/kafka-test), KAFKA_STOP_TIMEOUT (seconds, default 30)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$HERE/../lib/common.sh"
AR_LOG_TAG=kafka

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
t0=$(now_ms)
stop_pid "$PIDFILE" "Kafka ($KAFKA_DIR)" "${KAFKA_STOP_TIMEOUT:-30}"
log "stop took $(( $(now_ms) - t0 )) ms"

if [[ "$WIPE" == 1 && -d "$KAFKA_DIR" ]]; then
  rm -rf "$KAFKA_DIR"
  log "wiped $KAFKA_DIR"
fi
