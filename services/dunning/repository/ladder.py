"""The ladder's bulk reads and writes: a batch of cases is read in a few queries and its
actions and messages inserted in one statement each (no per-case round trips; the
benchmark opens 100,000 cases)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from services.dunning.tables import ActionRow, CaseRow, CustomerRow, ItemRow, MessageRow
from services.dunning.repository._sql import chunks
from shared.bulk import bulk_insert, one_of
from shared.db import UnitOfWork

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
    for chunk in chunks(uow, case_ids):
        out += list(await uow.execute(sa.select(_items).where(
            one_of(uow, _items.c.case_id, chunk), _items.c.status == "open", _items.c.overdue.is_(True),
            _items.c.due_date.is_not(None)).order_by(_items.c.case_id, _items.c.due_date, _items.c.invoice_number,
                                                     _items.c.seq)))
    return out


async def done_steps(uow: UnitOfWork, case_ids) -> dict[tuple[str, int, date], set[str]]:
    """(invoice, seq, due date) -> the steps recorded for it, for these cases' items."""
    out: dict[tuple[str, int, date], set[str]] = {}
    for chunk in chunks(uow, case_ids):
        for r in await uow.execute(sa.select(_actions.c.invoice_number, _actions.c.seq, _actions.c.due_date,
                                             _actions.c.step_key).where(one_of(uow, _actions.c.case_id, chunk))):
            out.setdefault((r.invoice_number, r.seq, r.due_date), set()).add(r.step_key)
    return out


async def overdue_history(uow: UnitOfWork, customer_ids) -> dict[str, int]:
    """Per customer: items that were ever overdue (any case, open or closed)."""
    out: dict[str, int] = {}
    for chunk in chunks(uow, customer_ids):
        for r in await uow.execute(sa.select(_items.c.customer_id, sa.func.count()).where(
                one_of(uow, _items.c.customer_id, chunk), _items.c.max_days_overdue > 0).group_by(_items.c.customer_id)):
            out[r[0]] = int(r[1])
    return out


async def insert_actions(uow: UnitOfWork, rows: list[dict]) -> None:
    await bulk_insert(uow, _actions, rows)


async def insert_messages(uow: UnitOfWork, rows: list[dict]) -> None:
    await bulk_insert(uow, _messages, rows)


# --- the overdue facts' bulk path (a sweep publishes one fact per instalment) ------------------

_customers = CustomerRow.__table__


async def item_states(uow: UnitOfWork, invoice_numbers) -> dict[tuple[str, int], tuple]:
    """(invoice, seq) -> (status, case_id, max_days_overdue, open_minor, currency, region, salesperson)."""
    out: dict[tuple[str, int], tuple] = {}
    for chunk in chunks(uow, invoice_numbers):
        for r in await uow.execute(sa.select(
                _items.c.invoice_number, _items.c.seq, _items.c.status, _items.c.case_id, _items.c.max_days_overdue,
                _items.c.open_minor, _items.c.currency, _items.c.region, _items.c.salesperson)
                .where(one_of(uow, _items.c.invoice_number, chunk))):
            out[(r[0], r[1])] = tuple(r[2:])
    return out


async def insert_items(uow: UnitOfWork, rows: list[dict]) -> None:
    await bulk_insert(uow, _items, rows)


async def enter_ladder(uow: UnitOfWork, rows: list[dict]) -> None:
    """Items the ledger said are overdue: in the ladder, in their case, the days seen."""
    if not rows:
        return
    if uow.db.is_sqlite:
        await uow.execute(sa.update(_items).where(_items.c.invoice_number == sa.bindparam("n"),
                                                  _items.c.seq == sa.bindparam("s"))
                          .values(overdue=True, case_id=sa.bindparam("c"), max_days_overdue=sa.bindparam("d")), rows)
        return
    await uow.execute(sa.text(  # one statement for the batch, not one per row
        "UPDATE dunning_items AS i SET overdue = true, case_id = v.c, max_days_overdue = v.d "
        "FROM unnest(CAST(:ns AS TEXT[]), CAST(:ss AS INTEGER[]), CAST(:cs AS TEXT[]), CAST(:ds AS INTEGER[])) "
        "AS v(n, s, c, d) WHERE i.invoice_number = v.n AND i.seq = v.s"),
        {"ns": [r["n"] for r in rows], "ss": [r["s"] for r in rows], "cs": [r["c"] for r in rows],
         "ds": [r["d"] for r in rows]})


async def open_cases_of(uow: UnitOfWork, customer_ids) -> dict[str, str]:
    """customer -> its open case's id."""
    out: dict[str, str] = {}
    for chunk in chunks(uow, customer_ids):
        for r in await uow.execute(sa.select(_cases.c.customer_id, _cases.c.case_id).where(
                one_of(uow, _cases.c.customer_id, chunk), _cases.c.status == "open")):
            out[r[0]] = r[1]
    return out


async def cases(uow: UnitOfWork, case_ids) -> dict[str, sa.Row]:
    out: dict[str, sa.Row] = {}
    for chunk in chunks(uow, case_ids):
        for r in await uow.execute(sa.select(_cases).where(one_of(uow, _cases.c.case_id, chunk))):
            out[r.case_id] = r
    return out


async def insert_cases(uow: UnitOfWork, rows: list[dict]) -> None:
    await bulk_insert(uow, _cases, rows)


async def customers(uow: UnitOfWork, customer_ids) -> dict[str, sa.Row]:
    out: dict[str, sa.Row] = {}
    for chunk in chunks(uow, customer_ids):
        for r in await uow.execute(sa.select(_customers).where(one_of(uow, _customers.c.customer_id, chunk))):
            out[r.customer_id] = r
    return out


async def insert_customers(uow: UnitOfWork, rows: list[dict]) -> None:
    await bulk_insert(uow, _customers, rows)


async def blacklist_requested(uow: UnitOfWork, customer_ids: list[str], on: date) -> None:
    for chunk in chunks(uow, customer_ids):
        await uow.execute(sa.update(_customers).where(one_of(uow, _customers.c.customer_id, chunk))
                          .values(blacklist_requested_on=on))
