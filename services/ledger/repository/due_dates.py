"""Due-date moves: the instalments they touch, the append-only history, the invoice's receipt."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from services.ledger.repository.base import due_date_changes, instalments, invoices, rows_where_in
from shared.bulk import one_of
from shared.db import UnitOfWork


async def items_of(uow: UnitOfWork, numbers) -> list[sa.Row]:
    rows = await rows_where_in(uow, lambda chunk: sa.select(
        instalments.c.id, instalments.c.invoice_number, instalments.c.seq, instalments.c.due_date,
        instalments.c.open_minor, instalments.c.disputed_minor, instalments.c.last_threshold_index)
        .where(one_of(uow, instalments.c.invoice_number, chunk)), numbers)
    return sorted(rows, key=lambda r: (r.invoice_number, r.seq))


async def already_moved(uow: UnitOfWork, numbers, reason: str, reference: str) -> set[str]:
    """The invoices this move (reason, reference) was applied to already: a redelivery."""
    rows = await rows_where_in(uow, lambda chunk: sa.select(due_date_changes.c.invoice_number).where(
        one_of(uow, due_date_changes.c.invoice_number, chunk), due_date_changes.c.reason == reason,
        due_date_changes.c.reference == reference), numbers)
    return {r.invoice_number for r in rows}


async def move(uow: UnitOfWork, moves: list[dict], numbers) -> None:
    """moves: {"i": id, "due": new due date, "last": threshold index, "next": next threshold date};
    then each invoice is due when its last instalment is."""
    if not moves:
        return
    await uow.execute(sa.update(instalments).where(instalments.c.id == sa.bindparam("i")).values(
        due_date=sa.bindparam("due"), last_threshold_index=sa.bindparam("last"),
        next_threshold_date=sa.bindparam("next")), moves)
    latest = (sa.select(sa.func.max(instalments.c.due_date))
              .where(instalments.c.invoice_number == invoices.c.invoice_number).scalar_subquery())
    await uow.execute(sa.update(invoices).where(one_of(uow, invoices.c.invoice_number, list(numbers)))
                      .values(due_date=latest))


async def insert_changes(uow: UnitOfWork, rows: list[dict]) -> None:
    if rows:
        await uow.execute(sa.insert(due_date_changes), rows)


async def set_receipt(uow: UnitOfWork, number: str, received: date, proof: str | None) -> None:
    await uow.execute(sa.update(invoices).where(invoices.c.invoice_number == number)
                      .values(receipt_date=received, receipt_proof=proof))


async def history(uow: UnitOfWork, number: str) -> list[sa.Row]:
    return list((await uow.execute(sa.select(due_date_changes).where(due_date_changes.c.invoice_number == number)
                                   .order_by(due_date_changes.c.id))).all())
