#!/usr/bin/env bash
# Re-resolve requirements.lock from pyproject.toml (pinned, hash-checked, no index URLs).
# uv lives in its own tools venv so it never ends up in the product's environment.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
[ -x .cache/tools/bin/uv ] || { python3 -m venv .cache/tools && .cache/tools/bin/pip install -q uv; }
.cache/tools/bin/uv pip compile pyproject.toml --group dev --generate-hashes --python-version 3.11 \
  -o requirements.lock -q
echo "[lock] requirements.lock updated; run 'make install'"
