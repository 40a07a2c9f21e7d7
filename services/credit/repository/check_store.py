"""PostgreSQL: the reads and writes of credit checks that reserve nothing, grouped across
concurrent requests (group commit, `micro_batch.MicroBatcher`).

Checks take two turns through one queue: first to read their state, then, decided, to store
their result. Each round trip serves everything waiting: the state select for every
customer_id and order_ref read in this round and, in the same statement, the multi-row
insert of the checks decided since the last one (a data-modifying CTE whose stored
order_refs come back as rows tagged "i"). One statement instead of a select and an insert
halves the round trips, which under moderate load cost more of the process's CPU than the
checks themselves (docs/benchmarks.md, "Credit check"). The statement runs in autocommit
and each check answers only after its round returned, so every answer is durable before it
is sent. The select cannot see rows inserted by its own statement: a repeat of an
order_ref being stored in the same round is caught by the insert's conflict, then answered
from the stored row. Statements go straight to asyncpg (no ORM session, no BEGIN/COMMIT) on
a connection of the service's own engine pool; asyncpg prepares each once per connection.
"""
from __future__ import annotations

import contextlib
import re
from datetime import date
from typing import NamedTuple

from sqlalchemy.dialects.postgresql import asyncpg as pg_asyncpg

from shared.micro_batch import MicroBatcher
from services.credit.repository.checks import BATCHED_STATE_QUERY, CheckState, NewCheck, StoredCheck, states_of
from services.credit.tables import CheckRow
from shared.db import Database
from shared.errors import RuleError


class CheckUnavailable(RuleError):
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


def _renumber(sql: str, offset: int) -> str:
    """$1, $2, ... → $(1+offset), ...: to append one statement's parameters to another's."""
    return re.sub(r"\$(\d+)", lambda m: f"${int(m.group(1)) + offset}", sql)


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
    _STORED_ROW = "SELECT 'i', order_ref, NULL::text, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, " \
                  "NULL::date, NULL::date FROM stored"

    def __init__(self, db: Database, max_batch: int = 128) -> None:
        self._db = db
        self._rounds: MicroBatcher[_Lookup | NewCheck, CheckState | StoredCheck | None] = MicroBatcher(
            self._round, self._connection, max_batch=max_batch, failure=_unavailable, name="credit check rounds")
        self._combined: dict[tuple[str, str], str] = {}

    async def load(self, customer_id: str, order_ref: str, today: date) -> CheckState:
        return await self._rounds.submit(_Lookup(customer_id, order_ref, today))

    async def insert(self, check: NewCheck) -> StoredCheck | None:
        """None when stored; the earlier check when its order_ref was taken (also by a twin in
        the same batch: the first one wins)."""
        return await self._rounds.submit(check)

    @contextlib.asynccontextmanager
    async def _connection(self):
        async with self._db.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            try:
                yield raw.driver_connection
            except BaseException:
                await conn.invalidate()  # it may be broken: never hand it out again
                raise

    async def _round(self, conn, items: list[_Lookup | NewCheck]) -> list[CheckState | StoredCheck | None]:
        lookups = [item for item in items if isinstance(item, _Lookup)]
        checks = [item for item in items if not isinstance(item, _Lookup)]
        days = sorted({lookup.today for lookup in lookups})  # one business day, except around midnight
        states: dict[_Lookup, CheckState] = {}
        first: dict[str, int] = {}  # order_ref -> its first check in the round, the one inserted
        for i, check in enumerate(checks):
            first.setdefault(check.order_ref, i)
        columns = [list(values) for values in zip(*(checks[i] for i in first.values()))]
        inserted: set[str] = set()
        for n, today in enumerate(days):
            same_day = [lookup for lookup in lookups if lookup.today == today]
            values = {**self.SELECT_CONSTANTS, "today": today,
                      "customer_ids": list({lookup.customer_id for lookup in same_day}),
                      "order_refs": list({lookup.order_ref for lookup in same_day})}
            arguments = [values[name] for name in self.SELECT_PARAMS]
            if n == 0 and checks:
                rows = await conn.fetch(self._select_and_insert(), *arguments, *columns)
                inserted = {row[1] for row in rows if row[0] == "i"}
                rows = [row for row in rows if row[0] != "i"]
            else:
                rows = await conn.fetch(self.SELECT, *arguments)
            keys = [(lookup.customer_id, lookup.order_ref) for lookup in same_day]
            states.update(zip(same_day, states_of(rows, keys)))
        if checks and not days:
            inserted = {row[0] for row in await conn.fetch(self.INSERT, *columns)}
        stored = await self._earlier(conn, checks, first, inserted)
        return [states[item] if isinstance(item, _Lookup) else stored.get(item) for item in items]

    def _select_and_insert(self) -> str:
        key = (self.SELECT, self.INSERT)
        if key not in self._combined:
            insert = _renumber(self.INSERT, len(self.SELECT_PARAMS))
            self._combined[key] = f"WITH stored AS ({insert}) {self._STORED_ROW} UNION ALL {self.SELECT}"
        return self._combined[key]

    async def _earlier(self, conn, checks: list[NewCheck], first: dict[str, int],
                       inserted: set[str]) -> dict[NewCheck, StoredCheck]:
        """The stored check of each check that lost its order_ref (to an earlier one, or to its
        first twin in this round)."""
        lost = [check for i, check in enumerate(checks)
                if first[check.order_ref] != i or check.order_ref not in inserted]
        if not lost:
            return {}
        # Read after the insert: a concurrent winner has committed by now.
        rows = await conn.fetch(self.STORED, list({check.order_ref for check in lost}))
        stored = {row["order_ref"]: StoredCheck(row["request_hash"], row["result"]) for row in rows}
        return {check: stored[check.order_ref] for check in lost}
