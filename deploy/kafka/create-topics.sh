#!/usr/bin/env bash
# Create the topics listed in shared/events/topics.txt on a running broker (idempotent).
# Env: KAFKA_BOOTSTRAP (default ${KAFKA_HOST:-127.0.0.1}:${KAFKA_PORT:-19092}),
#      AR_TOPICS_FILE (default shared/events/topics.txt), KAFKA_TOPICS_WAIT (seconds, default 30).
# Extra arguments go to create_topics.py (e.g. --check to verify only).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$HERE/../lib/common.sh"
AR_LOG_TAG=kafka-topics

BOOTSTRAP="${KAFKA_BOOTSTRAP:-${KAFKA_HOST:-127.0.0.1}:${KAFKA_PORT:-19092}}"
TOPICS_FILE="${AR_TOPICS_FILE:-$REPO/shared/events/topics.txt}"
[[ -f "$TOPICS_FILE" ]] || die "topics file not found: $TOPICS_FILE"
what="topic creation"
[[ " $* " == *" --check "* ]] && what="topic check"
out=$("$(ar_python)" "$HERE/create_topics.py" --bootstrap "$BOOTSTRAP" --topics-file "$TOPICS_FILE" \
        --wait "${KAFKA_TOPICS_WAIT:-30}" "$@" 2>&1) || { printf '%s\n' "$out" >&2; die "$what on $BOOTSTRAP failed"; }
log "$BOOTSTRAP: $out"
