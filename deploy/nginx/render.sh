#!/usr/bin/env bash
# Render the gateway for a private (non-system) nginx into OUT_DIR:
#   OUT_DIR/nginx.conf (main config) and OUT_DIR/gateway.conf (the same template compose uses).
# Usage: deploy/nginx/render.sh OUT_DIR [LOG_DIR]
# Env: AR_GATEWAY_PORT (8000); AR_GATEWAY_LISTEN (127.0.0.1:$AR_GATEWAY_PORT: loopback unless told);
#      AR_GATEWAY_EXPOSE_INTERNALS (0: /<svc>/metrics and the API docs are not served by the gateway);
#      AR_LEDGER_UPSTREAM (127.0.0.1:8101), AR_CREDIT_UPSTREAM
#      (127.0.0.1:8102), AR_DUNNING_UPSTREAM (127.0.0.1:8103), AR_REPORTING_UPSTREAM (127.0.0.1:8104);
#      AR_NGINX_DAEMON (on), AR_NGINX_ERROR_LOG (LOG_DIR/gateway-error.log), AR_GATEWAY_ACCESS_LOG
# Check the result with: nginx -t -p OUT_DIR -e OUT_DIR/error.log -c OUT_DIR/nginx.conf
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$HERE/../lib/common.sh"
AR_LOG_TAG=nginx

[[ $# -ge 1 ]] || die "usage: render.sh OUT_DIR [LOG_DIR]"
mkdir -p "$1" "${2:-$1}"
AR_NGINX_DIR="$(cd "$1" && pwd)"
AR_NGINX_LOG_DIR="$(cd "${2:-$1}" && pwd)"
export AR_NGINX_DIR AR_NGINX_LOG_DIR
export AR_GATEWAY_PORT="${AR_GATEWAY_PORT:-8000}"
export AR_GATEWAY_LISTEN="${AR_GATEWAY_LISTEN:-127.0.0.1:$AR_GATEWAY_PORT}"
export AR_GATEWAY_EXPOSE_INTERNALS="${AR_GATEWAY_EXPOSE_INTERNALS:-0}"
export AR_NGINX_DAEMON="${AR_NGINX_DAEMON:-on}"
export AR_NGINX_ERROR_LOG="${AR_NGINX_ERROR_LOG:-$AR_NGINX_LOG_DIR/gateway-error.log}"
export AR_LEDGER_UPSTREAM="${AR_LEDGER_UPSTREAM:-127.0.0.1:8101}"
export AR_CREDIT_UPSTREAM="${AR_CREDIT_UPSTREAM:-127.0.0.1:8102}"
export AR_DUNNING_UPSTREAM="${AR_DUNNING_UPSTREAM:-127.0.0.1:8103}"
export AR_REPORTING_UPSTREAM="${AR_REPORTING_UPSTREAM:-127.0.0.1:8104}"
export AR_GATEWAY_ACCESS_LOG="${AR_GATEWAY_ACCESS_LOG:-$AR_NGINX_LOG_DIR/gateway-access.log}"

mkdir -p "$AR_NGINX_DIR"/tmp/{client_body,proxy,fastcgi,uwsgi,scgi}
# A root master runs its workers as an unprivileged user, who must own the temp dirs.
AR_NGINX_USER_DIRECTIVE=""
if [[ $EUID -eq 0 ]]; then
  worker_user=nobody
  id -u www-data >/dev/null 2>&1 && worker_user=www-data
  AR_NGINX_USER_DIRECTIVE="user $worker_user $(id -gn "$worker_user");"
  chown -R "$worker_user:" "$AR_NGINX_DIR/tmp"
fi
export AR_NGINX_USER_DIRECTIVE

# Substitute only our variables; nginx's own $variables stay as they are.
# shellcheck disable=SC2016  # the literal ${NAME} list is envsubst's argument
vars='${AR_GATEWAY_PORT} ${AR_GATEWAY_LISTEN} ${AR_GATEWAY_EXPOSE_INTERNALS} ${AR_NGINX_DAEMON} ${AR_NGINX_ERROR_LOG} ${AR_LEDGER_UPSTREAM} ${AR_CREDIT_UPSTREAM} ${AR_DUNNING_UPSTREAM}
      ${AR_REPORTING_UPSTREAM} ${AR_GATEWAY_ACCESS_LOG} ${AR_NGINX_DIR} ${AR_NGINX_LOG_DIR}
      ${AR_NGINX_USER_DIRECTIVE}'
subst() {
  if command -v envsubst >/dev/null 2>&1; then
    envsubst "$vars" <"$1"
  else
    "$(ar_python)" -c 'import os,re,sys
names=set(re.findall(r"\$\{(\w+)\}", sys.argv[1]))
text=sys.stdin.read()
sys.stdout.write(re.sub(r"\$\{(\w+)\}", lambda m: os.environ[m.group(1)] if m.group(1) in names else m.group(0), text))' "$vars" <"$1"
  fi
}
subst "$HERE/gateway.conf.template" >"$AR_NGINX_DIR/gateway.conf"
subst "$HERE/nginx-local.conf.template" >"$AR_NGINX_DIR/nginx.conf"
log "rendered $AR_NGINX_DIR/nginx.conf (gateway on $AR_GATEWAY_LISTEN)"
