"""The customers the ledger knows, with what they owe now: the list finance works from."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from services.ledger.repository.base import credit_notes, instalments, payments
from shared.db import UnitOfWork

_OVERDUE = sa.case((instalments.c.due_date < sa.bindparam("today"),
                    instalments.c.open_minor - instalments.c.disputed_minor), else_=0)


async def page(uow: UnitOfWork, *, today: date, customer_id: str | None, currency: str | None, overdue_only: bool,
               sort: str, limit: int, offset: int) -> tuple[list[sa.Row], int]:
    """One row per customer and currency with something open: open, overdue (undisputed,
    past due), disputed amounts and the oldest overdue due date."""
    i = instalments
    stmt = (sa.select(i.c.customer_id, i.c.currency, sa.func.sum(i.c.open_minor).label("open_minor"),
                      sa.func.sum(_OVERDUE).label("overdue_minor"),
                      sa.func.sum(i.c.disputed_minor).label("disputed_minor"),
                      sa.func.min(sa.case((sa.and_(i.c.due_date < sa.bindparam("today"),
                                                   i.c.open_minor > i.c.disputed_minor), i.c.due_date))
                                  ).label("oldest_overdue_due"),
                      sa.func.count(sa.distinct(i.c.invoice_number)).label("open_invoices"))
            .where(i.c.open_minor > 0).group_by(i.c.customer_id, i.c.currency))
    if customer_id:
        stmt = stmt.where(i.c.customer_id == customer_id)
    if currency:
        stmt = stmt.where(i.c.currency == currency)
    if overdue_only:
        stmt = stmt.having(sa.func.sum(_OVERDUE) > 0)
    grouped = stmt.subquery()
    total = await uow.scalar(sa.select(sa.func.count()).select_from(grouped), {"today": today})
    order = {"overdue": [grouped.c.overdue_minor.desc()], "open": [grouped.c.open_minor.desc()],
             "customer": []}[sort] + [grouped.c.customer_id, grouped.c.currency]
    rows = (await uow.execute(sa.select(grouped).order_by(*order).limit(limit).offset(offset),
                              {"today": today})).all()
    return list(rows), int(total or 0)


async def unapplied(uow: UnitOfWork, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Cash and credit on account per (customer, currency)."""
    out: dict[tuple[str, str], int] = {}
    customers = sorted({c for c, _ in keys})
    if not customers:
        return out
    for table in (payments, credit_notes):
        rows = await uow.execute(sa.select(table.c.customer_id, table.c.currency,
                                           sa.func.sum(table.c.unapplied_minor))
                                 .where(table.c.customer_id.in_(customers), table.c.unapplied_minor > 0)
                                 .group_by(table.c.customer_id, table.c.currency))
        for customer, cur, minor in rows:
            out[(customer, cur)] = out.get((customer, cur), 0) + int(minor or 0)
    return out
