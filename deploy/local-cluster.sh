#!/usr/bin/env bash
# The distributed topology on one machine, without Docker:
#   Kafka (deploy/kafka/start.sh) + PostgreSQL (deploy/postgres/start.sh)
#   + per service an API process and a worker process (outbox relay, consumer, schedulers)
#   + nginx as the gateway serving /ledger/, /credit/, /dunning/, /reporting/ on one port.
#
# Usage: deploy/local-cluster.sh up|down|status   (down --wipe also deletes Kafka's and PG's data)
#
# Env (defaults in brackets):
#   AR_GATEWAY_PORT [8000]       AR_LEDGER_PORT [8101] AR_CREDIT_PORT [8102]
#   AR_DUNNING_PORT [8103]       AR_REPORTING_PORT [8104]
#   AR_<SVC>_METRICS_PORT        worker metrics port [ledger 9101, credit 9102, dunning 9103, reporting 9104]
#   AR_CLUSTER_KAFKA_PORT [29092] (controller +1)   AR_CLUSTER_PG_PORT [25432]
#   AR_CLUSTER_DIR [$REPO/var/cluster]  (kafka/, pg/, nginx/, logs/, *.pid)
#   AR_CLUSTER_TIMEOUT [90]      seconds `up` waits for every /<svc>/healthz through the gateway
#   AR_CLUSTER_MIGRATE [0]       1: run `python -m services.<svc> migrate` before starting each service
#   AR_ENV [dev]  AR_BOOTSTRAP_ADMIN_KEY [a dev-only key]  AR_SMTP_HOST/AR_SMTP_PORT (passed through)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "$HERE/lib/common.sh"
AR_LOG_TAG=cluster

SERVICES=(ledger credit dunning reporting)
declare -A DEFAULT_PORT=([ledger]=8101 [credit]=8102 [dunning]=8103 [reporting]=8104)
declare -A DEFAULT_METRICS_PORT=([ledger]=9101 [credit]=9102 [dunning]=9103 [reporting]=9104)

CLUSTER_DIR="${AR_CLUSTER_DIR:-$REPO/var/cluster}"
LOG_DIR="$CLUSTER_DIR/logs"
GATEWAY_PORT="${AR_GATEWAY_PORT:-8000}"
KAFKA_PORT="${AR_CLUSTER_KAFKA_PORT:-29092}"
PG_PORT="${AR_CLUSTER_PG_PORT:-25432}"
TIMEOUT="${AR_CLUSTER_TIMEOUT:-90}"
NGINX_DIR="$CLUSTER_DIR/nginx"
NGINX_PID="$NGINX_DIR/nginx.pid"
PY="$REPO/.venv/bin/python"

upper() { printf '%s' "$1" | tr '[:lower:]' '[:upper:]'; }
svc_port() { local v; v="AR_$(upper "$1")_PORT"; printf '%s' "${!v:-${DEFAULT_PORT[$1]}}"; }
svc_metrics_port() { local v; v="AR_$(upper "$1")_METRICS_PORT"; printf '%s' "${!v:-${DEFAULT_METRICS_PORT[$1]}}"; }

kafka_env() { env KAFKA_PORT="$KAFKA_PORT" KAFKA_DIR="$CLUSTER_DIR/kafka" "$@"; }
pg_env() { env PG_PORT="$PG_PORT" PG_DIR="$CLUSTER_DIR/pg" "$@"; }

# Prints the HTTP status of a GET (000 when nothing answers).
http_code() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" || true
  else
    "$PY" - "$1" <<'PYCODE' || true
import sys, urllib.error, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=3).status, end="")
except urllib.error.HTTPError as e:
    print(e.code, end="")
except Exception:
    print("000", end="")
PYCODE
  fi
}

# Environment shared by a service's API and worker.
service_env() {
  local svc=$1 SVC
  SVC=$(upper "$svc")
  printf '%s\n' \
    "AR_ENV=${AR_ENV:-dev}" \
    "AR_TRANSPORT=kafka" \
    "AR_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT" \
    "AR_${SVC}_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:$PG_PORT/ar_$svc" \
    "AR_BOOTSTRAP_ADMIN_KEY=${AR_BOOTSTRAP_ADMIN_KEY:-dev-only-bootstrap-admin-key-not-for-production}" \
    "PYTHONPATH=$REPO${PYTHONPATH:+:$PYTHONPATH}" \
    "PYTHONUNBUFFERED=1"
}

# start_proc NAME CMD... : start in its own session, log to logs/NAME.log, pid in NAME.pid.
start_proc() {
  local name=$1; shift
  local pidfile="$CLUSTER_DIR/$name.pid" logfile="$LOG_DIR/$name.log"
  if pid_alive "$pidfile"; then
    log "$name: already running (pid $(<"$pidfile"))"
    return 0
  fi
  local shown=() arg
  for arg in "$@"; do  # no secrets in the log header
    [[ "$arg" =~ ^([A-Z0-9_]*(KEY|SECRET|PASSWORD|TOKEN)[A-Z0-9_]*)= ]] && arg="${BASH_REMATCH[1]}=***"
    shown+=("$arg")
  done
  printf '\n==== %s start %s: %s\n' "$name" "$(date -u +%FT%TZ)" "${shown[*]}" >>"$logfile"
  (cd "$REPO" && exec setsid nohup "$@" </dev/null >>"$logfile" 2>&1) &
  echo $! >"$pidfile"
  log "$name: started (pid $!, log ${logfile#"$REPO"/})"
}

start_service() {
  local svc=$1 envs port
  mapfile -t envs < <(service_env "$svc")
  port=$(svc_port "$svc")
  port_in_use "$port" && ! pid_alive "$CLUSTER_DIR/$svc-api.pid" \
    && die "port $port for $svc-api is already in use (set AR_$(upper "$svc")_PORT)"
  if [[ "${AR_CLUSTER_MIGRATE:-0}" == 1 ]]; then
    log "$svc: migrate"
    (cd "$REPO" && env "${envs[@]}" "$PY" -m "services.$svc" migrate) >>"$LOG_DIR/$svc-migrate.log" 2>&1 \
      || { tail -n 30 "$LOG_DIR/$svc-migrate.log" >&2; die "$svc: migrate failed"; }
  fi
  start_proc "$svc-api" env "${envs[@]}" "$PY" -m "services.$svc" api --host 127.0.0.1 --port "$port"
  start_proc "$svc-worker" env "${envs[@]}" "AR_METRICS_PORT=$(svc_metrics_port "$svc")" \
    "$PY" -m "services.$svc" worker
}

nginx_bin() {
  if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
    [[ $EUID -eq 0 ]] || die "nginx not found: install Debian's nginx package"
    log "installing nginx (apt-get install -y nginx)" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -q nginx || { apt-get update -q && apt-get install -y -q nginx; }; } >/dev/null 2>&1 \
      || die "apt-get install nginx failed"
  fi
  command -v nginx 2>/dev/null || echo /usr/sbin/nginx
}

start_gateway() {
  local ngx
  ngx=$(nginx_bin)
  AR_GATEWAY_PORT="$GATEWAY_PORT" \
    AR_LEDGER_UPSTREAM="127.0.0.1:$(svc_port ledger)" AR_CREDIT_UPSTREAM="127.0.0.1:$(svc_port credit)" \
    AR_DUNNING_UPSTREAM="127.0.0.1:$(svc_port dunning)" AR_REPORTING_UPSTREAM="127.0.0.1:$(svc_port reporting)" \
    "$HERE/nginx/render.sh" "$NGINX_DIR" "$LOG_DIR" >/dev/null
  local args=(-p "$NGINX_DIR" -e "$LOG_DIR/gateway-error.log" -c "$NGINX_DIR/nginx.conf")
  "$ngx" -t -q "${args[@]}" || die "nginx -t failed for $NGINX_DIR/nginx.conf"
  if pid_alive "$NGINX_PID"; then
    "$ngx" "${args[@]}" -s reload
    log "gateway: reloaded (pid $(<"$NGINX_PID"))"
  else
    port_in_use "$GATEWAY_PORT" && die "gateway port $GATEWAY_PORT is already in use (set AR_GATEWAY_PORT)"
    "$ngx" "${args[@]}" || die "nginx failed to start (log: $LOG_DIR/gateway-error.log)"
    log "gateway: started on 127.0.0.1:$GATEWAY_PORT (pid $(<"$NGINX_PID"))"
  fi
}

show_failure() {
  local name
  for name in "$@"; do
    printf -- '---- tail of %s ----\n' "${LOG_DIR#"$REPO"/}/$name.log" >&2
    tail -n 30 "$LOG_DIR/$name.log" >&2 2>/dev/null || echo "(no log)" >&2
  done
}

wait_healthy() {
  local deadline=$((SECONDS + TIMEOUT)) svc name pending code
  local -A last=()
  while :; do
    pending=()
    for svc in "${SERVICES[@]}"; do
      for name in "$svc-api" "$svc-worker"; do
        if ! pid_alive "$CLUSTER_DIR/$name.pid"; then
          show_failure "$name"
          die "$name exited during start-up (see above; stop the rest with: deploy/local-cluster.sh down)"
        fi
      done
      code=$(http_code "http://127.0.0.1:$GATEWAY_PORT/$svc/healthz")
      last[$svc]=$code
      [[ "$code" == 200 ]] || pending+=("$svc")
    done
    [[ ${#pending[@]} -eq 0 ]] && return 0
    if ((SECONDS >= deadline)); then
      for svc in "${pending[@]}"; do
        warn "$svc: GET /$svc/healthz via the gateway answered ${last[$svc]} after ${TIMEOUT}s"
        show_failure "$svc-api" "$svc-worker"
      done
      die "not healthy within ${TIMEOUT}s: ${pending[*]} (processes left running; deploy/local-cluster.sh down)"
    fi
    sleep 1
  done
}

cmd_up() {
  local t0 svc
  t0=$(now_ms)
  [[ -x "$PY" ]] || die "$PY not found: create the virtualenv first"
  mkdir -p "$LOG_DIR"
  kafka_env "$HERE/kafka/start.sh"
  pg_env PG_DATABASES="ar_ledger ar_credit ar_dunning ar_reporting" "$HERE/postgres/start.sh"
  for svc in "${SERVICES[@]}"; do start_service "$svc"; done
  start_gateway
  log "waiting up to ${TIMEOUT}s for /<svc>/healthz through the gateway"
  wait_healthy
  log "up in $(( $(now_ms) - t0 )) ms"
  log "gateway:  http://127.0.0.1:$GATEWAY_PORT/{ledger,credit,dunning,reporting}/"
  log "kafka:    127.0.0.1:$KAFKA_PORT   postgres: postgresql://postgres@127.0.0.1:$PG_PORT/ar_<svc>   logs: ${LOG_DIR#"$REPO"/}/"
}

cmd_down() {
  local wipe=() svc
  [[ "${1:-}" == --wipe ]] && wipe=(--wipe)
  for svc in "${SERVICES[@]}"; do
    stop_pid "$CLUSTER_DIR/$svc-api.pid" "$svc-api" 20 group
    stop_pid "$CLUSTER_DIR/$svc-worker.pid" "$svc-worker" 20 group
  done
  stop_pid "$NGINX_PID" gateway 10
  kafka_env "$HERE/kafka/stop.sh" "${wipe[@]}"
  pg_env "$HERE/postgres/stop.sh" "${wipe[@]}"
  log "down"
}

cmd_status() {
  local ok=0 svc name state code
  for svc in "${SERVICES[@]}"; do
    for name in "$svc-api" "$svc-worker"; do
      if pid_alive "$CLUSTER_DIR/$name.pid"; then state="running (pid $(<"$CLUSTER_DIR/$name.pid"))"; else state=stopped; ok=1; fi
      printf '%-18s %s\n' "$name" "$state"
    done
  done
  if pid_alive "$NGINX_PID"; then
    printf '%-18s running (pid %s) on :%s\n' gateway "$(<"$NGINX_PID")" "$GATEWAY_PORT"
    for svc in "${SERVICES[@]}"; do
      code=$(http_code "http://127.0.0.1:$GATEWAY_PORT/$svc/healthz")
      printf '%-18s %s\n' "/$svc/healthz" "$code"
      [[ "$code" == 200 ]] || ok=1
    done
  else
    printf '%-18s stopped\n' gateway; ok=1
  fi
  if pid_alive "$CLUSTER_DIR/kafka/kafka.pid"; then
    printf '%-18s running (pid %s) on 127.0.0.1:%s\n' kafka "$(<"$CLUSTER_DIR/kafka/kafka.pid")" "$KAFKA_PORT"
  else
    printf '%-18s stopped\n' kafka; ok=1
  fi
  if [[ -s "$CLUSTER_DIR/pg/data/postmaster.pid" ]] && proc_alive "$(head -n 1 "$CLUSTER_DIR/pg/data/postmaster.pid")"; then
    printf '%-18s running (pid %s) on 127.0.0.1:%s\n' postgres "$(head -n 1 "$CLUSTER_DIR/pg/data/postmaster.pid")" "$PG_PORT"
  else
    printf '%-18s stopped\n' postgres; ok=1
  fi
  return "$ok"
}

case "${1:-}" in
  up) cmd_up ;;
  down) shift; cmd_down "$@" ;;
  status) cmd_status ;;
  *) die "usage: $0 up|down [--wipe]|status" ;;
esac
