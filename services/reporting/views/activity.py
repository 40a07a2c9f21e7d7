"""Credit sales and cash received per day."""
from __future__ import annotations

from datetime import date

from services.reporting.deps import ReportingDeps
from services.reporting.domain.kpis import check_range
from services.reporting.repository import activity as repository
from shared.context import Context
from shared.db import UnitOfWork
from shared.money import from_minor


async def activity(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, start: date, end: date) -> list[dict]:
    check_range(start, end, deps.config.max_range_days, date.max)
    async with uow:
        rows = await repository.activity(uow, start, end)
    return [{"day": r.day, "currency": r.currency, "invoices": r.invoices, "payments": r.payments,
             "credit_sales": from_minor(r.credit_sales_minor, r.currency),
             "cash_received": from_minor(r.cash_received_minor, r.currency)} for r in rows]


def activity_rows(rows: list[dict]) -> list[dict]:
    return rows
