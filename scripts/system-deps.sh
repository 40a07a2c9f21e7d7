#!/usr/bin/env bash
# System packages the tests and the local cluster need: Java 17 + Maven (Kafka from
# Maven Central), PostgreSQL server, nginx (the local gateway), headless Chromium (the
# reporting dashboard's browser test) and a CJK font (dunning's PDF letters and the dashboard
# render Chinese; services/dunning/channels/letter.py looks for it). Installs only what is
# missing, and only when root (a developer without root installs them once by hand).
set -euo pipefail
need=()
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need+=(maven)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v chromium >/dev/null || need+=(chromium)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)  # dunning's letters embed this file
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "[system-deps] missing: ${need[*]} (run as root or install them)" >&2
  exit 1
fi
echo "[system-deps] installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts a system nginx/postgres on install; we run our own private instances.
for svc in nginx postgresql; do
  command -v service >/dev/null && service "$svc" stop >/dev/null 2>&1 || true
done
