"""The lists people work from: cases, actions, legal cases, the worklist's inputs. Paged,
with the total count; filters that were not given filter nothing."""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from services.dunning.tables import (
    ActionRow, CaseRow, ContactLogRow, ItemRow, LegalCaseRow, MessageRow, PlanRow, PromiseRow,
)
from services.dunning.repository._sql import chunks
from shared.bulk import one_of
from shared.db import UnitOfWork


def _matching(*filters) -> list:
    return [column == value for column, value in filters if value is not None]


async def _page(uow: UnitOfWork, stmt, order, limit: int, offset: int) -> tuple[list, int]:
    total = await uow.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows = list((await uow.session.execute(stmt.order_by(*order).limit(limit).offset(offset))).scalars())
    return rows, int(total or 0)


async def cases_page(uow: UnitOfWork, *, customer_id=None, status=None, collector=None, limit: int,
                     offset: int) -> tuple[list[CaseRow], int]:
    stmt = select(CaseRow).where(*_matching((CaseRow.customer_id, customer_id), (CaseRow.status, status),
                                            (CaseRow.collector, collector)))
    return await _page(uow, stmt, (CaseRow.opened_on.desc(), CaseRow.case_id), limit, offset)


async def open_cases(uow: UnitOfWork, collector=None) -> list[CaseRow]:
    stmt = select(CaseRow).where(CaseRow.status == "open", *_matching((CaseRow.collector, collector)))
    return list((await uow.session.execute(stmt)).scalars())


async def items_of_cases(uow: UnitOfWork, case_ids) -> dict[str, list[ItemRow]]:
    out: dict[str, list[ItemRow]] = {c: [] for c in case_ids}
    for chunk in chunks(uow, case_ids):
        for row in (await uow.session.execute(select(ItemRow).where(one_of(uow, ItemRow.case_id, chunk))
                                              .order_by(ItemRow.due_date, ItemRow.invoice_number,
                                                        ItemRow.seq))).scalars():
            out[row.case_id].append(row)
    return out


async def actions_page(uow: UnitOfWork, *, customer_id=None, case_id=None, status=None, collector=None,
                       limit: int, offset: int) -> tuple[list[ActionRow], int]:
    stmt = select(ActionRow).where(*_matching((ActionRow.customer_id, customer_id), (ActionRow.case_id, case_id),
                                              (ActionRow.status, status)))
    if collector is not None:
        stmt = stmt.where(ActionRow.case_id.in_(select(CaseRow.case_id).where(CaseRow.collector == collector)))
    return await _page(uow, stmt, (ActionRow.on_date.desc(), ActionRow.created_at.desc(), ActionRow.action_id),
                       limit, offset)


async def case_actions(uow: UnitOfWork, case_id: str) -> list[ActionRow]:
    return list((await uow.session.execute(select(ActionRow).where(ActionRow.case_id == case_id).order_by(
        ActionRow.on_date, ActionRow.created_at, ActionRow.invoice_number, ActionRow.seq))).scalars())


async def open_tasks(uow: UnitOfWork, case_ids) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for chunk in chunks(uow, case_ids):
        for r in await uow.execute(sa.select(ActionRow.case_id, ActionRow.step_key).where(
                one_of(uow, ActionRow.case_id, chunk), ActionRow.status == "open").distinct()):
            out.setdefault(r.case_id, []).append(r.step_key)
    return out


async def case_promises(uow: UnitOfWork, case_id: str) -> list[PromiseRow]:
    return list((await uow.session.execute(select(PromiseRow).where(PromiseRow.case_id == case_id)
                                           .order_by(PromiseRow.made_on, PromiseRow.promise_id))).scalars())


async def case_plans(uow: UnitOfWork, case_id: str) -> list[PlanRow]:
    return list((await uow.session.execute(select(PlanRow).where(PlanRow.case_id == case_id)
                                           .order_by(PlanRow.created_on, PlanRow.plan_id))).scalars())


async def contact_log(uow: UnitOfWork, case_id: str) -> list[ContactLogRow]:
    return list((await uow.session.execute(select(ContactLogRow).where(ContactLogRow.case_id == case_id)
                                           .order_by(ContactLogRow.at, ContactLogRow.entry_id))).scalars())


async def last_contacts(uow: UnitOfWork, case_ids) -> dict[str, ContactLogRow]:
    out: dict[str, ContactLogRow] = {}
    for chunk in chunks(uow, case_ids):
        for row in (await uow.session.execute(select(ContactLogRow).where(one_of(uow, ContactLogRow.case_id, chunk))
                                              .order_by(ContactLogRow.at, ContactLogRow.entry_id))).scalars():
            out[row.case_id] = row
    return out


async def broken_promises(uow: UnitOfWork, customer_ids) -> dict[str, int]:
    out: dict[str, int] = {}
    for chunk in chunks(uow, customer_ids):
        for r in await uow.execute(sa.select(PromiseRow.customer_id, sa.func.count()).where(
                one_of(uow, PromiseRow.customer_id, chunk), PromiseRow.status == "broken").group_by(PromiseRow.customer_id)):
            out[r[0]] = int(r[1])
    return out


async def channel_health(uow: UnitOfWork, case_id: str) -> list[tuple[str, str, int, str | None]]:
    """(channel, status, count, last error) of the case's messages."""
    rows = await uow.execute(sa.select(MessageRow.channel, MessageRow.status, sa.func.count(),
                                       sa.func.max(MessageRow.last_error))
                             .where(MessageRow.case_id == case_id).group_by(MessageRow.channel, MessageRow.status))
    return [(r[0], r[1], int(r[2]), r[3]) for r in rows]


async def legal_page(uow: UnitOfWork, *, stage=None, customer_id=None, limit: int,
                     offset: int) -> tuple[list[LegalCaseRow], int]:
    stmt = select(LegalCaseRow).where(*_matching((LegalCaseRow.stage, stage), (LegalCaseRow.customer_id, customer_id)))
    return await _page(uow, stmt, (LegalCaseRow.opened_on.desc(), LegalCaseRow.legal_case_id), limit, offset)


async def message(uow: UnitOfWork, message_id: str) -> MessageRow | None:
    return await uow.session.get(MessageRow, message_id)
