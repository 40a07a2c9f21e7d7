"""The aging clock's queries: an indexed range scan for candidates, the exactly-once
insert of crossings, and the advance of each instalment's ladder position.

PostgreSQL gets single statements over arrays (`unnest`), SQLite chunked statements."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.ledger.repository.base import crossings, instalments, invoices, is_postgres, rows_where_in
from shared.bulk import one_of
from shared.db import UnitOfWork, chunked

_CROSS_PG = sa.text(
    "INSERT INTO threshold_crossings (instalment_id, threshold_days, due_date, as_of, created_at) "
    "SELECT u.i, u.t, u.d, :as_of, :now "
    "FROM unnest(CAST(:ids AS BIGINT[]), CAST(:ts AS INTEGER[]), CAST(:ds AS DATE[])) AS u(i, t, d) "
    "ON CONFLICT DO NOTHING RETURNING instalment_id, threshold_days")
_ADVANCE_PG = sa.text(
    "UPDATE instalments AS i SET last_threshold_index = u.l, next_threshold_date = u.n "
    "FROM unnest(CAST(:ids AS BIGINT[]), CAST(:ls AS INTEGER[]), CAST(:ns AS DATE[])) AS u(id, l, n) "
    "WHERE i.id = u.id AND i.last_threshold_index <= u.l")


async def candidates(uow: UnitOfWork, as_of: date, after: tuple[date, int] | None, limit: int) -> list[sa.Row]:
    """Instalments whose next threshold date is on or before `as_of`, in index order,
    after the key `after` (keyset pagination: every chunk makes progress)."""
    i, v = instalments, invoices
    stmt = (sa.select(i.c.id, i.c.invoice_number, i.c.seq, i.c.customer_id, i.c.due_date, i.c.open_minor,
                      i.c.disputed_minor, i.c.currency, i.c.last_threshold_index, i.c.next_threshold_date,
                      v.c.region, v.c.product_line, v.c.customer_type, v.c.salesperson)
            .select_from(i.join(v, v.c.invoice_number == i.c.invoice_number))
            .where(i.c.next_threshold_date.is_not(None), i.c.next_threshold_date <= as_of)
            .order_by(i.c.next_threshold_date, i.c.id).limit(limit))
    if after is not None:
        stmt = stmt.where(sa.tuple_(i.c.next_threshold_date, i.c.id) > sa.tuple_(sa.literal(after[0]),
                                                                                sa.literal(after[1])))
    return list((await uow.execute(stmt)).all())


async def insert_crossings(uow: UnitOfWork, pairs: list[tuple[int, int, date]], as_of: date,
                           now: datetime) -> set[tuple[int, int]]:
    """Insert (instalment_id, threshold_days, due_date) rows; returns the (instalment,
    threshold) pairs that were new. One already there (a re-run, or a sweep racing this one)
    is not returned, so its event is never emitted twice for the same due date."""
    if not pairs:
        return set()
    inserted: set[tuple[int, int]] = set()
    if is_postgres(uow):
        for part in chunked(pairs, 50_000):
            rows = await uow.execute(_CROSS_PG, {"ids": [p[0] for p in part], "ts": [p[1] for p in part],
                                                 "ds": [p[2] for p in part], "as_of": as_of, "now": now})
            inserted.update((r[0], r[1]) for r in rows)
        return inserted
    for part in chunked(pairs, 5_000):
        stmt = (sqlite_insert(crossings).values([{"instalment_id": a, "threshold_days": t, "due_date": d,
                                                  "as_of": as_of, "created_at": now} for a, t, d in part])
                .on_conflict_do_nothing().returning(crossings.c.instalment_id, crossings.c.threshold_days))
        inserted.update((r[0], r[1]) for r in await uow.execute(stmt))
    return inserted


async def advance(uow: UnitOfWork, updates: list[tuple[int, int, date | None]]) -> None:
    """(instalment_id, last_threshold_index, next_threshold_date); the ladder only moves up."""
    if not updates:
        return
    if is_postgres(uow):
        for part in chunked(updates, 50_000):
            await uow.execute(_ADVANCE_PG, {"ids": [u[0] for u in part], "ls": [u[1] for u in part],
                                            "ns": [u[2] for u in part]})
        return
    await uow.execute(sa.update(instalments).where(
        instalments.c.id == sa.bindparam("i"), instalments.c.last_threshold_index <= sa.bindparam("l"))
        .values(last_threshold_index=sa.bindparam("l"), next_threshold_date=sa.bindparam("n")),
        [{"i": a, "l": b, "n": c} for a, b, c in updates])


async def customer_open_totals(uow: UnitOfWork, customer_ids) -> dict[tuple[str, str], int]:
    rows = await rows_where_in(uow, lambda chunk: sa.select(
        instalments.c.customer_id, instalments.c.currency, sa.func.sum(instalments.c.open_minor))
        .where(one_of(uow, instalments.c.customer_id, chunk), instalments.c.open_minor > 0)
        .group_by(instalments.c.customer_id, instalments.c.currency), customer_ids)
    return {(r[0], r[1]): int(r[2]) for r in rows}
