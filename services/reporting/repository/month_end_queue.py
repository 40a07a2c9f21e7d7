"""The month-end packs a builder should take (the packs' own records: repository/packs.py)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from services.reporting.tables import MonthEndPackRow
from shared.db import UnitOfWork

LIMIT = 50


async def waiting(uow: UnitOfWork, stale_before: datetime) -> list[str]:
    """Queued packs, and packs still building since before `stale_before`: oldest first."""
    t = MonthEndPackRow.__table__.c
    stmt = (sa.select(t.pack_id)
            .where(sa.or_(t.status == "queued", sa.and_(t.status == "building", t.requested_at < stale_before)))
            .order_by(t.requested_at, t.pack_id).limit(LIMIT))
    return list((await uow.execute(stmt)).scalars())


async def claim(uow: UnitOfWork, pack_id: str, stale_before: datetime) -> date | None:
    """Take a pack for building: one conditional UPDATE, so of two builders only one gets it
    (on SQLite and PostgreSQL alike); its month end, or None when it is not to be built."""
    t = MonthEndPackRow.__table__.c
    stmt = (sa.update(MonthEndPackRow.__table__)
            .where(t.pack_id == pack_id,
                   sa.or_(t.status == "queued", sa.and_(t.status == "building", t.requested_at < stale_before)))
            .values(status="building").returning(t.as_of))
    return (await uow.execute(stmt)).scalar_one_or_none()
