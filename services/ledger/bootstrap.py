"""Wires the ledger service: its dependencies, routes, event handlers, jobs, migrations."""
from __future__ import annotations

from pathlib import Path

from services.ledger import jobs
from services.ledger.config import LedgerConfig, load_config
from services.ledger.consumers import BATCH_HANDLERS, HANDLERS
from services.ledger.deps import LedgerDeps
from services.ledger.endpoints import router
from shared.runtime import ScheduledJob, ServiceDefinition, ServiceRuntime


def dependencies(runtime: ServiceRuntime, config: LedgerConfig | None = None) -> LedgerDeps:
    """Built once per process; tests pass their own configuration."""
    return LedgerDeps(config=config or load_config(), clock=runtime.clock)


SERVICE = ServiceDefinition(
    name="ledger",
    title="Ledger API",
    description=(
        "The receivables ledger (应收账款台账): the source of truth for what each customer owes. Invoices and "
        "payments (REST or billing's events), allocation, credit notes, disputes, write-offs, an append-only "
        "journal, balances and statements as of any date, bulk import, and the aging clock that emits "
        "`overdue-threshold` events. What it books it publishes as its own facts (`invoice-recorded`, "
        "`payment-recorded`, allocations, settlements...). Money is a decimal string, dates are YYYY-MM-DD."),
    migrations=Path(__file__).with_name("migrations"),
    dependencies=dependencies,
    routers=[router],
    handlers=HANDLERS,
    batch_handlers=BATCH_HANDLERS,
    jobs=[ScheduledJob("aging-sweep", lambda deps: deps.config.sweep_interval_seconds, jobs.aging_sweep),
          ScheduledJob("parked-payment-gauges", lambda deps: deps.config.gauge_interval_seconds,
                       jobs.parked_payment_gauges)],
    openapi_tags=[
        {"name": "invoices", "description": "Invoices, instalments, late fees"},
        {"name": "payments", "description": "Payments, allocation, reversal, refunds, credit notes"},
        {"name": "disputes and write-offs", "description": "Amounts not collected: disputes, write-offs"},
        {"name": "customers", "description": "Balances and statements as of a date; the journal"},
        {"name": "operations", "description": "The aging clock, bulk import, parked payments"},
    ],
)
