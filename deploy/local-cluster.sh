#!/usr/bin/env bash
# The distributed topology on one machine, without Docker:
#   Kafka (deploy/kafka/start.sh) + PostgreSQL (deploy/postgres/start.sh)
#   + per service an API process and a worker process (outbox relay, consumer, schedulers)
#   + nginx as the gateway serving /ledger/, /credit/, /dunning/, /reporting/ on one port.
# Every service process and the gateway run under deploy/lib/supervise.py: restarted with
# backoff when they die, output in logs/NAME.log rotated by size.
#
# Usage: deploy/local-cluster.sh up | down [--wipe] | status
#        deploy/local-cluster.sh restart|stop|start COMPONENT...
#          COMPONENT: ledger|credit|dunning|reporting (api and worker), <svc>-api, <svc>-worker,
#                     gateway, kafka, postgres  (with this cluster's ports and directories)
#
# Env (defaults in brackets):
#   AR_GATEWAY_HOST [127.0.0.1]  AR_GATEWAY_PORT [8000]  (0.0.0.0 to serve other machines)
#   AR_GATEWAY_EXPOSE_INTERNALS [0]  1: the gateway also serves /<svc>/metrics, /docs, /redoc, /openapi.json
#   AR_LEDGER_PORT [8101] AR_CREDIT_PORT [8102] AR_DUNNING_PORT [8103] AR_REPORTING_PORT [8104]
#   AR_<SVC>_METRICS_PORT        worker metrics/readyz port [ledger 9101, credit 9102, dunning 9103, reporting 9104]
#   AR_CLUSTER_METRICS_HOST [127.0.0.1]  where the workers' metrics ports listen
#   AR_CLUSTER_KAFKA_PORT [29092] (controller +1)   AR_CLUSTER_PG_PORT [25432]
#   AR_CLUSTER_DIR [$REPO/var/cluster]  (kafka/, pg/, nginx/, logs/, *.pid)
#   AR_CLUSTER_TIMEOUT [90]      seconds `up` waits for every /<svc>/healthz and every worker's /readyz
#   AR_CLUSTER_MIGRATE [0]       1: run `python -m services.<svc> migrate` before starting each service
#   AR_LOG_MAX_BYTES [10485760] AR_LOG_BACKUPS [5]   log rotation of the supervised processes
#   AR_ENV [dev]  AR_BOOTSTRAP_ADMIN_KEY [dev-only-bootstrap-admin-key-not-for-production]
#   AR_DUNNING_SMTP_HOST/AR_DUNNING_SMTP_PORT, AR_DUNNING_SMS_URL (passed through: the environment is inherited)
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
GATEWAY_HOST="${AR_GATEWAY_HOST:-127.0.0.1}"
GATEWAY_PORT="${AR_GATEWAY_PORT:-8000}"
METRICS_HOST="${AR_CLUSTER_METRICS_HOST:-127.0.0.1}"
DEFAULT_ADMIN_KEY=dev-only-bootstrap-admin-key-not-for-production
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
    "AR_BOOTSTRAP_ADMIN_KEY=${AR_BOOTSTRAP_ADMIN_KEY:-$DEFAULT_ADMIN_KEY}" \
    "PYTHONPATH=$REPO${PYTHONPATH:+:$PYTHONPATH}" \
    "PYTHONUNBUFFERED=1"
}

# start_proc NAME CMD... : start CMD under the supervisor in its own session; output in
# logs/NAME.log (rotated), the supervisor's pid in NAME.pid, the command's in NAME.child.pid.
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
  rm -f "$CLUSTER_DIR/$name.restarts"
  (cd "$REPO" && exec setsid nohup "$PY" "$HERE/lib/supervise.py" --name "$name" --log "$logfile" \
     --state-dir "$CLUSTER_DIR" -- "$@" </dev/null >>"$LOG_DIR/supervise.log" 2>&1) &
  echo $! >"$pidfile"
  log "$name: started under supervision (pid $!, log ${logfile#"$REPO"/})"
}

# stop_proc NAME: SIGTERM to the supervisor, which stops its command and does not restart
# it; SIGKILL to the whole session after the timeout.
stop_proc() {
  local name=$1 pidfile="$CLUSTER_DIR/$1.pid" pid i
  if ! pid_alive "$pidfile"; then
    rm -f "$pidfile" "$CLUSTER_DIR/$name.child.pid"
    log "$name: not running"
    return 0
  fi
  pid=$(<"$pidfile")
  log "$name: stopping (pid $pid, SIGTERM)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 250; i++)); do
    proc_alive "$pid" || break
    sleep 0.1
  done
  if proc_alive "$pid"; then
    warn "$name: still alive after 25s, sending SIGKILL to its session"
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile" "$CLUSTER_DIR/$name.child.pid"
  log "$name: stopped"
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
  start_one "$svc-api"
  start_one "$svc-worker"
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

# The gateway: nginx in the foreground (daemon off) under the supervisor, its access and
# error lines on stdout/stderr, so logs/gateway.log is rotated like the others.
render_gateway() {
  AR_GATEWAY_LISTEN="$GATEWAY_HOST:$GATEWAY_PORT" AR_GATEWAY_PORT="$GATEWAY_PORT" \
    AR_GATEWAY_EXPOSE_INTERNALS="${AR_GATEWAY_EXPOSE_INTERNALS:-0}" AR_NGINX_DAEMON=off \
    AR_NGINX_ERROR_LOG=stderr AR_GATEWAY_ACCESS_LOG=/dev/stdout \
    AR_LEDGER_UPSTREAM="127.0.0.1:$(svc_port ledger)" AR_CREDIT_UPSTREAM="127.0.0.1:$(svc_port credit)" \
    AR_DUNNING_UPSTREAM="127.0.0.1:$(svc_port dunning)" AR_REPORTING_UPSTREAM="127.0.0.1:$(svc_port reporting)" \
    "$HERE/nginx/render.sh" "$NGINX_DIR" "$LOG_DIR" >/dev/null
}

start_gateway() {
  local ngx
  ngx=$(nginx_bin)
  render_gateway
  local args=(-p "$NGINX_DIR" -e stderr -c "$NGINX_DIR/nginx.conf")
  "$ngx" -t -q "${args[@]}" || die "nginx -t failed for $NGINX_DIR/nginx.conf"
  if pid_alive "$CLUSTER_DIR/gateway.pid" && pid_alive "$NGINX_PID"; then
    "$ngx" "${args[@]}" -s reload
    log "gateway: reloaded (pid $(<"$NGINX_PID"))"
  else
    port_in_use "$GATEWAY_PORT" && die "gateway port $GATEWAY_PORT is already in use (set AR_GATEWAY_PORT)"
    start_proc gateway "$ngx" "${args[@]}"
    log "gateway: on $GATEWAY_HOST:$GATEWAY_PORT"
  fi
}

show_failure() {
  local name
  for name in "$@"; do
    printf -- '---- tail of %s ----\n' "${LOG_DIR#"$REPO"/}/$name.log" >&2
    tail -n 30 "$LOG_DIR/$name.log" >&2 2>/dev/null || echo "(no log)" >&2
  done
}

# Every API's /healthz through the gateway and every worker's /readyz (consumer in its
# group, relay running): "up" means the cluster consumes, not only that it answers.
wait_healthy() {
  local deadline=$((SECONDS + TIMEOUT)) svc name pending code url
  local -A last=()
  while :; do
    pending=()
    for svc in "${SERVICES[@]}"; do
      for name in "$svc-api" "$svc-worker"; do
        if ! pid_alive "$CLUSTER_DIR/$name.pid"; then
          show_failure "$name"
          die "$name's supervisor exited during start-up (see above; stop the rest with: deploy/local-cluster.sh down)"
        fi
      done
      for url in "http://127.0.0.1:$GATEWAY_PORT/$svc/healthz" "http://127.0.0.1:$(svc_metrics_port "$svc")/readyz"; do
        code=$(http_code "$url")
        last[$url]=$code
        [[ "$code" == 200 ]] || pending+=("$url")
      done
    done
    [[ ${#pending[@]} -eq 0 ]] && return 0
    if ((SECONDS >= deadline)); then
      for url in "${pending[@]}"; do
        warn "GET $url answered ${last[$url]} after ${TIMEOUT}s"
      done
      for svc in "${SERVICES[@]}"; do
        [[ " ${pending[*]} " == *"/$svc/"* || " ${pending[*]} " == *":$(svc_metrics_port "$svc")/"* ]] \
          && show_failure "$svc-api" "$svc-worker"
      done
      die "not ready within ${TIMEOUT}s: ${pending[*]} (processes left running; deploy/local-cluster.sh down)"
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
  log "waiting up to ${TIMEOUT}s for /<svc>/healthz through the gateway and every worker's /readyz"
  wait_healthy
  log "up in $(( $(now_ms) - t0 )) ms"
  log "gateway:  http://$GATEWAY_HOST:$GATEWAY_PORT/{ledger,credit,dunning,reporting}/"
  if [[ -z "${AR_BOOTSTRAP_ADMIN_KEY:-}" ]]; then
    log "admin key: $DEFAULT_ADMIN_KEY (this cluster's dev default, not make run's; set AR_BOOTSTRAP_ADMIN_KEY)"
  else
    log "admin key: the value of AR_BOOTSTRAP_ADMIN_KEY"
  fi
  log "kafka:    127.0.0.1:$KAFKA_PORT   postgres: postgresql://postgres@127.0.0.1:$PG_PORT/ar_<svc>   logs: ${LOG_DIR#"$REPO"/}/"
}

cmd_down() {
  local wipe=() svc
  [[ "${1:-}" == --wipe ]] && wipe=(--wipe)
  for svc in "${SERVICES[@]}"; do
    stop_proc "$svc-api"
    stop_proc "$svc-worker"
  done
  stop_proc gateway
  stop_pid "$NGINX_PID" "gateway (unsupervised)" 10
  kafka_env "$HERE/kafka/stop.sh" "${wipe[@]}"
  pg_env "$HERE/postgres/stop.sh" "${wipe[@]}"
  log "down"
}

proc_state() {
  local name=$1 restarts=0
  [[ -s "$CLUSTER_DIR/$name.restarts" ]] && restarts=$(<"$CLUSTER_DIR/$name.restarts")
  if pid_alive "$CLUSTER_DIR/$name.child.pid"; then
    printf 'running (pid %s, supervisor %s, restarts %s)' "$(<"$CLUSTER_DIR/$name.child.pid")" "$(<"$CLUSTER_DIR/$name.pid")" "$restarts"
  elif pid_alive "$CLUSTER_DIR/$name.pid"; then
    printf 'restarting (supervisor %s, restarts %s)' "$(<"$CLUSTER_DIR/$name.pid")" "$restarts"
    return 1
  else
    printf stopped
    return 1
  fi
}

cmd_status() {
  local ok=0 svc name state code
  for svc in "${SERVICES[@]}"; do
    for name in "$svc-api" "$svc-worker"; do
      state=$(proc_state "$name") || ok=1
      printf '%-18s %s\n' "$name" "$state"
    done
    code=$(http_code "http://127.0.0.1:$(svc_metrics_port "$svc")/readyz")
    printf '%-18s %s\n' "$svc-worker/readyz" "$code"
    [[ "$code" == 200 ]] || ok=1
  done
  state=$(proc_state gateway) || ok=1
  printf '%-18s %s on %s:%s\n' gateway "$state" "$GATEWAY_HOST" "$GATEWAY_PORT"
  for svc in "${SERVICES[@]}"; do
    code=$(http_code "http://127.0.0.1:$GATEWAY_PORT/$svc/healthz")
    printf '%-18s %s\n' "/$svc/healthz" "$code"
    [[ "$code" == 200 ]] || ok=1
  done
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

# The components `restart`, `stop` and `start` accept, expanded (a service is its api and worker).
components() {
  local c svc
  for c in "$@"; do
    case "$c" in
      ledger|credit|dunning|reporting) printf '%s\n' "$c-api" "$c-worker" ;;
      gateway|kafka|postgres) printf '%s\n' "$c" ;;
      *-api|*-worker)
        svc=${c%-*}
        [[ " ${SERVICES[*]} " == *" $svc "* ]] || die "unknown component: $c"
        printf '%s\n' "$c" ;;
      *) die "unknown component: $c (a service, <svc>-api, <svc>-worker, gateway, kafka or postgres)" ;;
    esac
  done
}

start_one() {
  local c=$1 svc envs
  case "$c" in
    kafka) kafka_env "$HERE/kafka/start.sh" ;;
    postgres) pg_env PG_DATABASES="ar_ledger ar_credit ar_dunning ar_reporting" "$HERE/postgres/start.sh" >/dev/null ;;
    gateway) start_gateway ;;
    *-api)
      svc=${c%-api}
      mapfile -t envs < <(service_env "$svc")
      start_proc "$c" env "${envs[@]}" "$PY" -m "services.$svc" api --host 127.0.0.1 --port "$(svc_port "$svc")" ;;
    *-worker)
      svc=${c%-worker}
      mapfile -t envs < <(service_env "$svc")
      start_proc "$c" env "${envs[@]}" "AR_METRICS_PORT=$(svc_metrics_port "$svc")" \
        "AR_METRICS_HOST=$METRICS_HOST" "$PY" -m "services.$svc" worker ;;
  esac
}

stop_one() {
  case "$1" in
    kafka) kafka_env "$HERE/kafka/stop.sh" ;;
    postgres) pg_env "$HERE/postgres/stop.sh" ;;
    *) stop_proc "$1" ;;
  esac
}

cmd_component() {
  local action=$1 c; shift
  [[ $# -gt 0 ]] || die "usage: $0 $action COMPONENT... (a service, <svc>-api, <svc>-worker, gateway, kafka, postgres)"
  local list
  components "$@" >/dev/null  # dies here, in this shell, on an unknown name
  mapfile -t list < <(components "$@")
  mkdir -p "$LOG_DIR"
  for c in "${list[@]}"; do
    [[ "$action" == start ]] || stop_one "$c"
    [[ "$action" == stop ]] || start_one "$c"
  done
}

case "${1:-}" in
  up) cmd_up ;;
  down) shift; cmd_down "$@" ;;
  status) cmd_status ;;
  restart|stop|start) action=$1; shift; cmd_component "$action" "$@" ;;
  *) die "usage: $0 up|down [--wipe]|status|restart|stop|start COMPONENT..." ;;
esac
