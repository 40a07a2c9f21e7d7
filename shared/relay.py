"""The outbox relay: reads committed, unpublished outbox rows in order, publishes them,
then marks them published. A crash between publishing and marking republishes them;
consumers' inboxes make that harmless. On PostgreSQL an advisory lock keeps one active
relay per service, so several worker instances never reorder a customer's events."""
from __future__ import annotations

import asyncio
import json
import logging
import zlib
import contextlib
from collections import deque
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
_SELECT_PG = ("SELECT seq, topic, key, attributes, payload FROM outbox "
              "WHERE published_at IS NULL AND seq > $1 ORDER BY seq LIMIT $2")
_MARK_PG = sa.text("UPDATE outbox SET published_at = :now WHERE seq = ANY(:seqs)")


class OutboxRelay:
    def __init__(self, db: Database, transport: Transport, service: str, *,
                 batch_size: int = 500, poll_seconds: float = 0.2, retention_days: int = 7) -> None:
        self.db = db
        self.transport = transport
        self.service = service
        self.batch_size = batch_size
        self.max_in_flight = 3
        self._analyzed_at = -1e9
        self.poll_seconds = poll_seconds
        self.retention = timedelta(days=retention_days)
        self._wake = asyncio.Event()
        db.on_commit.append(self._wake.set)

    async def _fetch(self, conn, after_seq: int) -> list:
        if self.db.is_sqlite:
            rows = (await conn.execute(_SELECT.where(outbox.c.seq > after_seq).limit(self.batch_size))).mappings().all()
        else:  # the hot path on the driver itself: SQLAlchemy's row processing cost ~10 µs a row
            raw = (await conn.get_raw_connection()).driver_connection
            rows = await raw.fetch(_SELECT_PG, after_seq, self.batch_size)
        await conn.rollback()  # end the read at once: no long snapshot (and SQLite upgrades badly)
        return rows

    async def _refresh_statistics(self, conn) -> None:
        """A burst fills the outbox faster than autovacuum re-analyses it; with the old
        estimate ("almost empty") PostgreSQL reads every pending row and sorts them for
        each batch instead of walking the index. Analyse when a drain starts on a backlog."""
        now = asyncio.get_running_loop().time()
        if self.db.is_sqlite or now - self._analyzed_at < 300:
            return
        self._analyzed_at = now
        await conn.execute(sa.text("ANALYZE outbox"))
        await conn.commit()

    def _messages(self, rows) -> list[OutgoingMessage]:
        # rows are SQLAlchemy rows (SQLite) or asyncpg records (PostgreSQL): index by name
        return [OutgoingMessage(r["topic"], r["key"].encode(), r["payload"].encode(),
                                headers_from_attributes(json.loads(r["attributes"]))) for r in rows]

    async def _mark_published(self, conn, seqs: list[int]) -> None:
        now = datetime.now(timezone.utc)
        if self.db.is_sqlite:
            async with self.db.write_lock:
                await conn.execute(sa.update(outbox).where(outbox.c.seq.in_(seqs)).values(published_at=now))
                await conn.commit()
        else:  # one array parameter instead of hundreds of bind parameters
            await conn.execute(_MARK_PG, {"now": now, "seqs": seqs})
            await conn.commit()

    def _count(self, rows) -> None:
        for topic, n in Counter(r["topic"] for r in rows).items():
            EVENTS_PUBLISHED.labels(self.service, topic).inc(n)

    async def relay_once(self) -> int:
        """Publish one batch, then mark it; returns how many events went out."""
        async with self.db.engine.connect() as conn:
            rows = await self._fetch(conn, 0)
            if rows:
                await (await self.transport.send_batch(self._messages(rows)))
                await self._mark_published(conn, [r["seq"] for r in rows])
                self._count(rows)
        return len(rows)

    async def drain(self) -> int:
        """Publish everything pending, pipelined: up to `max_in_flight` batches wait for
        Kafka's acknowledgements while the next one is read and sent, and acknowledged
        rows are marked in the background, all that accumulated in one UPDATE (a slow
        fsync never stalls publishing). Batches are handed to the producer strictly in
        order; marking stops at the first failed batch, so everything from it on is
        sent again next round (the consumers' inboxes drop the repeats). Two connections
        are held for the whole drain: no pool checkout (and pre-ping) per batch."""
        async with self.db.engine.connect() as reader, self.db.engine.connect() as marker:
            pipeline = _Pipeline(self, marker)
            try:
                rows = await self._fetch(reader, 0)
                if len(rows) == self.batch_size:
                    await self._refresh_statistics(reader)
                while rows:
                    await pipeline.send(rows)
                    if len(rows) < self.batch_size:
                        break
                    rows = await self._fetch(reader, rows[-1]["seq"])
                    await pipeline.settle(keep=self.max_in_flight - 1)
                await pipeline.settle(keep=0)
            finally:
                await pipeline.close()
        return pipeline.total

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


class _Pipeline:
    """The batches of one drain that are sent but not yet acknowledged or marked."""

    def __init__(self, relay: OutboxRelay, marker) -> None:
        self.relay = relay
        self.marker = marker
        self.in_flight: deque[tuple[list, asyncio.Future]] = deque()
        self.acked: list[int] = []
        self.marking: asyncio.Future | None = None
        self.total = 0

    async def send(self, rows: list) -> None:
        self.in_flight.append((rows, await self.relay.transport.send_batch(self.relay._messages(rows))))

    async def settle(self, keep: int) -> None:
        """Wait for acknowledgements, oldest first, until at most `keep` are in flight."""
        while len(self.in_flight) > keep:
            rows, ack = self.in_flight.popleft()
            await ack
            self.acked.extend(r["seq"] for r in rows)
            self.relay._count(rows)
            self.total += len(rows)
            self._mark_acked()

    def _mark_acked(self) -> None:
        if self.acked and (self.marking is None or self.marking.done()):
            if self.marking is not None:
                self.marking.result()  # surface a failed mark
            self.marking = asyncio.ensure_future(self.relay._mark_published(self.marker, self.acked.copy()))
            self.acked.clear()

    async def close(self) -> None:
        for _rows, ack in self.in_flight:  # after a failure: let them finish, mark nothing more
            with contextlib.suppress(Exception):
                await ack
        if self.marking is not None:
            await self.marking
        if self.acked:
            await self.relay._mark_published(self.marker, self.acked)
