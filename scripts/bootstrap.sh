#!/usr/bin/env bash
# Create .venv and install the locked dependencies (hash-checked). Idempotent: skips
# when requirements.lock has not changed since the last install.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
stamp=.venv/.installed
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(sha256sum requirements.lock | cut -d' ' -f1)" ]; then
  exit 0
fi
echo "[bootstrap] creating .venv with $($PYTHON --version)"
"$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet --require-hashes -r requirements.lock
sha256sum requirements.lock | cut -d' ' -f1 > "$stamp"
echo "[bootstrap] dependencies installed"
