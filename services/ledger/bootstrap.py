"""Wires the ledger service: routes, event handlers, jobs, migrations, configuration."""
from __future__ import annotations

from pathlib import Path

from services.ledger.config import load_config
from services.ledger.consumers import BATCH_HANDLERS
from services.ledger.endpoints import router
from services.ledger.handlers.sweep import scheduled_sweep
from shared.runtime import ScheduledJob, ServiceDefinition, ServiceRuntime


def configure(runtime: ServiceRuntime) -> None:
    runtime.state["config"] = load_config()


SERVICE = ServiceDefinition(
    name="ledger",
    title="Ledger API",
    description=(
        "The receivables ledger (应收账款台账): the source of truth for what each customer owes. Invoices and "
        "payments (REST or billing's events), allocation, credit notes, disputes, write-offs, an append-only "
        "journal, balances and statements as of any date, bulk import, and the aging clock that emits "
        "`overdue-threshold` events. Money is a decimal string, dates are YYYY-MM-DD."),
    migrations=Path(__file__).with_name("migrations"),
    routers=[router],
    batch_handlers=BATCH_HANDLERS,
    jobs=[ScheduledJob("aging-sweep", lambda _settings: load_config().sweep_interval_seconds, scheduled_sweep)],
    openapi_tags=[
        {"name": "invoices", "description": "Invoices, instalments, late fees"},
        {"name": "payments", "description": "Payments, allocation, reversal, refunds, credit notes"},
        {"name": "disputes and write-offs", "description": "Amounts not collected: disputes, write-offs"},
        {"name": "customers", "description": "Balances and statements as of a date; the journal"},
        {"name": "operations", "description": "The aging clock and bulk import"},
    ],
    configure=configure,
)
