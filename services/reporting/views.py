"""The read side of reporting's GET routes."""
from __future__ import annotations

from datetime import date

from services.reporting import repository
from services.reporting.deps import ReportingDeps
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import RuleError
from shared.money import from_minor


async def activity(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, start: date, end: date) -> list[dict]:
    if end < start:
        raise RuleError("must not be before from", "to", "date_order")
    async with uow:
        rows = await repository.activity(uow, start, end)
    return [{"day": r.day, "currency": r.currency, "invoices": r.invoices, "payments": r.payments,
             "credit_sales": from_minor(r.credit_sales_minor, r.currency),
             "cash_received": from_minor(r.cash_received_minor, r.currency)} for r in rows]
