"""The outbox relay: reads committed, unpublished outbox rows in order, publishes them,
then marks them published. A crash between publishing and marking republishes them;
consumers' inboxes make that harmless. On PostgreSQL an advisory lock keeps one active
relay per service, so several worker instances never reorder a customer's events; the
leader watches its lock and stops the moment it may have lost it (shared/relay_leadership.py).
The backlog gauge is refreshed on a timer, so it shows the real backlog while Kafka is down."""
from __future__ import annotations

import asyncio
import json
import logging
import contextlib
from collections import deque
from collections import Counter
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from shared import relay_leadership
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
                 batch_size: int = 500, poll_seconds: float = 0.2, retention_days: int = 7,
                 backlog_seconds: float = 5.0, takeover_seconds: float = 3.0, probe_seconds: float = 1.0,
                 lock_retry_seconds: float = 2.0) -> None:
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
        self.backlog_seconds = backlog_seconds
        self.leadership = {"takeover_seconds": takeover_seconds, "probe_seconds": probe_seconds,
                           "retry_seconds": lock_retry_seconds}
        self.state = "starting"  # standby | leader: what the worker's /readyz reports
        self.lease: relay_leadership.Lease | None = None

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
                    if self.lease is not None:
                        self.lease.check()  # never hand Kafka a batch once the lock may be gone
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
        backlog = asyncio.create_task(self._report_backlog(stop), name=f"outbox backlog {self.service}")
        try:
            while not stop.is_set():
                if not self.db.is_sqlite:
                    self.lease = await relay_leadership.acquire(
                        self.db, self.service, stop, on_standby=self._standby, **self.leadership)
                    if self.lease is None:
                        return  # stopped while waiting for the lock
                self.state = "leader"
                try:
                    await self._lead(stop)
                finally:
                    self.state = "standby"
                    if self.lease is not None:
                        await self.lease.release()
                        self.lease = None
        finally:
            backlog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await backlog

    def _standby(self) -> None:
        self.state = "standby"

    async def _lead(self, stop: asyncio.Event) -> None:
        """Publish until stopped or the lease is lost."""
        last_housekeeping = 0.0
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            try:
                sent = await self.drain()
                if loop.time() - last_housekeeping > 60:
                    last_housekeeping = loop.time()
                    await self.purge()
            except asyncio.CancelledError:
                raise
            except relay_leadership.LeadershipLost:
                return
            except Exception:
                log.exception("outbox relay failed; retrying", extra={"service": self.service})
                await _sleep_or_stop(stop, 2.0)
                continue
            if self.lease is not None and self.lease.lost.is_set():
                return
            if sent == 0:
                self._wake.clear()
                waiters = [asyncio.ensure_future(self._wake.wait())]
                if self.lease is not None:
                    waiters.append(asyncio.ensure_future(self.lease.lost.wait()))
                await _sleep_or_stop(stop, self.poll_seconds, *waiters)

    async def _report_backlog(self, stop: asyncio.Event) -> None:
        """Every `backlog_seconds`, whatever the transport is doing: during a Kafka outage
        the drain never finishes, and that is exactly when the backlog matters. Only the
        leader (or the only relay) reports; standbys show 0, so a sum over workers is right."""
        while not stop.is_set():
            try:
                if self.state == "leader":
                    await self.backlog()
                else:
                    OUTBOX_BACKLOG.labels(self.service).set(0)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the database may be down; try again
                log.warning("outbox backlog not measured: %s", exc, extra={"service": self.service})
            await _sleep_or_stop(stop, self.backlog_seconds)

    async def mark_until_done(self, seqs: list[int], deadline_seconds: float = 30.0) -> bool:
        """Mark rows Kafka acknowledged although the marking connection failed (the
        database restarted mid-drain): retried on new connections until the deadline, so
        whoever leads next does not publish them again."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + deadline_seconds
        while True:
            try:
                async with self.db.engine.connect() as conn:
                    await self._mark_published(conn, seqs)
                return True
            except Exception as exc:  # noqa: BLE001
                if loop.time() >= deadline:
                    log.warning("could not mark %d published outbox rows: %s; they will be sent again",
                                len(seqs), exc, extra={"service": self.service})
                    return False
                await asyncio.sleep(0.25)


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
        self.marking_seqs: list[int] = []
        self.failed = False
        self.total = 0

    async def send(self, rows: list) -> None:
        self.in_flight.append((rows, await self.relay.transport.send_batch(self.relay._messages(rows))))

    async def settle(self, keep: int) -> None:
        """Wait for acknowledgements, oldest first, until at most `keep` are in flight."""
        while len(self.in_flight) > keep:
            rows, ack = self.in_flight.popleft()
            try:
                await ack
            except Exception:
                self.failed = True  # later batches must not be marked: they would overtake it
                raise
            self.acked.extend(r["seq"] for r in rows)
            self.relay._count(rows)
            self.total += len(rows)
            self._mark_acked()

    def _mark_acked(self) -> None:
        if self.acked and (self.marking is None or self.marking.done()):
            if self.marking is not None:
                self.marking.result()  # surface a failed mark
            self.marking_seqs = self.acked.copy()
            self.marking = asyncio.ensure_future(self.relay._mark_published(self.marker, self.marking_seqs))
            self.acked.clear()

    async def close(self) -> None:
        """After a failure too: what Kafka acknowledged is marked, even if the marking
        connection died with the database (then on new connections, retried)."""
        ok = not self.failed
        for rows, ack in self.in_flight:  # in order: stop at the first failed batch
            try:
                if not ok:
                    raise RuntimeError("an earlier batch failed")
                await ack
                self.acked.extend(r["seq"] for r in rows)
                self.relay._count(rows)
                self.total += len(rows)
            except Exception:  # noqa: BLE001 - unacknowledged: sent again next round
                ok = False
                with contextlib.suppress(Exception):
                    await ack
        self.in_flight.clear()
        if self.marking is not None:
            try:
                await self.marking
            except Exception:  # noqa: BLE001
                self.acked = self.marking_seqs + self.acked
        if not self.acked:
            return
        try:
            await self.relay._mark_published(self.marker, self.acked)
        except Exception:  # noqa: BLE001
            await self.relay.mark_until_done(self.acked)
            raise
