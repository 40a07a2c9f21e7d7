"""Disputes, write-offs and recoveries against write-offs."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from services.ledger.repository.base import disputes, recoveries, write_offs
from shared.db import UnitOfWork

OPEN_DISPUTE = ("open", "investigating")


async def get_dispute(uow: UnitOfWork, dispute_id: str) -> sa.Row | None:
    return (await uow.execute(sa.select(disputes).where(disputes.c.id == dispute_id))).first()


async def open_dispute_of(uow: UnitOfWork, invoice_number: str) -> sa.Row | None:
    return (await uow.execute(sa.select(disputes).where(
        disputes.c.invoice_number == invoice_number, disputes.c.status.in_(OPEN_DISPUTE)))).first()


async def disputes_of(uow: UnitOfWork, invoice_number: str) -> list[sa.Row]:
    return list((await uow.execute(sa.select(disputes).where(disputes.c.invoice_number == invoice_number)
                                   .order_by(disputes.c.opened_date, disputes.c.created_at))).all())


async def insert_dispute(uow: UnitOfWork, row: dict) -> None:
    await uow.execute(sa.insert(disputes).values(**row))


async def update_dispute(uow: UnitOfWork, dispute_id: str, **values) -> None:
    await uow.execute(sa.update(disputes).where(disputes.c.id == dispute_id).values(**values))


async def get_write_off(uow: UnitOfWork, write_off_id: str) -> sa.Row | None:
    return (await uow.execute(sa.select(write_offs).where(write_offs.c.id == write_off_id))).first()


async def write_offs_of(uow: UnitOfWork, invoice_number: str) -> list[sa.Row]:
    return list((await uow.execute(sa.select(write_offs).where(write_offs.c.invoice_number == invoice_number)
                                   .order_by(write_offs.c.requested_date, write_offs.c.created_at))).all())


async def insert_write_off(uow: UnitOfWork, row: dict) -> None:
    await uow.execute(sa.insert(write_offs).values(**row))


async def update_write_off(uow: UnitOfWork, write_off_id: str, **values) -> None:
    await uow.execute(sa.update(write_offs).where(write_offs.c.id == write_off_id).values(**values))


async def add_recovered(uow: UnitOfWork, write_off_id: str, amount_minor: int) -> None:
    await uow.execute(sa.update(write_offs).where(write_offs.c.id == write_off_id).values(
        recovered_minor=write_offs.c.recovered_minor + amount_minor))


async def insert_recoveries(uow: UnitOfWork, rows: list[dict]) -> None:
    if rows:
        await uow.execute(sa.insert(recoveries), rows)


async def recoveries_of_payment(uow: UnitOfWork, payment_reference: str) -> list[sa.Row]:
    return list((await uow.execute(sa.select(recoveries).where(
        recoveries.c.payment_reference == payment_reference).order_by(recoveries.c.id))).all())


async def dispute_page(uow: UnitOfWork, *, statuses: tuple[str, ...], customer_id: str | None,
                       due_by: date | None, limit: int, offset: int) -> tuple[list[sa.Row], int]:
    """Disputes in these states, the nearest fact-finding deadline first."""
    where = [disputes.c.status.in_(statuses)]
    if customer_id:
        where.append(disputes.c.customer_id == customer_id)
    if due_by:
        where.append(disputes.c.fact_finding_due <= due_by)
    total = await uow.scalar(sa.select(sa.func.count()).select_from(disputes).where(*where))
    rows = (await uow.execute(sa.select(disputes).where(*where).order_by(
        disputes.c.fact_finding_due, disputes.c.opened_date, disputes.c.id).limit(limit).offset(offset))).all()
    return list(rows), int(total or 0)


async def write_off_page(uow: UnitOfWork, *, status: str, customer_id: str | None, limit: int,
                         offset: int) -> tuple[list[sa.Row], int]:
    """Write-offs in a state, the oldest request first (an approver's inbox)."""
    where = [write_offs.c.status == status]
    if customer_id:
        where.append(write_offs.c.customer_id == customer_id)
    total = await uow.scalar(sa.select(sa.func.count()).select_from(write_offs).where(*where))
    rows = (await uow.execute(sa.select(write_offs).where(*where).order_by(
        write_offs.c.requested_date, write_offs.c.created_at, write_offs.c.id).limit(limit).offset(offset))).all()
    return list(rows), int(total or 0)
