"""Every query reporting makes, in one place."""
from __future__ import annotations

from datetime import date

from sqlmodel import select

from services.reporting.tables import DailyActivity
from shared.db import UnitOfWork


async def day(uow: UnitOfWork, when: date, currency: str) -> DailyActivity:
    row = await uow.session.get(DailyActivity, (when, currency))
    if row is None:
        row = DailyActivity(day=when, currency=currency)
        uow.session.add(row)
    return row


async def activity(uow: UnitOfWork, start: date, end: date) -> list[DailyActivity]:
    stmt = (select(DailyActivity).where(DailyActivity.day >= start, DailyActivity.day <= end)
            .order_by(DailyActivity.day, DailyActivity.currency))
    return list((await uow.session.execute(stmt)).scalars())
