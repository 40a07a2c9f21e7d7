"""Payments parked until the invoices they name are booked."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from services.ledger.repository.base import parked_invoices, parked_payments, rows_where_in
from shared.bulk import one_of
from shared.db import UnitOfWork


async def hashes(uow: UnitOfWork, references) -> dict[str, str]:
    """payment_reference -> content hash, for the references parked (in any status)."""
    rows = await rows_where_in(uow, lambda chunk: sa.select(parked_payments.c.payment_reference,
                                                            parked_payments.c.content_hash)
                               .where(one_of(uow, parked_payments.c.payment_reference, chunk)), references)
    return {r[0]: r[1] for r in rows}


async def park(uow: UnitOfWork, row: dict, awaiting: list[str]) -> None:
    await uow.execute(sa.insert(parked_payments).values(**row))
    await uow.execute(sa.insert(parked_invoices), [{"invoice_number": n, "payment_reference": row["payment_reference"]}
                                                   for n in sorted(set(awaiting))])


async def waiting_for(uow: UnitOfWork, invoice_numbers) -> list[sa.Row]:
    """The parked payments that wait for any of these invoices, oldest first."""
    refs = await rows_where_in(uow, lambda chunk: sa.select(parked_invoices.c.payment_reference).where(
        one_of(uow, parked_invoices.c.invoice_number, chunk)), invoice_numbers)
    if not refs:
        return []
    rows = await rows_where_in(uow, lambda chunk: sa.select(parked_payments).where(
        one_of(uow, parked_payments.c.payment_reference, chunk), parked_payments.c.status == "parked"),
        sorted({r[0] for r in refs}))
    return sorted(rows, key=lambda r: (r.received_date, r.parked_at, r.payment_reference))


async def awaited_invoices(uow: UnitOfWork, reference: str) -> list[str]:
    rows = await uow.execute(sa.select(parked_invoices.c.invoice_number)
                             .where(parked_invoices.c.payment_reference == reference)
                             .order_by(parked_invoices.c.invoice_number))
    return [r[0] for r in rows]


async def get(uow: UnitOfWork, reference: str) -> sa.Row | None:
    return (await uow.execute(sa.select(parked_payments)
                              .where(parked_payments.c.payment_reference == reference))).first()


async def resolve(uow: UnitOfWork, reference: str, status: str, at: datetime) -> None:
    await uow.execute(sa.update(parked_payments).where(parked_payments.c.payment_reference == reference)
                      .values(status=status, resolved_at=at, last_error=None))


async def note_error(uow: UnitOfWork, reference: str, error: str) -> None:
    await uow.execute(sa.update(parked_payments).where(parked_payments.c.payment_reference == reference)
                      .values(last_error=error[:2000]))


async def page(uow: UnitOfWork, *, customer_id: str | None, status: str, limit: int,
               offset: int) -> tuple[list[sa.Row], int]:
    where = [parked_payments.c.status == status]
    if customer_id:
        where.append(parked_payments.c.customer_id == customer_id)
    total = await uow.scalar(sa.select(sa.func.count()).select_from(parked_payments).where(*where))
    rows = (await uow.execute(sa.select(parked_payments).where(*where)
                              .order_by(parked_payments.c.parked_at, parked_payments.c.payment_reference)
                              .limit(limit).offset(offset))).all()
    return list(rows), int(total or 0)


async def backlog(uow: UnitOfWork) -> tuple[int, datetime | None]:
    """How many payments are parked, and since when the oldest."""
    row = (await uow.execute(sa.select(sa.func.count(), sa.func.min(parked_payments.c.parked_at))
                             .where(parked_payments.c.status == "parked"))).one()
    return int(row[0] or 0), row[1]
