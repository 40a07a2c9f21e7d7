"""The four services, for the hosts that run them together (embedded mode, tests).
This is the only module that imports more than one service; services never import
each other (see the import-linter contracts in pyproject.toml)."""
from __future__ import annotations

import importlib

from shared.runtime import ServiceDefinition

NAMES = ("ledger", "credit", "dunning", "reporting")


def definitions(names=NAMES) -> list[ServiceDefinition]:
    return [importlib.import_module(f"services.{name}.bootstrap").SERVICE for name in names]
