"""Invoices and their instalments."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from services.ledger.domain.terms import AWAITING_RECEIPT
from services.ledger.repository.base import (allocations, disputed_changes, due_date_changes, instalments, invoices,
                                             rows_where_in)
from shared.bulk import bulk_insert, one_of
from shared.db import UnitOfWork


async def existing(uow: UnitOfWork, numbers) -> dict[str, sa.Row]:
    """invoice_number -> (content_hash, customer_id) for the numbers already stored."""
    rows = await rows_where_in(uow, lambda chunk: sa.select(
        invoices.c.invoice_number, invoices.c.content_hash, invoices.c.customer_id)
        .where(one_of(uow, invoices.c.invoice_number, chunk)), numbers)
    return {r.invoice_number: r for r in rows}


async def insert(uow: UnitOfWork, invoice_rows: list[dict], instalment_rows: list[dict]) -> None:
    await bulk_insert(uow, invoices, invoice_rows)
    await bulk_insert(uow, instalments, instalment_rows)


async def get(uow: UnitOfWork, number: str) -> sa.Row | None:
    return (await uow.execute(sa.select(invoices).where(invoices.c.invoice_number == number))).first()


async def by_numbers(uow: UnitOfWork, numbers) -> dict[str, sa.Row]:
    rows = await rows_where_in(uow, lambda chunk: sa.select(invoices).where(one_of(uow, invoices.c.invoice_number, chunk)),
                               numbers)
    return {r.invoice_number: r for r in rows}


async def instalments_of(uow: UnitOfWork, numbers) -> list[sa.Row]:
    rows = await rows_where_in(uow, lambda chunk: sa.select(instalments).where(
        one_of(uow, instalments.c.invoice_number, chunk)), numbers)
    return sorted(rows, key=lambda r: (r.invoice_number, r.seq))


async def max_seq(uow: UnitOfWork, number: str) -> int:
    return await uow.scalar(sa.select(sa.func.max(instalments.c.seq)).where(instalments.c.invoice_number == number)) or 0


async def add_amounts(uow: UnitOfWork, number: str, *, credited: int = 0, written_off: int = 0) -> None:
    await uow.execute(sa.update(invoices).where(invoices.c.invoice_number == number).values(
        credited_minor=invoices.c.credited_minor + credited,
        written_off_minor=invoices.c.written_off_minor + written_off))


async def add_open(uow: UnitOfWork, deltas: dict[str, int]) -> None:
    params = [{"n": number, "d": delta} for number, delta in deltas.items() if delta]
    if params:
        await uow.execute(sa.update(invoices).where(invoices.c.invoice_number == sa.bindparam("n"))
                          .values(open_minor=invoices.c.open_minor + sa.bindparam("d")), params)


async def set_status(uow: UnitOfWork, updates: list[dict]) -> None:
    """updates: {"n": number, "status": ..., "settled_date": ...}"""
    if updates:
        await uow.execute(sa.update(invoices).where(invoices.c.invoice_number == sa.bindparam("n"))
                          .values(status=sa.bindparam("status"), settled_date=sa.bindparam("settled_date")),
                          updates)


def _filters(customer_id: str | None, status: str | None, overdue_on: date | None) -> list:
    where = []
    if customer_id:
        where.append(invoices.c.customer_id == customer_id)
    if status:
        where.append(invoices.c.status == status)
    if overdue_on:  # as of that date: open then (allocations), less what was disputed then
        applied = (sa.select(sa.func.coalesce(sa.func.sum(allocations.c.amount_minor), 0))
                   .where(allocations.c.instalment_id == instalments.c.id, allocations.c.effective_date <= overdue_on)
                   .scalar_subquery())
        disputed = (sa.select(sa.func.coalesce(sa.func.sum(disputed_changes.c.delta_minor), 0))
                    .where(disputed_changes.c.instalment_id == instalments.c.id,
                           disputed_changes.c.effective_date <= overdue_on).scalar_subquery())
        moved_later = (sa.select(sa.func.coalesce(due_date_changes.c.previous_due_date,
                                                  sa.literal(AWAITING_RECEIPT, sa.Date)))
                       .where(due_date_changes.c.instalment_id == instalments.c.id,
                              due_date_changes.c.effective_date > overdue_on)
                       .order_by(due_date_changes.c.id).limit(1).scalar_subquery())
        due_then = sa.func.coalesce(moved_later, instalments.c.due_date)  # the due date in force on that date
        where.append(sa.exists().where(
            instalments.c.invoice_number == invoices.c.invoice_number, due_then < overdue_on,
            instalments.c.effective_from <= overdue_on, instalments.c.amount_minor - applied > disputed))
    return where


async def page(uow: UnitOfWork, *, customer_id: str | None, status: str | None, overdue_on: date | None,
               limit: int, offset: int) -> tuple[list[sa.Row], int]:
    where = _filters(customer_id, status, overdue_on)
    total = await uow.scalar(sa.select(sa.func.count()).select_from(invoices).where(*where))
    rows = (await uow.execute(sa.select(invoices).where(*where)
                              .order_by(invoices.c.issue_date, invoices.c.invoice_number)
                              .limit(limit).offset(offset))).all()
    return list(rows), int(total or 0)
