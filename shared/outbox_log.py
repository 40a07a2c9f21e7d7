"""A producer's outbox read as a log, for the embedded mode's delivery (shared/embedded_delivery.py).

Subscribers keep their own cursor (the highest `seq` they have passed) and read the rows
after it, as Kafka consumers read a partition from their committed offset. That needs one
property of the outbox: once a reader has seen `max(seq) = H`, no row with `seq <= H` can
still appear. On SQLite it holds by construction: one writer at a time, and a new rowid is
one more than the largest. On PostgreSQL sequence numbers are taken before commit, so a
slow transaction could commit seq 7 after a fast one committed seq 8; there the host sets
`Database.outbox_lock`, held by every commit that writes outbox rows and by `horizon()`
(the embedded host is the only writer of its databases).

The producer side also keeps `published_at` meaningful: a row is marked once every
subscriber of its topic has passed it (`mark`), so `ar_outbox_backlog` counts what some
subscriber has not applied yet and the purge drops only delivered rows.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import time
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from shared.consumer import RawMessage
from shared.db import Database
from shared.events.envelope import headers_from_attributes
from shared.metrics import EVENTS_PUBLISHED, OUTBOX_BACKLOG
from shared.platform_tables import outbox
from shared.write_lock import background

MARK_CHUNK = 5_000  # rows marked per transaction at most: short write transactions


class OutboxLog:
    def __init__(self, db: Database, service: str, *, retention_days: int = 7) -> None:
        self.db = db
        self.service = service
        self.retention = timedelta(days=retention_days)
        self._listeners: list[tuple[frozenset[str], asyncio.Event]] = []
        self._marked: dict[str, int] = {}  # topic -> every row of it up to here is marked
        self._marked_rest = 0  # the same for topics nobody subscribes to
        self._marked_start = 0  # where marking starts for a topic not seen yet
        self._marking = asyncio.Lock()
        self._generation = 0  # commits of outbox rows seen; the cached horizon is valid for one
        self._horizon: tuple[int, int, float] | None = None  # (generation, value, read at)
        self._reading: tuple[int, asyncio.Future] | None = None  # the horizon query in flight, shared
        if not db.is_sqlite and db.outbox_lock is None:
            db.outbox_lock = asyncio.Lock()
        db.on_outbox_commit.append(self._committed)

    def close(self) -> None:
        with contextlib.suppress(ValueError):
            self.db.on_outbox_commit.remove(self._committed)

    def listen(self, topics: frozenset[str]) -> asyncio.Event:
        """An event set whenever a transaction of the producer commits rows of `topics`:
        a subscriber is not woken (and reads nothing) for events it does not take."""
        event = asyncio.Event()
        self._listeners.append((topics, event))
        return event

    def _committed(self, topics: set[str]) -> None:
        self._generation += 1
        for wanted, event in self._listeners:
            if not wanted.isdisjoint(topics):
                event.set()

    async def horizon(self) -> int:
        """The highest seq committed; nothing at or below it can appear any more. Every
        subscriber's task asks after each batch: the answer is kept until this process
        commits outbox rows again (or for a second, in case another process wrote some)."""
        cached, generation = self._horizon, self._generation
        if cached is not None and cached[0] == generation and time.monotonic() - cached[2] < 1.0:
            return cached[1]
        if self._reading is None or self._reading[0] != generation or self._reading[1].done():
            # shared only with callers that saw the same commits: an older read may miss one
            self._reading = (generation, asyncio.ensure_future(self._read_horizon(generation)))
        return await asyncio.shield(self._reading[1])

    async def _read_horizon(self, generation: int) -> int:
        lock = self.db.outbox_lock
        async with lock if lock is not None else contextlib.nullcontext():
            async with self.db.engine.connect() as conn:
                value = await conn.scalar(sa.select(sa.func.max(outbox.c.seq))) or 0
                await conn.rollback()
        self._horizon = (generation, value, time.monotonic())
        return value

    async def first_position(self) -> int:
        """Where a subscriber without a stored cursor starts: after the rows every subscriber
        had passed (published), i.e. before the first unpublished one. Also right for a
        database written by the earlier embedded relay, which marked a batch once every
        subscriber had committed it."""
        async with self.db.engine.connect() as conn:
            first = await conn.scalar(sa.select(sa.func.min(outbox.c.seq)).where(outbox.c.published_at.is_(None)))
            await conn.rollback()
        return first - 1 if first is not None else await self.horizon()

    async def read(self, after: int, upto: int, topics: frozenset[str], limit: int) -> tuple[list[RawMessage], int]:
        """Rows of `topics` in (after, upto], oldest first, at most `limit`; and the position
        a subscriber reaches by applying them (`upto` when fewer than `limit` came back: the
        rows in between are of other topics)."""
        stmt = (sa.select(outbox.c.seq, outbox.c.topic, outbox.c.key, outbox.c.attributes, outbox.c.payload)
                .where(outbox.c.seq > after, outbox.c.seq <= upto, outbox.c.topic.in_(sorted(topics)))
                .order_by(outbox.c.seq).limit(limit))
        async with self.db.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
            await conn.rollback()
        messages = [RawMessage(r.topic, r.key.encode(), r.payload.encode(),
                               headers_from_attributes(json.loads(r.attributes)), None, r.seq) for r in rows]
        return messages, (rows[-1].seq if len(rows) == limit else upto)

    async def mark(self, floors: dict[str, int], rest: int) -> int:
        """Mark published every row of topic t up to floors[t] (the slowest subscriber of t),
        and rows of other topics (nobody takes them) up to `rest`; a bounded range per
        transaction."""
        async with self._marking:
            return await self._mark(floors, rest)

    async def _mark(self, floors: dict[str, int], rest: int) -> int:
        marked = 0
        while True:
            todo = {t: (self._marked.get(t, self._marked_start), f) for t, f in floors.items()
                    if f > self._marked.get(t, self._marked_start)}
            rest_todo = rest > self._marked_rest
            if not todo and not rest_todo:
                return marked
            now = datetime.now(timezone.utc)
            with background():
                async with self.db.unit_of_work(f"/{self.service}") as uow:
                    for topic, (low, floor) in todo.items():
                        high = min(floor, low + MARK_CHUNK)
                        result = await uow.execute(sa.update(outbox).where(
                            outbox.c.seq > low, outbox.c.seq <= high, outbox.c.topic == topic,
                            outbox.c.published_at.is_(None)).values(published_at=now))
                        self._marked[topic] = high
                        if result.rowcount:
                            EVENTS_PUBLISHED.labels(self.service, topic).inc(result.rowcount)
                            marked += result.rowcount
                    if rest_todo:
                        high = min(rest, self._marked_rest + MARK_CHUNK)
                        result = await uow.execute(sa.update(outbox).where(
                            outbox.c.seq > self._marked_rest, outbox.c.seq <= high,
                            outbox.c.topic.not_in(sorted(floors)) if floors else sa.true(),
                            outbox.c.published_at.is_(None)).values(published_at=now))
                        self._marked_rest = high
                        marked += result.rowcount or 0
                    await uow.commit()

    def start_marks_at(self, position: int) -> None:
        """Rows up to `position` need no look: marked already, or before every subscriber's start."""
        self._marked = {}
        self._marked_rest = self._marked_start = position

    async def backlog(self) -> int:
        async with self.db.engine.connect() as conn:
            count = await conn.scalar(sa.select(sa.func.count()).select_from(outbox)
                                      .where(outbox.c.published_at.is_(None)))
            await conn.rollback()
        OUTBOX_BACKLOG.labels(self.service).set(count or 0)
        return count or 0

    async def purge(self) -> int:
        """Delivered rows older than the retention period go; the newest row always stays,
        so SQLite never hands out a seq again (a new rowid is one more than the largest) and
        the subscribers' cursors stay valid."""
        cutoff = datetime.now(timezone.utc) - self.retention
        with background():
            async with self.db.unit_of_work(f"/{self.service}") as uow:
                newest = await uow.execute(sa.select(sa.func.max(outbox.c.seq)))
                newest = newest.scalar() or 0
                result = await uow.execute(sa.delete(outbox).where(outbox.c.published_at < cutoff,
                                                                   outbox.c.seq < newest))
                await uow.commit()
        return result.rowcount or 0
