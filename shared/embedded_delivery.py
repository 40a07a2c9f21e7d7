"""Event delivery in the embedded mode, the way the Kafka consumer does it.

Each producer's outbox is the log (shared/outbox_log.py). Every subscribing service keeps
a cursor per producer and lane in its own database (`delivery_cursors`, written after the
batch's transaction commits, like a Kafka offset), and one task per (subscriber,
producer, lane) reads the rows after its cursor and applies them with
`EventProcessor.process`: one transaction per batch, inbox rows included. A crash before
the cursor is stored redelivers the batch after restart and the inbox drops the repeats.

- Subscribers never wait for each other: each has its own tasks and its own database.
  Within one subscriber one batch runs at a time (`Subscriber.turn`, as one Kafka consumer
  applies one batch at a time): SQLite has one writer anyway.
- Two lanes per (subscriber, producer): platform events (API keys) have their own cursor
  and go first at the subscriber's turn, so a new key never waits behind a business backlog.
- Requests before delivery: batch transactions run as background work, which waits
  behind waiting requests for SQLite's write lock (shared/write_lock.py), and each batch
  is sized to take about `target_seconds` (measured cost per event, smoothed), with a
  yield to the event loop after it.
- The producer marks a row published once every subscriber of its topic has passed it,
  so `ar_outbox_backlog` and the outbox purge keep their meaning.
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlalchemy as sa

from shared.auth import ApiKeyStore
from shared.consumer import EventProcessor, RawMessage
from shared.db import Database
from shared.outbox_log import OutboxLog
from shared.platform_tables import delivery_cursors
from shared.transport import InProcessBus, OutgoingMessage
from shared.write_lock import PriorityLock, RequestActivity, background

log = logging.getLogger(__name__)

PLATFORM_TOPICS = frozenset({"api-key-issued", "api-key-revoked"})
PLATFORM, BUSINESS = "platform", "business"
STORE_SECONDS = 1.0  # a lane's cursor is written at most this often while it drains
MARK_SECONDS = 0.5  # the producers' published marks follow the cursors this often
REQUEST_WAIT_SECONDS = 0.05  # a business batch waits at most this long for requests in flight to finish


class CursorStore:
    """A subscriber's positions in the producers' outboxes, in its own database."""

    def __init__(self, db: Database, consumer: str) -> None:
        self.db, self.consumer = db, consumer

    async def load(self) -> dict[tuple[str, str], int]:
        async with self.db.engine.connect() as conn:
            rows = (await conn.execute(sa.select(delivery_cursors).where(
                delivery_cursors.c.consumer == self.consumer))).all()
            await conn.rollback()
        return {(r.producer, r.lane): r.position for r in rows}

    async def save(self, producer: str, lane: str, position: int) -> None:
        now = datetime.now(timezone.utc)
        key = (delivery_cursors.c.consumer == self.consumer, delivery_cursors.c.producer == producer,
               delivery_cursors.c.lane == lane)
        with background():
            async with self.db.unit_of_work(f"/{self.consumer}") as uow:
                result = await uow.execute(sa.update(delivery_cursors).where(*key)
                                           .values(position=position, updated_at=now))
                if not result.rowcount:  # one task per cursor: nobody races this insert
                    await uow.execute(sa.insert(delivery_cursors).values(
                        consumer=self.consumer, producer=producer, lane=lane, position=position, updated_at=now))
                await uow.commit()


@dataclass
class Subscriber:
    name: str
    processor: EventProcessor
    keys: ApiKeyStore
    cursors: CursorStore
    turn: PriorityLock = field(default_factory=PriorityLock)  # one batch at a time; platform lanes first

    @property
    def topics(self) -> frozenset[str]:
        return frozenset(self.processor.topics)

    async def apply(self, messages: list[RawMessage]) -> None:
        with background():
            await self.processor.process(messages)
        if any(m.topic in PLATFORM_TOPICS for m in messages):
            self.keys.forget()  # committed: a key tried a moment ago must work now


class Lane:
    """One producer's events of some topics, delivered to one subscriber by one task."""

    def __init__(self, subscriber: Subscriber, producer: OutboxLog, name: str, topics: frozenset[str], *,
                 position: int, max_batch: int, target_seconds: float,
                 requests: RequestActivity | None = None) -> None:
        self.subscriber, self.producer, self.name, self.topics = subscriber, producer, name, topics
        self.position = self.stored = position
        self.buffer: deque[RawMessage] = deque()  # read, not yet applied: the rows in (position, read_to]
        self.read_to = position
        self.max_batch = max_batch
        self.target = target_seconds
        self.batch = min(max_batch, 50)
        self.cost: float | None = None  # seconds per event, smoothed
        self.wake = producer.listen(topics)
        self.requests = requests or RequestActivity()
        self._stored_at = time.monotonic()

    def __repr__(self) -> str:
        return f"<Lane {self.producer.service}->{self.subscriber.name} {self.name} at {self.position}>"

    async def step(self) -> bool:
        """Apply the next batch (or pass rows of other topics); False when caught up. Rows
        are read ahead up to `max_batch` at a time, so a drain reads the outbox once per
        few hundred events however small its batches."""
        if not self.buffer and self.read_to <= self.position and not await self._read_ahead():
            return False
        count = min(self.batch, len(self.buffer))
        messages = list(itertools.islice(self.buffer, count))
        reached = self.buffer[count].offset - 1 if count < len(self.buffer) else self.read_to
        if messages:
            if self.name != PLATFORM:
                await self.requests.quiet(REQUEST_WAIT_SECONDS)  # requests in flight first (bounded)
            await self.subscriber.turn.acquire(background=self.name != PLATFORM)
            try:
                started = time.perf_counter()
                await self.subscriber.apply(messages)
                self._adapt(count, time.perf_counter() - started)
            finally:
                self.subscriber.turn.release()
            for _ in range(count):
                self.buffer.popleft()
        self.position = reached
        # Stored like a consumer's periodic offset commit: at most once a second while a
        # backlog drains (a crash redelivers that second, the inbox drops it) and as soon
        # as the lane has caught up.
        if time.monotonic() - self._stored_at > STORE_SECONDS or (messages and not self.buffer):
            await self.store()
        return True

    async def _read_ahead(self) -> bool:
        horizon = await self.producer.horizon()
        if horizon < self.position:
            log.warning("the outbox of %s ends before the cursor of %s (%s < %s): restarting at its first "
                        "undelivered row", self.producer.service, self.subscriber.name, horizon, self.position)
            self.position = self.read_to = await self.producer.first_position()
        if horizon <= self.position:
            return False
        messages, self.read_to = await self.producer.read(self.position, horizon, self.topics, self.max_batch)
        self.buffer.extend(messages)
        return True

    def _adapt(self, count: int, seconds: float) -> None:
        """Size the next batch to take about `target` seconds: short transactions keep the
        subscriber's requests waiting little, and each batch still carries many events when
        its handlers are cheap."""
        per_event = seconds / count
        self.cost = per_event if self.cost is None else 0.7 * self.cost + 0.3 * per_event
        self.batch = max(1, min(self.max_batch, int(self.target / max(self.cost, 1e-6))))

    async def store(self) -> None:
        if self.position != self.stored:
            await self.subscriber.cursors.save(self.producer.service, self.name, self.position)
            self.stored = self.position
        self._stored_at = time.monotonic()

    async def run(self, stop: asyncio.Event, progressed: asyncio.Event, poll_seconds: float) -> None:
        try:
            while not stop.is_set():
                self.wake.clear()  # a commit while we work sets it again: no missed wake-up
                try:
                    moved = await self.step()
                except asyncio.CancelledError:
                    raise
                except Exception:  # a bug or an outage: nothing skipped, the same batch again
                    log.exception("delivery failed; retrying", extra={
                        "service": self.subscriber.name, "producer": self.producer.service, "lane": self.name})
                    await _wait(stop, None, 1.0)
                    continue
                if moved:
                    progressed.set()
                    await asyncio.sleep(0)  # let requests run between batches
                else:
                    await _wait(stop, self.wake, poll_seconds)
        finally:
            with contextlib.suppress(Exception):
                await self.store()


class EmbeddedDelivery:
    def __init__(self, *, max_batch: int = 500, target_seconds: float = 0.02, poll_seconds: float = 5.0,
                 retention_days: int = 7, requests: RequestActivity | None = None) -> None:
        """`poll_seconds`: how often an idle lane looks without being woken (commits of this
        process wake the lanes that take their topics; this is for rows written by others)."""
        self.max_batch, self.target, self.poll = max_batch, target_seconds, poll_seconds
        self.requests = requests or RequestActivity()
        self.retention_days = retention_days
        self.logs: dict[str, OutboxLog] = {}
        self.subscribers: list[Subscriber] = []
        self.lanes: list[Lane] = []
        self.bus = InProcessBus()  # events from outside the product (tests), straight to the processors
        self.progressed = asyncio.Event()

    def add_producer(self, name: str, db: Database) -> None:
        self.logs[name] = OutboxLog(db, name, retention_days=self.retention_days)

    def add_subscriber(self, name: str, processor: EventProcessor, keys: ApiKeyStore) -> None:
        subscriber = Subscriber(name, processor, keys, CursorStore(processor.db, name))
        self.subscribers.append(subscriber)
        self.bus.subscribe(processor.topics, _Direct(subscriber))

    async def start(self, stop: asyncio.Event) -> list[asyncio.Task]:
        firsts = {name: await log_.first_position() for name, log_ in self.logs.items()}
        for subscriber in self.subscribers:
            stored = await subscriber.cursors.load()
            for producer, log_ in self.logs.items():
                for lane, topics in _lanes(subscriber.topics):
                    self.lanes.append(Lane(subscriber, log_, lane, topics, position=stored.get(
                        (producer, lane), firsts[producer]), max_batch=self.max_batch, target_seconds=self.target,
                        requests=self.requests))
        for name, log_ in self.logs.items():
            log_.start_marks_at(min([firsts[name], *(lane.position for lane in self._lanes_of(name))]))
        tasks = [asyncio.create_task(lane.run(stop, self.progressed, self.poll),
                                     name=f"deliver-{lane.producer.service}-{lane.subscriber.name}-{lane.name}")
                 for lane in self.lanes]
        tasks += [asyncio.create_task(self._keep_outbox(name, stop), name=f"outbox-{name}") for name in self.logs]
        return tasks

    def close(self) -> None:
        for log_ in self.logs.values():
            log_.close()

    def _lanes_of(self, producer: str) -> list[Lane]:
        return [lane for lane in self.lanes if lane.producer.service == producer]

    async def mark(self, producer: str) -> int:
        """Mark what every subscriber of each topic has passed."""
        lanes = self._lanes_of(producer)
        floors: dict[str, int] = {}
        for lane in lanes:
            for topic in lane.topics:
                floors[topic] = min(floors.get(topic, lane.position), lane.position)
        log_ = self.logs[producer]
        return await log_.mark(floors, await log_.horizon())

    async def _keep_outbox(self, producer: str, stop: asyncio.Event) -> None:
        """Marks (when some cursor moved), the backlog gauge, the purge."""
        log_ = self.logs[producer]
        loop = asyncio.get_running_loop()
        last_gauge = last_purge = 0.0
        seen = None
        while not stop.is_set():
            try:
                now = (await log_.horizon(), [lane.position for lane in self._lanes_of(producer)])
                if now != seen:
                    await self.mark(producer)
                    seen = now
                if loop.time() - last_gauge > 2.0:
                    last_gauge = loop.time()
                    await log_.backlog()
                if loop.time() - last_purge > 60.0:
                    last_purge = loop.time()
                    await log_.purge()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("marking the outbox failed", extra={"service": producer})
            await _wait(stop, None, MARK_SECONDS)

    async def settle(self, timeout: float = 60.0) -> None:
        """Until every cursor has reached the end of every outbox (events emitted by the
        handlers meanwhile included), then mark what was delivered."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            horizons = {name: await log_.horizon() for name, log_ in self.logs.items()}
            behind = [lane for lane in self.lanes if lane.position < horizons[lane.producer.service]]
            if not behind:
                for name in self.logs:
                    await self.mark(name)
                if horizons == {name: await log_.horizon() for name, log_ in self.logs.items()}:
                    return
                continue
            if loop.time() > deadline:
                raise TimeoutError(f"event delivery did not settle in {timeout:.0f} s: {behind}")
            self.progressed.clear()
            for lane in behind:
                lane.wake.set()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.progressed.wait(), 0.05)


class _Direct:
    """Foreign events (another system's, in tests) applied at once by one subscriber."""

    def __init__(self, subscriber: Subscriber) -> None:
        self.subscriber = subscriber

    async def deliver(self, messages: list[OutgoingMessage]) -> None:
        await self.subscriber.apply([RawMessage(m.topic, m.key, m.value, m.headers) for m in messages])


def _lanes(topics: frozenset[str]) -> Iterable[tuple[str, frozenset[str]]]:
    if topics & PLATFORM_TOPICS:
        yield PLATFORM, topics & PLATFORM_TOPICS
    if topics - PLATFORM_TOPICS:
        yield BUSINESS, topics - PLATFORM_TOPICS


async def _wait(stop: asyncio.Event, wake: asyncio.Event | None, seconds: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait())]
    if wake is not None:
        waiters.append(asyncio.ensure_future(wake.wait()))
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()
