"""Every read and write dunning makes. Rows loaded here are tracked by the unit of work:
a handler changes their fields and the commit writes them; new rows go through `add`."""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from sqlmodel import select

from services.dunning.tables import CollectionCase, DunningTable, OverdueItem
from services.dunning.domain.escalation import CaseState, ItemState
from shared.db import UnitOfWork, chunked


def add(uow: UnitOfWork, row: DunningTable) -> None:
    uow.session.add(row)


async def get_item(uow: UnitOfWork, invoice_number: str, seq: int) -> OverdueItem | None:
    return await uow.session.get(OverdueItem, (invoice_number, seq))


async def get_case(uow: UnitOfWork, customer_id: str) -> CollectionCase | None:
    return await uow.session.get(CollectionCase, customer_id)


async def list_cases(uow: UnitOfWork, limit: int, offset: int) -> list[CollectionCase]:
    stmt = (select(CollectionCase).order_by(CollectionCase.highest_threshold.desc(),
                                            CollectionCase.customer_id).limit(limit).offset(offset))
    return list((await uow.session.execute(stmt)).scalars())


async def items_of(uow: UnitOfWork, customer_id: str) -> list[OverdueItem]:
    stmt = select(OverdueItem).where(OverdueItem.customer_id == customer_id).order_by(OverdueItem.due_date)
    return list((await uow.session.execute(stmt)).scalars())


_items = OverdueItem.__table__
_cases = CollectionCase.__table__


async def items_by_key(uow: UnitOfWork, keys: list[tuple[str, int]]) -> dict[tuple[str, int], ItemState]:
    out: dict[tuple[str, int], ItemState] = {}
    numbers = sorted({number for number, _ in keys})
    for chunk in chunked(numbers):
        for r in await uow.execute(sa.select(_items).where(_items.c.invoice_number.in_(chunk))):
            out[(r.invoice_number, r.instalment_seq)] = ItemState(
                r.invoice_number, r.instalment_seq, r.customer_id, r.due_date, r.threshold_days, r.days_overdue,
                r.open_minor, r.currency, r.as_of)
    return out


async def cases_of(uow: UnitOfWork, customers: list[str]) -> dict[str, CaseState]:
    out: dict[str, CaseState] = {}
    for chunk in chunked(customers):
        for r in await uow.execute(sa.select(_cases).where(_cases.c.customer_id.in_(chunk))):
            out[r.customer_id] = CaseState(r.customer_id, r.severity, r.highest_threshold, r.opened_on)
    return out


async def save_items(uow: UnitOfWork, changed: list[ItemState], new: list[ItemState]) -> None:
    if new:
        await uow.execute(sa.insert(_items), [dataclasses.asdict(s) for s in new])
    if changed:
        await uow.execute(sa.update(_items).where(_items.c.invoice_number == sa.bindparam("n"),
                                                  _items.c.instalment_seq == sa.bindparam("s"))
                          .values(threshold_days=sa.bindparam("t"), days_overdue=sa.bindparam("d"),
                                  as_of=sa.bindparam("a"), open_minor=sa.bindparam("o")),
                          [{"n": s.invoice_number, "s": s.instalment_seq, "t": s.threshold_days,
                            "d": s.days_overdue, "a": s.as_of, "o": s.open_minor} for s in changed])


async def save_cases(uow: UnitOfWork, changed: list[CaseState], new: list[CaseState], now) -> None:
    if new:
        await uow.execute(sa.insert(_cases), [{**dataclasses.asdict(c), "updated_at": now} for c in new])
    if changed:
        await uow.execute(sa.update(_cases).where(_cases.c.customer_id == sa.bindparam("c"))
                          .values(severity=sa.bindparam("sv"), highest_threshold=sa.bindparam("h"),
                                  updated_at=sa.bindparam("u")),
                          [{"c": c.customer_id, "sv": c.severity, "h": c.highest_threshold, "u": now}
                           for c in changed])
