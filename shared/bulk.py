"""Set-based statements the hot paths of every service share (the ledger's ingest, dunning's
ladder and dispatcher): IN lists and bulk inserts done once, per database.

- `one_of`: on PostgreSQL `column = ANY(:array)` — one parameter however long the list, so
  a statement is not re-rendered per batch; on SQLite `column IN (...)`.
- `in_chunks`: values in chunks one statement can take (SQLite's parameter limit).
- `bulk_insert`: PostgreSQL COPY on the unit of work's own connection, inside its
  transaction (several times faster than a multi-row INSERT); SQLite executemany."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from shared.db import SQLITE_IN_CHUNK, UnitOfWork, chunked

POSTGRES_IN_CHUNK = 100_000  # an array parameter has no limit; this bounds one statement's work


def one_of(uow: UnitOfWork, column, values: Iterable) -> sa.ColumnElement:
    if uow.db.is_sqlite:
        return column.in_(list(values))
    return column == sa.any_(sa.bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))


def in_chunks(uow: UnitOfWork, values: Sequence) -> Iterator[Sequence]:
    return chunked(values, SQLITE_IN_CHUNK if uow.db.is_sqlite else POSTGRES_IN_CHUNK)


async def bulk_insert(uow: UnitOfWork, table: sa.Table, rows: list[dict]) -> None:
    """Every row has the same keys."""
    if not rows:
        return
    if uow.db.is_sqlite:
        await uow.execute(sa.insert(table), rows)
        return
    columns = list(rows[0])
    connection = await uow.session.connection()
    if not connection.in_transaction():  # pragma: no cover - the unit of work always began one
        raise RuntimeError("bulk_insert needs an open transaction")
    await connection.exec_driver_sql("SELECT 1")  # the asyncpg adapter opens its transaction lazily
    driver = (await connection.get_raw_connection()).driver_connection
    await driver.copy_records_to_table(table.name, records=[tuple(r[c] for c in columns) for r in rows],
                                       columns=columns)
