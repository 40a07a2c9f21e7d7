"""Unit tests of the ledger's pure rules.

The repository root must be importable (`services.ledger.domain`, `shared`). If the
pytest configuration does not already put it on sys.path (e.g. `pythonpath = ["."]`),
add it here so `.venv/bin/pytest tests/unit/ledger` works from any directory.
"""
import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[3])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
