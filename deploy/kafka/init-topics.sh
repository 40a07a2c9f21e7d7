#!/bin/sh
# docker-compose's one-shot `kafka-init`: create the topics of shared/events/topics.txt
# (mounted at $TOPICS_FILE) with the apache/kafka image's own kafka-topics.sh. POSIX sh.
# Idempotent: topics that already exist are skipped (--if-not-exists as a second guard).
set -eu
BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:9092}"
TOPICS_FILE="${TOPICS_FILE:-/topics/topics.txt}"
BIN="${KAFKA_BIN:-/opt/kafka/bin}"
# Short-lived CLI JVMs: small heap, quick start.
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx128m}"
export KAFKA_JVM_PERFORMANCE_OPTS="${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}"

[ -r "$TOPICS_FILE" ] || { echo "kafka-init: topics file not found: $TOPICS_FILE" >&2; exit 1; }
existing=$("$BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --list)
created=0
present=0
while read -r topic partitions rest || [ -n "${topic:-}" ]; do
  case "$topic" in '' | '#'*) continue ;; esac
  case "$partitions" in
    '' | *[!0-9]*) echo "kafka-init: bad line for topic '$topic' (want '<topic> <partitions>')" >&2; exit 1 ;;
  esac
  if printf '%s\n' "$existing" | grep -qxF -- "$topic"; then
    present=$((present + 1))
    continue
  fi
  "$BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$topic" --partitions "$partitions" --replication-factor 1 >/dev/null
  echo "kafka-init: created $topic ($partitions partitions)"
  created=$((created + 1))
done <"$TOPICS_FILE"
echo "kafka-init: $created created, $present already present"
