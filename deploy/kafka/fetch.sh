#!/usr/bin/env bash
# Fetch the Apache Kafka broker jars (kafka_2.13 + runtime deps + log4j2 binding) with Maven
# into ${AR_CACHE_DIR:-$REPO/.cache}/kafka/<version>/libs. Idempotent: does nothing when the
# libs are already there. Prints the libs directory on stdout (progress goes to stderr).
#
# Env: AR_CACHE_DIR     cache root (default $REPO/.cache)
#      KAFKA_VERSION    override deploy/kafka/VERSION (not normally needed)
#      AR_MAVEN_REPO    Maven local repository (default: Maven's own, ~/.m2/repository)
#      MAVEN_ARGS_EXTRA extra arguments for mvn (e.g. -o for offline)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$HERE/../lib/common.sh"
AR_LOG_TAG=kafka-fetch
# Progress to stderr; stdout carries only the libs directory (start.sh reads it).
exec 3>&1 1>&2

KAFKA_VERSION="${KAFKA_VERSION:-$(tr -d '[:space:]' <"$HERE/VERSION")}"
[[ -n "$KAFKA_VERSION" ]] || die "empty $HERE/VERSION"
CACHE_ROOT="${AR_CACHE_DIR:-$REPO/.cache}"
DEST="$CACHE_ROOT/kafka/$KAFKA_VERSION"
LIBS="$DEST/libs"
MARKER="$DEST/.fetched"

if [[ -f "$MARKER" && -f "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]]; then
  log "Kafka $KAFKA_VERSION already fetched ($(find "$LIBS" -name '*.jar' | wc -l) jars)"
  printf '%s\n' "$LIBS" >&3
  exit 0
fi

command -v mvn >/dev/null 2>&1 || die "mvn not found (Debian: apt-get install -y maven)"
command -v java >/dev/null 2>&1 || die "java not found (Debian: apt-get install -y openjdk-17-jre-headless)"

start=$(now_ms)
log "fetching Kafka $KAFKA_VERSION with Maven into $LIBS"
mkdir -p "$DEST"
TMP="$DEST/libs.tmp.$$"
rm -rf "$TMP"
trap 'rm -rf "$TMP"' EXIT

mvn_args=(-B -q -f "$HERE/pom.xml" -Dkafka.version="$KAFKA_VERSION")
[[ -n "${AR_MAVEN_REPO:-}" ]] && mvn_args+=(-Dmaven.repo.local="$AR_MAVEN_REPO")
# shellcheck disable=SC2206
[[ -n "${MAVEN_ARGS_EXTRA:-}" ]] && mvn_args+=($MAVEN_ARGS_EXTRA)

if ! mvn "${mvn_args[@]}" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$TMP" >"$DEST/fetch.log" 2>&1; then
  tail -n 30 "$DEST/fetch.log" >&2 || true
  die "mvn dependency:copy-dependencies failed (full log: $DEST/fetch.log)"
fi
[[ -f "$TMP/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "kafka_2.13-$KAFKA_VERSION.jar missing after fetch"

rm -rf "$LIBS"
mv "$TMP" "$LIBS"
trap - EXIT
printf 'version=%s\nfetched_at=%s\njars=%s\n' "$KAFKA_VERSION" "$(date -u +%FT%TZ)" \
  "$(find "$LIBS" -name '*.jar' | wc -l)" >"$MARKER"
log "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars in $(( $(now_ms) - start )) ms"
printf '%s\n' "$LIBS" >&3
