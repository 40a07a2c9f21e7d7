#!/usr/bin/env bash
# make bench: start a real Kafka broker and a durable PostgreSQL (fsync on, unlike the
# test harness), run every benchmark in bench/, print figures and same-run ratios,
# stop what was started. Results are also appended to var/bench/latest.txt.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
scripts/system-deps.sh
scripts/bootstrap.sh
export KAFKA_PORT="${BENCH_KAFKA_PORT:-39092}" KAFKA_DIR="$REPO/var/kafka-bench"
export PG_PORT="${BENCH_PG_PORT:-35432}" PG_DIR="$REPO/var/pg-bench"
unset PG_FAST
cleanup() { set +e; deploy/kafka/stop.sh >/dev/null 2>&1; deploy/postgres/stop.sh >/dev/null 2>&1; }
trap cleanup EXIT INT TERM
deploy/kafka/fetch.sh
rm -rf "$KAFKA_DIR"
deploy/kafka/start.sh
PG_DATABASES="ar_ledger ar_credit ar_dunning ar_reporting ar_test" deploy/postgres/start.sh
export AR_BENCH_KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
export AR_BENCH_POSTGRES_URL="postgresql://postgres@127.0.0.1:$PG_PORT/ar_test"
mkdir -p var/bench
benches=("$@")
[ ${#benches[@]} -gt 0 ] || benches=(event_plumbing ledger_ingest aging_sweep credit_check embedded_backlog dunning_sweep reporting_aging reporting_outputs reporting_pack)
for b in "${benches[@]}"; do
  [ -f "bench/$b.py" ] || { echo "[bench] skipping $b (bench/$b.py not present)"; continue; }
  echo "[bench] $b"
  .venv/bin/python -m "bench.$b" | tee -a var/bench/latest.txt
done
