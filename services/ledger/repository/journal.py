"""The append-only journal, and figures as of a date (only rows effective by then count)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from services.ledger.domain.terms import AWAITING_RECEIPT
from services.ledger.repository.base import (allocations, disputed_changes, due_date_changes, instalments, invoices,
                                             journal)
from shared.bulk import bulk_insert
from shared.db import UnitOfWork


async def insert_entry(uow: UnitOfWork, row: dict) -> int:
    return (await uow.execute(sa.insert(journal).values(**row).returning(journal.c.id))).scalar_one()


async def insert_entries(uow: UnitOfWork, rows: list[dict]) -> None:
    await bulk_insert(uow, journal, rows)


async def insert_entries_returning_ids(uow: UnitOfWork, rows: list[dict]) -> list[int]:
    """Bulk insert; the new ids in the order of `rows`."""
    if not rows:
        return []
    result = await uow.execute(sa.insert(journal).returning(journal.c.id, sort_by_parameter_order=True), rows)
    return [r[0] for r in result]


async def currencies(uow: UnitOfWork, customer_id: str) -> list[str]:
    rows = await uow.execute(sa.select(journal.c.currency).where(journal.c.customer_id == customer_id)
                             .distinct().order_by(journal.c.currency))
    return [r[0] for r in rows]


async def balance_as_of(uow: UnitOfWork, customer_id: str, currency: str, as_of: date) -> int:
    total = await uow.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(journal.c.balance_delta_minor), 0))
                                     .where(journal.c.customer_id == customer_id, journal.c.currency == currency,
                                            journal.c.effective_date <= as_of))
    return int(total or 0)


async def entries_between(uow: UnitOfWork, customer_id: str, currency: str, start: date, end: date,
                          *, balance_only: bool = True) -> list[sa.Row]:
    stmt = sa.select(journal).where(journal.c.customer_id == customer_id, journal.c.currency == currency,
                                    journal.c.effective_date >= start, journal.c.effective_date <= end)
    if balance_only:
        stmt = stmt.where(journal.c.balance_delta_minor != 0)
    return list((await uow.execute(stmt.order_by(journal.c.effective_date, journal.c.id))).all())


async def open_as_of(uow: UnitOfWork, customer_id: str, currency: str, as_of: date) -> list[sa.Row]:
    """Every instalment existing at `as_of` with its open amount then (amount less what
    allocations effective by then applied) and what of it was disputed then (the dated
    changes of its disputed amount), plus the invoice's write-off flag."""
    applied = (sa.select(allocations.c.instalment_id, sa.func.sum(allocations.c.amount_minor).label("applied"))
               .where(allocations.c.customer_id == customer_id, allocations.c.effective_date <= as_of)
               .group_by(allocations.c.instalment_id).subquery())
    disputed = (sa.select(disputed_changes.c.instalment_id,
                          sa.func.sum(disputed_changes.c.delta_minor).label("disputed"))
                .where(disputed_changes.c.customer_id == customer_id, disputed_changes.c.effective_date <= as_of)
                .group_by(disputed_changes.c.instalment_id).subquery())
    # The due date in force then: a move that took effect later (an extension, a receipt) had
    # not happened yet, so its first such move's previous date (none: it awaited the receipt).
    later = (sa.select(due_date_changes.c.instalment_id, due_date_changes.c.previous_due_date,
                       sa.func.row_number().over(partition_by=due_date_changes.c.instalment_id,
                                                 order_by=due_date_changes.c.id).label("n"))
             .where(due_date_changes.c.customer_id == customer_id, due_date_changes.c.effective_date > as_of)
             .subquery())
    due = sa.type_coerce(sa.case((later.c.instalment_id.is_not(None),
                                  sa.func.coalesce(later.c.previous_due_date, sa.literal(AWAITING_RECEIPT, sa.Date))),
                                 else_=instalments.c.due_date), sa.Date).label("due_date")
    open_minor = (instalments.c.amount_minor - sa.func.coalesce(applied.c.applied, 0)).label("open_minor")
    stmt = (sa.select(instalments.c.id, instalments.c.invoice_number, instalments.c.seq, due,
                      instalments.c.amount_minor, sa.func.coalesce(disputed.c.disputed, 0).label("disputed_minor"),
                      open_minor, invoices.c.written_off_minor, invoices.c.issue_date)
            .select_from(instalments.join(invoices, invoices.c.invoice_number == instalments.c.invoice_number)
                         .outerjoin(applied, applied.c.instalment_id == instalments.c.id)
                         .outerjoin(disputed, disputed.c.instalment_id == instalments.c.id)
                         .outerjoin(later, sa.and_(later.c.instalment_id == instalments.c.id, later.c.n == 1)))
            .where(instalments.c.customer_id == customer_id, instalments.c.currency == currency,
                   instalments.c.effective_from <= as_of)
            .order_by(due, instalments.c.invoice_number, instalments.c.seq))
    return list((await uow.execute(stmt)).all())


async def page(uow: UnitOfWork, customer_id: str | None, limit: int, offset: int) -> list[sa.Row]:
    stmt = sa.select(journal)
    if customer_id:
        stmt = stmt.where(journal.c.customer_id == customer_id)
    return list((await uow.execute(stmt.order_by(journal.c.id).limit(limit).offset(offset))).all())
