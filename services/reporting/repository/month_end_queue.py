"""The month-end packs a builder should take (the packs' own records: repository/packs.py)."""
from __future__ import annotations

from datetime import datetime

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
