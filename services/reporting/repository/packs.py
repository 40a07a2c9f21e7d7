"""The month-end packs: kept, listed newest first."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import defer
from sqlmodel import select

from services.reporting.tables import MonthEndPackRow
from shared.db import UnitOfWork


def add(uow: UnitOfWork, row: MonthEndPackRow) -> None:
    uow.session.add(row)


async def get(uow: UnitOfWork, pack_id: str) -> MonthEndPackRow | None:
    return await uow.session.get(MonthEndPackRow, pack_id)


async def page(uow: UnitOfWork, offset: int, limit: int, period: str | None = None) -> tuple[list[MonthEndPackRow], int]:
    """A page of packs without their files (newest request first), and how many there are."""
    stmt = select(MonthEndPackRow).options(defer(MonthEndPackRow.xlsx), defer(MonthEndPackRow.csv_zip))
    count = sa.select(sa.func.count()).select_from(MonthEndPackRow.__table__)
    if period is not None:
        stmt, count = stmt.where(MonthEndPackRow.period == period), count.where(MonthEndPackRow.period == period)
    stmt = stmt.order_by(MonthEndPackRow.requested_at.desc(), MonthEndPackRow.pack_id).offset(offset).limit(limit)
    return list((await uow.execute(stmt)).scalars()), await uow.scalar(count)
