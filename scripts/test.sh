#!/usr/bin/env bash
# make test: install, start a real Kafka broker and a real PostgreSQL, run every test
# (unit, integration, end-to-end), stop what was started — also on failure or Ctrl-C.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
started=$(date +%s)
scripts/system-deps.sh
scripts/bootstrap.sh

export KAFKA_PORT="${KAFKA_PORT:-19092}" KAFKA_DIR="${KAFKA_DIR:-$REPO/var/kafka-test}"
export PG_PORT="${PG_PORT:-15432}" PG_DIR="${PG_DIR:-$REPO/var/pg-test}" PG_FAST=1
cleanup() {
  set +e
  deploy/kafka/stop.sh >/dev/null 2>&1
  deploy/postgres/stop.sh >/dev/null 2>&1
}
trap cleanup EXIT INT TERM

deploy/kafka/fetch.sh
rm -rf "$KAFKA_DIR"   # a fresh broker per run: no topic history from earlier runs
deploy/kafka/start.sh
PG_DATABASES="ar_ledger ar_credit ar_dunning ar_reporting ar_test" deploy/postgres/start.sh

export AR_TEST_KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
export AR_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$PG_PORT/ar_test"
echo "[test] kafka $AR_TEST_KAFKA_BOOTSTRAP, postgres $AR_TEST_POSTGRES_URL"
set +e
.venv/bin/python -m pytest -p no:cacheprovider "$@"
status=$?
set -e
echo "[test] finished in $(( $(date +%s) - started ))s with status $status"
exit $status
