#!/usr/bin/env bash
# Start the local cluster from a wiped state N times in a row (issue 11: the bootstrap-key
# race made `up` fail 2 times in 4). Each round: down --wipe, up (bounded by
# AR_CLUSTER_TIMEOUT, the whole round by ROUND_TIMEOUT), status, down --wipe. Prints one
# line per round and a summary; exits 1 if any round failed. Everything on 127.0.0.1.
#
# Usage: deploy/cluster-up-loop.sh [N=10]
# Env: every local-cluster.sh variable (ports, AR_CLUSTER_DIR, ...); ROUND_TIMEOUT [300] s.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "$HERE/lib/common.sh"
AR_LOG_TAG=cluster-loop

N="${1:-10}"
[[ "$N" =~ ^[0-9]+$ && "$N" -ge 1 ]] || die "usage: $0 [N]"
ROUND_TIMEOUT="${ROUND_TIMEOUT:-300}"
LOG_DIR="${AR_CLUSTER_DIR:-$REPO/var/cluster}-loop-logs"
mkdir -p "$LOG_DIR"
ok=0 times=()
"$HERE/local-cluster.sh" down --wipe >/dev/null 2>&1 || true
for ((i = 1; i <= N; i++)); do
  t0=$(now_ms)
  # A process the supervisor had to restart during start-up is a failure too (the race of
  # issue 11 would otherwise hide behind the restart): status must show "restarts 0" only.
  if timeout "$ROUND_TIMEOUT" "$HERE/local-cluster.sh" up >"$LOG_DIR/round-$i.log" 2>&1 \
      && "$HERE/local-cluster.sh" status >>"$LOG_DIR/round-$i.log" 2>&1 \
      && ! grep -q 'restarts [1-9]' "$LOG_DIR/round-$i.log"; then
    ms=$(( $(now_ms) - t0 )); times+=("$ms"); ok=$((ok + 1))
    log "round $i/$N: up and ready in $ms ms"
  else
    warn "round $i/$N: FAILED after $(( $(now_ms) - t0 )) ms (log: ${LOG_DIR#"$REPO"/}/round-$i.log)"
    tail -n 15 "$LOG_DIR/round-$i.log" >&2 || true
  fi
  "$HERE/local-cluster.sh" down --wipe >>"$LOG_DIR/round-$i.log" 2>&1 || warn "round $i: down failed"
done
summary=$(printf '%s\n' "${times[@]:-}" | sort -n | awk 'NF {a[n++]=$1} END {if (n) printf "min %d ms, median %d ms, max %d ms", a[0], a[int((n-1)/2)], a[n-1]}')
log "$ok/$N rounds up from a wiped cluster${summary:+; $summary}"
[[ "$ok" -eq "$N" ]]
