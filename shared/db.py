"""Async database access (asyncpg on PostgreSQL, aiosqlite on SQLite) and the unit of
work: one transaction per request or per consumed batch, committed in one place.

The unit of work is re-entrant: a handler that says `async with uow:` ... `await
uow.commit()` inside a consumer batch joins the batch's transaction, and only the
outermost commit is real. So the same handler serves an HTTP request (its own
transaction) and a Kafka batch (one transaction for hundreds of events).
"""
from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Hashable, Iterator, Sequence
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from shared.events.contract import EventPayload
from shared.events.envelope import new_envelope
from shared.logs import current_correlation_id
from shared.platform_tables import outbox
from shared.write_lock import PriorityLock


#: SQLite refuses statements with more than 999 bound parameters (older builds): IN lists
#: over more values than this are sent in chunks (`chunked`). PostgreSQL takes arrays.
SQLITE_IN_CHUNK = 900


def as_utc(at: datetime | None) -> datetime | None:
    """SQLite gives timestamps back without their zone; they were stored in UTC."""
    return at if at is None or at.tzinfo is not None else at.replace(tzinfo=timezone.utc)


def chunked(items: Sequence, size: int = SQLITE_IN_CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class Database:
    def __init__(self, url: str, *, pool_size: int = 10, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": 30}
        else:
            # LIFO: after a pause the connection given back last is handed out first; it has
            # the hot path's statements prepared (an idle one took 10-20 ms for its first rounds).
            kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, pool_use_lifo=True,
                          # asyncpg prepares statements and PostgreSQL soon switches them to a
                          # cached generic plan; planned while a table (the inbox, invoices) is
                          # still small, that plan keeps scanning as it grows (0.8 s for a
                          # 900-id inbox lookup at 50k rows). Custom plans always use the index.
                          connect_args={"server_settings": {"plan_cache_mode": "force_custom_plan"}})
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            sa_event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite allows one writer: serialise transactions instead of failing with "locked".
        # Requests go before waiting background work (event delivery, jobs): shared/write_lock.py.
        self.write_lock = PriorityLock() if self.is_sqlite else None
        # Set by the embedded host on PostgreSQL: commits that write outbox rows take it, so
        # seq order is commit order there too (shared/outbox_log.py).
        self.outbox_lock: asyncio.Lock | None = None
        self.on_commit: list[Callable[[], None]] = []  # commits that emitted events: wake the outbox relay
        self.on_outbox_commit: list[Callable[[set[str]], None]] = []  # the same, told the topics committed
        self.after_commit: list[Callable[[], None]] = []  # every commit: e.g. drop what a cache may hold of it

    async def dispose(self) -> None:
        await self.engine.dispose()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))

    def unit_of_work(self, source: str) -> "UnitOfWork":
        return UnitOfWork(self, source)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class UnitOfWork:
    """A transaction plus the events it will publish (written to the outbox in it)."""

    def __init__(self, db: Database, source: str) -> None:
        self.db = db
        self.source = source  # CloudEvents source, e.g. "/ledger"
        self.session: AsyncSession | None = None
        self._depth = 0
        self._committed = False
        self._locked = False
        self._events: list[dict] = []
        self._once: dict[Hashable, Callable[[], Awaitable[Any]]] = {}

    def once(self, key: Hashable, work: Callable[[], Awaitable[Any]]) -> None:
        """Run `work` once, just before this transaction commits, however many times it is
        asked for under `key` (the first asker's `work` runs). A consumer batch of hundreds of
        facts about a few customers then re-rates each customer once, on the state all of
        its facts left, instead of once per fact; a request runs it at its own commit."""
        self._once.setdefault(key, work)

    async def __aenter__(self) -> "UnitOfWork":
        self._depth += 1
        if self._depth == 1:
            if self.db.write_lock is not None:
                await self.db.write_lock.acquire()
                self._locked = True
            self.session = self.db.sessionmaker()
            self._committed = False
            self._events = []
            self._once = {}
            await self.session.begin()
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        try:
            if not self._committed and exc_type is not None:
                await self.session.rollback()
            # A read-only unit of work just closes: the pool rolls the connection back,
            # and objects already loaded stay readable (a rollback would expire them).
        finally:
            self._events = []
            self._once = {}
            await self.session.close()
            self.session = None
            if self._locked:
                self._locked = False
                self.db.write_lock.release()

    @property
    def in_batch(self) -> bool:
        return self._depth > 1

    async def commit(self) -> None:
        """Commit if this is the outermost scope; inside a batch, the batch commits."""
        if self._depth > 1:
            return
        done: set[Hashable] = set()
        while self._once:  # work asked for once per transaction (it may ask for other work)
            key = next(iter(self._once))
            work = self._once.pop(key)
            if key not in done:
                done.add(key)
                await work()
        had_events = bool(self._events)
        topics = {e["topic"] for e in self._events} if had_events and self.db.on_outbox_commit else None
        lock = self.db.outbox_lock if had_events and self.db.outbox_lock is not None else contextlib.nullcontext()
        async with lock:
            if had_events:
                await self.session.execute(sa.insert(outbox), self._events)
                self._events = []
            await self.session.commit()
        self._committed = True
        for hook in self.db.after_commit:
            hook()
        if had_events:
            for hook in self.db.on_commit:
                hook()
            for topic_hook in self.db.on_outbox_commit:
                topic_hook(topics)

    async def execute(self, statement, params=None):
        return await self.session.execute(statement, params)

    async def scalar(self, statement, params=None):
        return await self.session.scalar(statement, params)

    @contextlib.asynccontextmanager
    async def savepoint(self):
        """A nested transaction: what fails inside rolls back alone (the outer one goes on)."""
        async with self.session.begin_nested():
            yield

    def emit(self, payload: EventPayload, *, correlation_id: str | None = None) -> str:
        """Queue an event for the outbox of this transaction: it is published if and only
        if the transaction commits."""
        env = new_envelope(payload, self.source, correlation_id or current_correlation_id())
        self._events.append({
            "event_id": env.id, "topic": env.topic, "key": env.key, "event_type": env.type,
            "attributes": json.dumps(env.attributes(), separators=(",", ":")),
            "payload": json.dumps(env.data, separators=(",", ":"), ensure_ascii=False),
            "created_at": datetime.now(timezone.utc), "published_at": None,
        })
        return env.id
