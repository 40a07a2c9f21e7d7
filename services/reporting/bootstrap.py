"""Wires the reporting service: routes, event handlers, jobs, migrations."""
from __future__ import annotations

from pathlib import Path

from services.reporting.consumers import HANDLERS
from services.reporting.endpoints import router
from shared.runtime import ServiceDefinition

SERVICE = ServiceDefinition(
    name="reporting",
    title="Reporting API",
    description="Receivables reporting (监控与报告): daily credit sales and collections, built from ledger events.",
    migrations=Path(__file__).with_name("migrations"),
    routers=[router],
    handlers=HANDLERS,
    openapi_tags=[{"name": "activity", "description": "Credit sales and cash received per day"}],
)
