"""Wires the dunning service: routes, event handlers, jobs, migrations."""
from __future__ import annotations

from pathlib import Path

from services.dunning.consumers import HANDLERS
from services.dunning.endpoints import router
from shared.runtime import ServiceDefinition

SERVICE = ServiceDefinition(
    name="dunning",
    title="Dunning API",
    description="Collection cases (催收), opened and escalated by the ledger's `overdue-threshold` events.",
    migrations=Path(__file__).with_name("migrations"),
    routers=[router],
    handlers=HANDLERS,
    openapi_tags=[{"name": "cases", "description": "Collection cases and their overdue items"}],
)
