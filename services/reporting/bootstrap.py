"""Wires the reporting service: its dependencies, routes, event handlers, jobs, migrations."""
from __future__ import annotations

from pathlib import Path

from services.reporting import jobs
from services.reporting.config import ReportingConfig, load_config
from services.reporting.consumers import BATCH_HANDLERS, HANDLERS
from services.reporting.deps import ReportingDeps
from services.reporting.endpoints import dashboard, router
from shared.runtime import ScheduledJob, ServiceDefinition, ServiceRuntime


def dependencies(runtime: ServiceRuntime, config: ReportingConfig | None = None) -> ReportingDeps:
    """Built once per process; tests pass their own configuration."""
    return ReportingDeps(config=config or load_config(), clock=runtime.clock)


SERVICE = ServiceDefinition(
    name="reporting",
    title="Reporting API",
    description=(
        "Receivables reporting (监控与报告), built from the ledger's facts (`invoice-recorded`, allocations, "
        "settlements, credit notes, write-offs, disputes, due-date changes, reversals) and credit's (profiles, "
        "grades, holds), never from billing's input: aging as of any date by any dimension, DSO and its family, "
        "CEI, provisions (flat, matrix, expected credit loss), the three-dimension summary, salespeople's "
        "collection rates, payment behaviour, warning signals, disputes by category. Money is a decimal "
        "string, dates are YYYY-MM-DD, one currency per report."),
    migrations=Path(__file__).with_name("migrations"),
    dependencies=dependencies,
    routers=[router],
    pages=[dashboard.router],
    handlers=HANDLERS,
    batch_handlers=BATCH_HANDLERS,
    jobs=[ScheduledJob("warning-gauges", lambda deps: deps.config.gauge_interval_seconds, jobs.warning_gauges),
          ScheduledJob("month-end-packs", lambda deps: deps.config.pack_interval_seconds,
                       jobs.month_end_pack_schedule)],
    openapi_tags=[
        {"name": "aging", "description": "Aging as of any date"},
        {"name": "kpis", "description": "DSO, rolling DSO, CEI, the three-dimension summary"},
        {"name": "provisions", "description": "Provision for bad debts: flat, matrix, expected credit loss"},
        {"name": "people and signals", "description": "Salespeople, payment behaviour, warnings, disputes"},
        {"name": "month-end packs", "description": "The month-end packs, kept and listed"},
        {"name": "exports", "description": "Every report as CSV or XLSX"},
        {"name": "activity", "description": "Credit sales and cash received per day"},
    ],
)
