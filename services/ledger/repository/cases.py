"""Disputes, write-offs and recoveries against write-offs."""
from __future__ import annotations

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
