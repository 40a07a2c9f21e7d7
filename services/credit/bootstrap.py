"""Wires the credit service: routes, event handlers, jobs, migrations."""
from __future__ import annotations

from pathlib import Path

from shared.runtime import ServiceDefinition

SERVICE = ServiceDefinition(
    name="credit",
    title="Credit API",
    description="Credit service.",
    migrations=Path(__file__).with_name("migrations"),
)
