"""Wires the dunning service: its dependencies, routes, event handlers, migrations."""
from __future__ import annotations

from pathlib import Path

from services.dunning.consumers import BATCH_HANDLERS, HANDLERS
from services.dunning.deps import DunningDeps
from services.dunning.endpoints import router
from shared.runtime import ServiceDefinition, ServiceRuntime


def dependencies(runtime: ServiceRuntime) -> DunningDeps:
    return DunningDeps(clock=runtime.clock)


SERVICE = ServiceDefinition(
    name="dunning",
    title="Dunning API",
    description="Collection cases (催收), opened and escalated by the ledger's `overdue-threshold` facts.",
    migrations=Path(__file__).with_name("migrations"),
    dependencies=dependencies,
    routers=[router],
    handlers=HANDLERS,
    batch_handlers=BATCH_HANDLERS,
    openapi_tags=[{"name": "cases", "description": "Collection cases and their overdue items"}],
)
