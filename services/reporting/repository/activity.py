"""The daily totals of credit sales and cash (the /activity route)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import select

from services.reporting.tables import CountedFact, DailyActivity
from shared.db import UnitOfWork, chunked

_counted = CountedFact.__table__
_days = DailyActivity.__table__


async def count_once(uow: UnitOfWork, kind: str, key: str) -> bool:
    """Record a fact by its business key; False if it was counted before."""
    if await uow.scalar(sa.select(sa.func.count()).select_from(_counted)
                        .where(_counted.c.kind == kind, _counted.c.key == key)):
        return False
    await uow.execute(sa.insert(_counted).values(kind=kind, key=key))
    return True


async def counted(uow: UnitOfWork, kind: str, keys: list[str]) -> set[str]:
    """Which of `keys` were counted before."""
    out: set[str] = set()
    for chunk in chunked(keys):
        out.update((await uow.execute(sa.select(_counted.c.key).where(_counted.c.kind == kind,
                                                                      _counted.c.key.in_(chunk)))).scalars())
    return out


async def count_all(uow: UnitOfWork, kind: str, keys: list[str]) -> None:
    if keys:
        await uow.execute(sa.insert(_counted), [{"kind": kind, "key": k} for k in keys])


async def add_to_day(uow: UnitOfWork, day: date, currency: str, *, credit_sales_minor: int = 0,
                     cash_received_minor: int = 0, invoices: int = 0, payments: int = 0) -> None:
    where = (_days.c.day == day, _days.c.currency == currency)
    if not await uow.scalar(sa.select(sa.func.count()).select_from(_days).where(*where)):
        await uow.execute(sa.insert(_days).values(day=day, currency=currency, credit_sales_minor=0,
                                                  cash_received_minor=0, invoices=0, payments=0))
    await uow.execute(sa.update(_days).where(*where).values(
        credit_sales_minor=_days.c.credit_sales_minor + credit_sales_minor,
        cash_received_minor=_days.c.cash_received_minor + cash_received_minor,
        invoices=_days.c.invoices + invoices, payments=_days.c.payments + payments))


async def activity(uow: UnitOfWork, start: date, end: date) -> list[DailyActivity]:
    stmt = (select(DailyActivity).where(DailyActivity.day >= start, DailyActivity.day <= end)
            .order_by(DailyActivity.day, DailyActivity.currency))
    return list((await uow.execute(stmt)).scalars())
