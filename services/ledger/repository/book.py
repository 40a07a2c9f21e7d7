"""Instalment state and the append-only allocations that move it."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from services.ledger.repository.base import allocations, disputed_changes, instalments, rows_where_in
from shared.bulk import one_of
from shared.db import UnitOfWork


async def open_instalments(uow: UnitOfWork, customer_id: str) -> list[sa.Row]:
    return list((await uow.execute(sa.select(instalments).where(
        instalments.c.customer_id == customer_id, instalments.c.open_minor > 0))).all())


async def open_instalments_of(uow: UnitOfWork, customer_ids) -> list[sa.Row]:
    return await rows_where_in(uow, lambda chunk: sa.select(instalments).where(
        one_of(uow, instalments.c.customer_id, chunk), instalments.c.open_minor > 0), sorted(set(customer_ids)))


async def by_ids(uow: UnitOfWork, ids) -> list[sa.Row]:
    return await rows_where_in(uow, lambda chunk: sa.select(instalments).where(one_of(uow, instalments.c.id, chunk)), ids)


async def update_instalments(uow: UnitOfWork, rows: list[dict]) -> None:
    """rows: {"i": id, "open": ..., "disputed": ..., "next": next_threshold_date}"""
    if rows:
        await uow.execute(sa.update(instalments).where(instalments.c.id == sa.bindparam("i")).values(
            open_minor=sa.bindparam("open"), disputed_minor=sa.bindparam("disputed"),
            next_threshold_date=sa.bindparam("next")), rows)


async def insert_allocations(uow: UnitOfWork, rows: list[dict]) -> None:
    if rows:
        await uow.execute(sa.insert(allocations), rows)


async def of_source(uow: UnitOfWork, source_type: str, source_ref: str) -> list[sa.Row]:
    return list((await uow.execute(sa.select(allocations).where(
        allocations.c.source_type == source_type, allocations.c.source_ref == source_ref)
        .order_by(allocations.c.id))).all())


async def of_instalments(uow: UnitOfWork, ids, as_of: date) -> list[sa.Row]:
    return await rows_where_in(uow, lambda chunk: sa.select(allocations).where(
        one_of(uow, allocations.c.instalment_id, chunk), allocations.c.effective_date <= as_of)
        .order_by(allocations.c.effective_date, allocations.c.id), ids)


async def insert_disputed_changes(uow: UnitOfWork, rows: list[dict]) -> None:
    if rows:
        await uow.execute(sa.insert(disputed_changes), rows)
