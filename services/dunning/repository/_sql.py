"""IN lists, once: on PostgreSQL `column = ANY(:array)` — one parameter however long the
list, so a statement is not re-rendered per batch — in chunks of 100,000; on SQLite
`column IN (...)` in chunks under its parameter limit (shared.db.chunked)."""
from __future__ import annotations

from typing import Iterable, Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from shared.db import UnitOfWork, chunked


def one_of(uow: UnitOfWork, column, values: Sequence) -> sa.ColumnElement:
    if uow.db.is_sqlite:
        return column.in_(values)
    return column == sa.any_(sa.bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))


def chunks(uow: UnitOfWork, values: Iterable) -> Iterator[Sequence]:
    """The distinct values, sorted, in chunks one statement can take."""
    return chunked(sorted(set(values)), 900 if uow.db.is_sqlite else 100_000)


async def bulk_insert(uow: UnitOfWork, table: sa.Table, rows: list[dict]) -> None:
    """Many rows at once (the ladder's actions, messages, cases). PostgreSQL: COPY on the
    unit of work's own connection, inside its transaction — several times faster than a
    multi-row INSERT; SQLite: executemany. Every row has the same keys."""
    if not rows:
        return
    if uow.db.is_sqlite:
        await uow.execute(sa.insert(table), rows)
        return
    columns = list(rows[0])
    connection = await uow.session.connection()
    await connection.exec_driver_sql("SELECT 1")  # the asyncpg adapter opens its transaction lazily
    driver = (await connection.get_raw_connection()).driver_connection
    await driver.copy_records_to_table(table.name, records=[tuple(r[c] for c in columns) for r in rows],
                                       columns=columns)
