"""The outbox relay: reads committed, unpublished outbox rows in order, publishes them,
then marks them published. A crash between publishing and marking republishes them;
consumers' inboxes make that harmless. On PostgreSQL an advisory lock keeps one active
relay per service, so several worker instances never reorder a customer's events."""
from __future__ import annotations

import asyncio
import json
import logging
import zlib
from collections import Counter
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from shared.db import Database
from shared.events.envelope import headers_from_attributes
from shared.metrics import EVENTS_PUBLISHED, OUTBOX_BACKLOG
from shared.platform_tables import outbox
from shared.transport import OutgoingMessage, Transport

log = logging.getLogger(__name__)

_SELECT = (sa.select(outbox.c.seq, outbox.c.topic, outbox.c.key, outbox.c.attributes, outbox.c.payload)
           .where(outbox.c.published_at.is_(None)).order_by(outbox.c.seq))
_MARK_PG = sa.text("UPDATE outbox SET published_at = :now WHERE seq = ANY(:seqs)")


class OutboxRelay:
    def __init__(self, db: Database, transport: Transport, service: str, *,
                 batch_size: int = 500, poll_seconds: float = 0.2, retention_days: int = 7) -> None:
        self.db = db
        self.transport = transport
        self.service = service
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.retention = timedelta(days=retention_days)
        self._wake = asyncio.Event()
        db.on_commit.append(self._wake.set)

    async def _fetch(self, after_seq: int) -> list:
        async with self.db.sessionmaker() as session:
            rows = (await session.execute(_SELECT.where(outbox.c.seq > after_seq).limit(self.batch_size))).all()
            await session.rollback()  # end the read at once (SQLite upgrades badly)
        return rows

    def _messages(self, rows) -> list[OutgoingMessage]:
        return [OutgoingMessage(r.topic, r.key.encode(), r.payload.encode(),
                                headers_from_attributes(json.loads(r.attributes))) for r in rows]

    async def _mark_published(self, seqs: list[int]) -> None:
        now = datetime.now(timezone.utc)
        async with self.db.sessionmaker() as session:
            if self.db.is_sqlite:
                async with self.db.write_lock:
                    await session.execute(sa.update(outbox).where(outbox.c.seq.in_(seqs)).values(published_at=now))
                    await session.commit()
            else:  # one array parameter instead of hundreds of bind parameters
                await session.execute(_MARK_PG, {"now": now, "seqs": seqs})
                await session.commit()

    def _count(self, rows) -> None:
        for topic, n in Counter(r.topic for r in rows).items():
            EVENTS_PUBLISHED.labels(self.service, topic).inc(n)

    async def relay_once(self) -> int:
        """Publish one batch, then mark it; returns how many events went out."""
        rows = await self._fetch(0)
        if rows:
            await self.transport.publish_batch(self._messages(rows))
            await self._mark_published([r.seq for r in rows])
            self._count(rows)
        return len(rows)

    async def drain(self) -> int:
        """Publish everything pending, pipelined: while Kafka acknowledges batch N the
        relay reads batch N+1, and batch N is marked while N+1 is being sent. Batches
        still go out strictly in order; a crash anywhere only means republishing."""
        total = 0
        rows = await self._fetch(0)
        marking: asyncio.Future | None = None
        try:
            while rows:
                publishing = asyncio.ensure_future(self.transport.publish_batch(self._messages(rows)))
                try:
                    upcoming = await self._fetch(rows[-1].seq) if len(rows) == self.batch_size else []
                finally:
                    await publishing
                if marking is not None:
                    await marking
                marking = asyncio.ensure_future(self._mark_published([r.seq for r in rows]))
                self._count(rows)
                total += len(rows)
                rows = upcoming
        finally:
            if marking is not None:
                await marking
        return total

    async def backlog(self) -> int:
        async with self.db.sessionmaker() as session:
            count = await session.scalar(
                sa.select(sa.func.count()).select_from(outbox).where(outbox.c.published_at.is_(None)))
        OUTBOX_BACKLOG.labels(self.service).set(count or 0)
        return count or 0

    async def purge(self) -> int:
        """Published rows are history in Kafka; drop them after the retention period."""
        cutoff = datetime.now(timezone.utc) - self.retention
        async with self.db.unit_of_work(f"/{self.service}") as uow:
            result = await uow.execute(sa.delete(outbox).where(outbox.c.published_at < cutoff))
            await uow.commit()
        return result.rowcount or 0

    async def run(self, stop: asyncio.Event) -> None:
        lock_conn = await self._leadership(stop)
        try:
            last_housekeeping = 0.0
            loop = asyncio.get_running_loop()
            while not stop.is_set():
                try:
                    sent = await self.drain()
                    if loop.time() - last_housekeeping > 60:
                        last_housekeeping = loop.time()
                        await self.purge()
                    await self.backlog() if sent == 0 else None
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("outbox relay failed; retrying", extra={"service": self.service})
                    await _sleep_or_stop(stop, 2.0)
                    continue
                if sent == 0:
                    self._wake.clear()
                    waiter = asyncio.ensure_future(self._wake.wait())
                    await _sleep_or_stop(stop, self.poll_seconds, waiter)
        finally:
            if lock_conn is not None:
                await lock_conn.close()

    async def _leadership(self, stop: asyncio.Event):
        if self.db.is_sqlite:
            return None
        key = zlib.crc32(f"outbox-relay:{self.service}".encode())
        conn = await self.db.engine.connect()
        while not stop.is_set():
            got = await conn.scalar(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key})
            await conn.commit()
            if got:
                log.info("outbox relay is the leader", extra={"service": self.service})
                return conn
            await _sleep_or_stop(stop, 2.0)
        await conn.close()
        return None


async def _sleep_or_stop(stop: asyncio.Event, seconds: float, *others: asyncio.Future) -> None:
    stopper = asyncio.ensure_future(stop.wait())
    waiters = [stopper, *others]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            if not w.done():
                w.cancel()
