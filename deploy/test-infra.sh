#!/usr/bin/env bash
# The real Kafka broker and PostgreSQL server the tests need, in one command.
#
#   deploy/test-infra.sh run [--keep] -- CMD...   fresh broker + db, run CMD with the test env,
#                                                 stop and wipe both (--keep: leave them running),
#                                                 exit with CMD's status
#   deploy/test-infra.sh up [--fresh]             start both (--fresh: wipe old data first)
#   deploy/test-infra.sh down [--wipe]            stop both
#   deploy/test-infra.sh env                      print the export lines for the tests
#
# Env: KAFKA_PORT (19092), KAFKA_DIR ($REPO/var/kafka-test), PG_PORT (15432),
#      PG_DIR ($REPO/var/pg-test); PG_FAST=1 is set here (tests only).
# The tests read AR_TEST_KAFKA_BOOTSTRAP and AR_TEST_POSTGRES_URL.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "$HERE/lib/common.sh"
AR_LOG_TAG=test-infra

export KAFKA_PORT="${KAFKA_PORT:-19092}"
export KAFKA_DIR="${KAFKA_DIR:-$REPO/var/kafka-test}"
export PG_PORT="${PG_PORT:-15432}"
export PG_DIR="${PG_DIR:-$REPO/var/pg-test}"
export PG_FAST=1
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/ar_test"

down() {
  "$HERE/kafka/stop.sh" "$@"
  "$HERE/postgres/stop.sh" "$@"
}

up() {
  local t0
  t0=$(now_ms)
  if [[ "${1:-}" == --fresh ]]; then
    down --wipe >/dev/null
  fi
  "$HERE/kafka/start.sh"
  PG_DATABASES="ar_ledger ar_credit ar_dunning ar_reporting ar_test" "$HERE/postgres/start.sh" >/dev/null
  log "kafka $BOOTSTRAP and postgres $PG_URL ready in $(( $(now_ms) - t0 )) ms"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) shift; down "$@" ;;
  env)
    printf 'export AR_TEST_KAFKA_BOOTSTRAP=%s\n' "$BOOTSTRAP"
    printf 'export AR_TEST_POSTGRES_URL=%s\n' "$PG_URL"
    ;;
  run)
    shift
    keep=0
    if [[ "${1:-}" == --keep ]]; then keep=1; shift; fi
    [[ "${1:-}" == -- ]] && shift
    [[ $# -gt 0 ]] || die "usage: test-infra.sh run [--keep] -- CMD..."
    if [[ $keep == 0 ]]; then
      trap 'down --wipe >/dev/null 2>&1 || true' EXIT
      trap 'exit 130' INT TERM
    fi
    up --fresh
    rc=0
    AR_TEST_KAFKA_BOOTSTRAP="$BOOTSTRAP" AR_TEST_POSTGRES_URL="$PG_URL" "$@" || rc=$?
    if [[ $keep == 0 ]]; then
      trap - EXIT
      down --wipe >/dev/null || warn "stopping the test broker/db failed"
      log "stopped kafka and postgres"
    fi
    exit "$rc"
    ;;
  *) die "usage: $0 run [--keep] -- CMD... | up [--fresh] | down [--wipe] | env" ;;
esac
