"""Import batches: one row per import attempt, with its full result."""
from __future__ import annotations

import sqlalchemy as sa

from services.ledger.repository.base import import_batches
from shared.db import UnitOfWork


async def insert_import_batch(uow: UnitOfWork, row: dict) -> None:
    await uow.execute(sa.insert(import_batches).values(**row))


async def get_import_batch(uow: UnitOfWork, batch_id: str) -> sa.Row | None:
    return (await uow.execute(sa.select(import_batches).where(import_batches.c.id == batch_id))).first()
