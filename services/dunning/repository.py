"""Every read and write dunning makes. Rows loaded here are tracked by the unit of work:
a handler changes their fields and the commit writes them; new rows go through `add`."""
from __future__ import annotations

from sqlmodel import select

from services.dunning.tables import CollectionCase, DunningTable, OverdueItem
from shared.db import UnitOfWork


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
