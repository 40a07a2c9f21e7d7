"""Payments, credit notes and refunds: the sources of cash and credit on account."""
from __future__ import annotations

import sqlalchemy as sa

from services.ledger.repository.base import credit_notes, payments, refunds, rows_where_in
from shared.bulk import one_of
from shared.db import UnitOfWork


async def get_payment(uow: UnitOfWork, reference: str) -> sa.Row | None:
    return (await uow.execute(sa.select(payments).where(payments.c.payment_reference == reference))).first()


async def payment_hashes(uow: UnitOfWork, references) -> dict[str, str]:
    rows = await rows_where_in(uow, lambda chunk: sa.select(payments.c.payment_reference, payments.c.content_hash)
                               .where(one_of(uow, payments.c.payment_reference, chunk)), references)
    return {r[0]: r[1] for r in rows}


async def insert_payments(uow: UnitOfWork, rows: list[dict]) -> None:
    if rows:
        await uow.execute(sa.insert(payments), rows)


async def insert_payment(uow: UnitOfWork, row: dict) -> None:
    await uow.execute(sa.insert(payments).values(**row))


async def update_payment(uow: UnitOfWork, reference: str, **values) -> None:
    await uow.execute(sa.update(payments).where(payments.c.payment_reference == reference).values(**values))


async def get_credit_note(uow: UnitOfWork, number: str) -> sa.Row | None:
    return (await uow.execute(sa.select(credit_notes).where(credit_notes.c.credit_note_number == number))).first()


async def insert_credit_note(uow: UnitOfWork, row: dict) -> None:
    await uow.execute(sa.insert(credit_notes).values(**row))


async def update_credit_note(uow: UnitOfWork, number: str, **values) -> None:
    await uow.execute(sa.update(credit_notes).where(credit_notes.c.credit_note_number == number).values(**values))


async def get_refund(uow: UnitOfWork, reference: str) -> sa.Row | None:
    return (await uow.execute(sa.select(refunds).where(refunds.c.refund_reference == reference))).first()


async def insert_refund(uow: UnitOfWork, row: dict) -> None:
    await uow.execute(sa.insert(refunds).values(**row))


async def unapplied_sources(uow: UnitOfWork, customer_id: str, currency: str) -> list[dict]:
    """Cash and credit on account, oldest first: {"type", "ref", "date", "unapplied"}."""
    pays = (await uow.execute(sa.select(payments.c.payment_reference, payments.c.received_date,
                                        payments.c.unapplied_minor).where(
        payments.c.customer_id == customer_id, payments.c.currency == currency,
        payments.c.unapplied_minor > 0, payments.c.status == "received"))).all()
    notes = (await uow.execute(sa.select(credit_notes.c.credit_note_number, credit_notes.c.issue_date,
                                         credit_notes.c.unapplied_minor).where(
        credit_notes.c.customer_id == customer_id, credit_notes.c.currency == currency,
        credit_notes.c.unapplied_minor > 0))).all()
    sources = [{"type": "payment", "ref": r[0], "date": r[1], "unapplied": r[2]} for r in pays]
    sources += [{"type": "credit_note", "ref": r[0], "date": r[1], "unapplied": r[2]} for r in notes]
    return sorted(sources, key=lambda s: (s["date"], s["type"] != "payment", s["ref"]))


async def customers_with_cash(uow: UnitOfWork, customer_ids) -> set[tuple[str, str]]:
    """(customer, currency) pairs among `customer_ids` holding unapplied cash or credit."""
    found: set[tuple[str, str]] = set()
    for table in (payments, credit_notes):
        rows = await rows_where_in(uow, lambda chunk, t=table: sa.select(t.c.customer_id, t.c.currency).where(
            one_of(uow, t.c.customer_id, chunk), t.c.unapplied_minor > 0).distinct(), customer_ids)
        found.update((r[0], r[1]) for r in rows)
    return found


async def add_to_source(uow: UnitOfWork, source_type: str, ref: str, *, applied: int = 0,
                        unapplied: int = 0, refunded: int = 0) -> None:
    table, key = (payments, payments.c.payment_reference) if source_type == "payment" else (
        credit_notes, credit_notes.c.credit_note_number)
    await uow.execute(sa.update(table).where(key == ref).values(
        applied_minor=table.c.applied_minor + applied, unapplied_minor=table.c.unapplied_minor + unapplied,
        refunded_minor=table.c.refunded_minor + refunded))
