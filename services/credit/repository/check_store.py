"""PostgreSQL: the reads and writes of credit checks that reserve nothing, grouped across
concurrent requests (group commit, `micro_batch.MicroBatcher`).

Checks waiting to read share one select (the check-state union for every customer_id and
order_ref of the batch); checks waiting to store their result share one multi-row insert.
Each insert runs in autocommit and each request answers only after its batch returned,
so every answer is durable before it is sent. Statements go straight to asyncpg (no ORM
session, no BEGIN/COMMIT) on a connection of the service's own engine pool, which the
runtime disposes of as usual; asyncpg prepares each statement once per connection.
"""
from __future__ import annotations

import contextlib
from datetime import date
from typing import NamedTuple

from sqlalchemy.dialects.postgresql import asyncpg as pg_asyncpg

from services.credit.micro_batch import MicroBatcher
from services.credit.repository.checks import BATCHED_STATE_QUERY, CheckState, NewCheck, StoredCheck, states_of
from services.credit.tables import CheckRow
from shared.db import Database
from shared.errors import ProblemError


class CheckUnavailable(ProblemError):
    status, slug, title = 503, "check-unavailable", "The credit check is temporarily unavailable"


def _unavailable(_exc: Exception) -> Exception:
    return CheckUnavailable("the check could not be read or stored; retry it with the same order_ref "
                            "(a repeat that was stored is answered with the stored result)")


class _Lookup(NamedTuple):
    customer_id: str
    order_ref: str
    today: date


def _compile_select() -> tuple[str, list[str], dict]:
    """The SQL, its parameters in $n order, and the constants it binds (e.g. open_minor > 0)."""
    compiled = BATCHED_STATE_QUERY.compile(dialect=pg_asyncpg.dialect())
    return str(compiled), list(compiled.positiontup), dict(compiled.params)


def _compile_insert() -> str:
    table = CheckRow.__table__
    dialect = pg_asyncpg.dialect()
    columns = ", ".join(NewCheck._fields)
    arrays = ", ".join(f"${i}::{table.c[name].type.compile(dialect=dialect)}[]"
                       for i, name in enumerate(NewCheck._fields, start=1))
    return (f"INSERT INTO {table.name} ({columns}) SELECT * FROM unnest({arrays}) "
            "ON CONFLICT (order_ref) DO NOTHING RETURNING order_ref")


class CheckStore:
    SELECT, SELECT_PARAMS, SELECT_CONSTANTS = _compile_select()
    INSERT = _compile_insert()
    STORED = "SELECT order_ref, request_hash, result FROM credit_checks WHERE order_ref = ANY($1::varchar[])"

    def __init__(self, db: Database, max_batch: int = 128) -> None:
        self._db = db
        self._loads: MicroBatcher[_Lookup, CheckState] = MicroBatcher(
            self._load_batch, self._connection, max_batch=max_batch, failure=_unavailable, name="credit check reads")
        self._inserts: MicroBatcher[NewCheck, StoredCheck | None] = MicroBatcher(
            self._insert_batch, self._connection, max_batch=max_batch, failure=_unavailable,
            name="credit check inserts")

    async def load(self, customer_id: str, order_ref: str, today: date) -> CheckState:
        return await self._loads.submit(_Lookup(customer_id, order_ref, today))

    async def insert(self, check: NewCheck) -> StoredCheck | None:
        """None when stored; the earlier check when its order_ref was taken (also by a twin in
        the same batch: the first one wins)."""
        return await self._inserts.submit(check)

    @contextlib.asynccontextmanager
    async def _connection(self):
        async with self._db.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            try:
                yield raw.driver_connection
            except BaseException:
                await conn.invalidate()  # it may be broken: never hand it out again
                raise

    async def _load_batch(self, conn, lookups: list[_Lookup]) -> list[CheckState]:
        states: dict[_Lookup, CheckState] = {}
        for today in {lookup.today for lookup in lookups}:  # one business day, except around midnight
            same_day = [lookup for lookup in lookups if lookup.today == today]
            values = {**self.SELECT_CONSTANTS, "today": today,
                      "customer_ids": list({lookup.customer_id for lookup in same_day}),
                      "order_refs": list({lookup.order_ref for lookup in same_day})}
            rows = await conn.fetch(self.SELECT, *(values[name] for name in self.SELECT_PARAMS))
            keys = [(lookup.customer_id, lookup.order_ref) for lookup in same_day]
            states.update(zip(same_day, states_of(rows, keys)))
        return [states[lookup] for lookup in lookups]

    async def _insert_batch(self, conn, checks: list[NewCheck]) -> list[StoredCheck | None]:
        first: dict[str, int] = {}  # order_ref -> its first check in the batch, the one inserted
        for i, check in enumerate(checks):
            first.setdefault(check.order_ref, i)
        unique = [checks[i] for i in first.values()]
        columns = [list(values) for values in zip(*unique)]
        inserted = {row[0] for row in await conn.fetch(self.INSERT, *columns)}
        won = [first[c.order_ref] == i and c.order_ref in inserted for i, c in enumerate(checks)]
        taken = {c.order_ref for c, ok in zip(checks, won) if not ok}
        stored = {}
        if taken:  # read after the insert: a concurrent winner has committed by now
            stored = {row["order_ref"]: StoredCheck(row["request_hash"], row["result"])
                      for row in await conn.fetch(self.STORED, list(taken))}
        return [None if ok else stored[c.order_ref] for c, ok in zip(checks, won)]
