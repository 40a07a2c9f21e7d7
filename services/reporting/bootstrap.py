"""Wires the reporting service: its dependencies, routes, event handlers, migrations."""
from __future__ import annotations

from pathlib import Path

from services.reporting.consumers import HANDLERS
from services.reporting.deps import ReportingDeps
from services.reporting.endpoints import router
from shared.runtime import ServiceDefinition, ServiceRuntime


def dependencies(runtime: ServiceRuntime) -> ReportingDeps:
    return ReportingDeps(clock=runtime.clock)


SERVICE = ServiceDefinition(
    name="reporting",
    title="Reporting API",
    description="Receivables reporting (监控与报告): daily credit sales and collections, built from the ledger's "
                "facts (`invoice-recorded`, `payment-recorded`).",
    migrations=Path(__file__).with_name("migrations"),
    dependencies=dependencies,
    routers=[router],
    handlers=HANDLERS,
    openapi_tags=[{"name": "activity", "description": "Credit sales and cash received per day"}],
)
