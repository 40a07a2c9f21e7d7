"""Wires the ledger service: routes, event handlers, jobs, migrations."""
from __future__ import annotations

from pathlib import Path

from shared.runtime import ServiceDefinition

SERVICE = ServiceDefinition(
    name="ledger",
    title="Ledger API",
    description="Ledger service.",
    migrations=Path(__file__).with_name("migrations"),
)
