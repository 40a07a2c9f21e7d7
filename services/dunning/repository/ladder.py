"""The ladder's bulk reads and writes: a batch of cases is read in a few queries and its
actions and messages inserted in one statement each (no per-case round trips; the
benchmark opens 100,000 cases)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from services.dunning.tables import ActionRow, CaseRow, ItemRow, MessageRow
from shared.db import UnitOfWork, chunked

_items = ItemRow.__table__
_actions = ActionRow.__table__
_messages = MessageRow.__table__
_cases = CaseRow.__table__


async def open_case_ids(uow: UnitOfWork, after: str, limit: int) -> list[str]:
    """Open cases after `after` (keyset paging by id)."""
    rows = await uow.execute(sa.select(_cases.c.case_id).where(_cases.c.status == "open", _cases.c.case_id > after)
                             .order_by(_cases.c.case_id).limit(limit))
    return [r.case_id for r in rows]


async def ladder_items(uow: UnitOfWork, case_ids) -> list:
    """The open items of these cases that the ledger said are in the ladder."""
    out = []
    for chunk in chunked(sorted(set(case_ids))):
        out += list(await uow.execute(sa.select(_items).where(
            _items.c.case_id.in_(chunk), _items.c.status == "open", _items.c.overdue.is_(True),
            _items.c.due_date.is_not(None)).order_by(_items.c.case_id, _items.c.due_date, _items.c.invoice_number,
                                                     _items.c.seq)))
    return out


async def done_steps(uow: UnitOfWork, case_ids) -> set[tuple[str, int, date, str]]:
    """(invoice, seq, due date, step) of every action recorded for these cases."""
    out: set[tuple[str, int, date, str]] = set()
    for chunk in chunked(sorted(set(case_ids))):
        for r in await uow.execute(sa.select(_actions.c.invoice_number, _actions.c.seq, _actions.c.due_date,
                                             _actions.c.step_key).where(_actions.c.case_id.in_(chunk))):
            out.add((r.invoice_number, r.seq, r.due_date, r.step_key))
    return out


async def overdue_history(uow: UnitOfWork, customer_ids) -> dict[str, int]:
    """Per customer: items that were ever overdue (any case, open or closed)."""
    out: dict[str, int] = {}
    for chunk in chunked(sorted(set(customer_ids))):
        for r in await uow.execute(sa.select(_items.c.customer_id, sa.func.count()).where(
                _items.c.customer_id.in_(chunk), _items.c.max_days_overdue > 0).group_by(_items.c.customer_id)):
            out[r[0]] = int(r[1])
    return out


async def insert_actions(uow: UnitOfWork, rows: list[dict]) -> None:
    if rows:
        await uow.execute(sa.insert(_actions), rows)


async def insert_messages(uow: UnitOfWork, rows: list[dict]) -> None:
    if rows:
        await uow.execute(sa.insert(_messages), rows)
