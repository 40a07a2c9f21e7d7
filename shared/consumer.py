"""Applying events exactly once: the processor (transport-agnostic) and its dead letters.

A fetched batch is applied in ONE transaction with its inbox rows (fast path). If that
fails, the batch is replayed one event per transaction to isolate the culprit: a defect
of the message (bad envelope, invalid payload, a 4xx domain error) is dead-lettered at
once; an unknown error is retried with backoff a bounded number of times and then
dead-lettered; an infrastructure error (database unreachable) is retried until it
clears, because dead-lettering a good event for an outage would lose it in practice.
"""
from __future__ import annotations

import asyncio
import json
import logging
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Protocol

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from pydantic import ValidationError

from shared import inbox
from shared.clock import Clock, SystemClock
from shared.context import Context
from shared.db import Database, UnitOfWork
from shared.errors import RuleError, is_client_error
from shared.events.contract import EventPayload
from shared.events.envelope import Envelope, EnvelopeError, from_kafka
from shared.logs import correlation_id
from shared.metrics import (BATCH_SIZE, EVENTS_CONSUMED, EVENTS_DEAD_LETTERED, EVENTS_DUPLICATE,
                            EVENTS_FAILED)
from shared.platform_tables import dead_letters

log = logging.getLogger(__name__)

#: (deps, uow, ctx, payload): one fact
Handler = Callable[[Any, UnitOfWork, Context, EventPayload], Awaitable[None]]
#: (deps, uow, [(payload, ctx), ...]): a run of facts of one topic, in order
BatchHandler = Callable[[Any, UnitOfWork, list[tuple[EventPayload, Context]]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RawMessage:
    topic: str
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]
    partition: int | None = None
    offset: int | None = None


@dataclass(slots=True)
class Decoded:
    raw: RawMessage
    envelope: Envelope
    payload: EventPayload


class PermanentError(Exception):
    """Raised by a handler for an event that can never be applied."""


class DeadLetterSink(Protocol):
    async def send(self, raw: RawMessage, error: BaseException, consumer: str) -> None: ...


def dead_letter_headers(raw: RawMessage, error: BaseException, consumer: str) -> list[tuple[str, bytes]]:
    extra = [("dlq_error", str(error)[:2000].encode()), ("dlq_error_type", type(error).__name__.encode()),
             ("dlq_original_topic", raw.topic.encode()), ("dlq_consumer", consumer.encode()),
             ("dlq_failed_at", datetime.now(timezone.utc).isoformat().encode())]
    if raw.partition is not None:
        extra.append(("dlq_original_partition", str(raw.partition).encode()))
    if raw.offset is not None:
        extra.append(("dlq_original_offset", str(raw.offset).encode()))
    return list(raw.headers or []) + extra


class TableDeadLetterSink:
    """Dead letters kept in the consuming service's own database, where the admin API lists
    and replays them (shared/dead_letters.py): the only sink embedded, one of two in Kafka mode."""

    def __init__(self, db: Database, source: str) -> None:
        self.db, self.source = db, source

    async def send(self, raw: RawMessage, error: BaseException, consumer: str) -> None:
        headers = {k: v.decode(errors="replace") for k, v in dead_letter_headers(raw, error, consumer)}
        async with self.db.unit_of_work(self.source) as uow:
            await uow.execute(sa.insert(dead_letters).values(
                consumer=consumer, event_id=headers.get("ce_id"), topic=raw.topic,
                correlation_id=headers.get("ce_correlationid"),
                key=raw.key.decode(errors="replace")[:400] if raw.key else None,
                partition=raw.partition, offset=raw.offset, error_type=type(error).__name__,
                error=str(error)[:4000], headers=json.dumps(headers), value=raw.value,
                created_at=datetime.now(timezone.utc)))
            await uow.commit()


def is_permanent(error: BaseException) -> bool:
    """A defect of the message (a 4xx rule, an invalid payload): dead-letter it at once."""
    if isinstance(error, RuleError):
        return is_client_error(error)
    return isinstance(error, (PermanentError, EnvelopeError, ValidationError, LookupError,
                              ValueError, TypeError, KeyError))


def is_infrastructure(error: BaseException) -> bool:
    if isinstance(error, sa_exc.DBAPIError) and not isinstance(error, sa_exc.IntegrityError):
        return isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)) or error.connection_invalidated
    return isinstance(error, (ConnectionError, OSError, asyncio.TimeoutError))


class EventProcessor:
    def __init__(self, *, db: Database, service: str, handlers: dict[str, Handler],
                 batch_handlers: dict[str, BatchHandler] | None = None,
                 dead_letters: DeadLetterSink, deps: Callable[[], Any] = lambda: None,
                 clock: Clock | None = None, max_attempts: int = 3,
                 backoff_seconds: float = 0.2, batched: bool = True) -> None:
        self.db = db
        self.deps = deps  # the service's dependencies, read at each dispatch (tests may rebuild them)
        self.clock = clock or SystemClock()
        self.service = service
        self.consumer = service  # the inbox's consumer name = the consumer group
        self.handlers = handlers
        self.batch_handlers = batch_handlers or {}
        self.dead_letters = dead_letters
        self.max_attempts = max_attempts
        self.backoff = backoff_seconds
        self.batched = batched

    @property
    def topics(self) -> list[str]:
        return sorted(set(self.handlers) | set(self.batch_handlers))

    async def process(self, messages: list[RawMessage]) -> None:
        """Apply a batch. Returns only when every message is applied, skipped as a
        duplicate, or dead-lettered: the caller may then commit the offsets."""
        decoded: list[Decoded] = []
        for raw in messages:
            try:
                env = from_kafka(raw.topic, raw.key, raw.value, raw.headers)
                decoded.append(Decoded(raw, env, env.payload()))
            except Exception as exc:  # a message that is not a valid event: no retry helps
                await self._dead_letter(raw, exc)
        if not decoded:
            return
        BATCH_SIZE.labels(self.service).observe(len(decoded))
        if self.batched and len(decoded) > 1:
            try:
                await self._apply(decoded)
                return
            except Exception as exc:
                log.warning("batch failed, replaying one by one: %s", exc,
                            extra={"service": self.service, "batch": len(decoded)})
        for item in decoded:
            await self._apply_one_with_retries(item)

    async def _apply(self, items: list[Decoded]) -> None:
        async with self.db.unit_of_work(f"/{self.service}") as uow:
            seen = await inbox.seen_ids(uow, self.consumer, [d.envelope.id for d in items])
            fresh: list[Decoded] = []
            duplicates: list[str] = []
            for d in items:
                if d.envelope.id in seen:
                    EVENTS_DUPLICATE.labels(self.service, d.raw.topic).inc()
                    duplicates.append(d.envelope.id)
                    continue
                seen.add(d.envelope.id)
                fresh.append(d)
            await inbox.record(uow, self.consumer, [(d.envelope.id, d.raw.topic) for d in fresh])
            await self._dispatch(uow, fresh)
            await uow.commit()
        for d in fresh:
            EVENTS_CONSUMED.labels(self.service, d.raw.topic).inc()
        if fresh:
            log_applied(self.service, fresh)
        if duplicates:  # a resent or republished event: say so (a dead letter is replayed via the API)
            log.info("skipped %d event(s) the inbox already had", len(duplicates),
                     extra={"service": self.service, "event_ids": duplicates})

    def _context(self, d: Decoded) -> Context:
        return Context.event(self.clock, d.envelope.source, d.envelope.correlation_id)

    async def _dispatch(self, uow: UnitOfWork, items: list[Decoded]) -> None:
        deps = self.deps()
        i = 0
        while i < len(items):
            topic = items[i].raw.topic
            batch_handler = self.batch_handlers.get(topic)
            if batch_handler is not None:
                j = i
                while j < len(items) and items[j].raw.topic == topic:
                    j += 1
                token = correlation_id.set(items[i].envelope.correlation_id)
                try:
                    await batch_handler(deps, uow, [(d.payload, self._context(d)) for d in items[i:j]])
                finally:
                    correlation_id.reset(token)
                i = j
                continue
            handler = self.handlers.get(topic)
            if handler is None:
                raise PermanentError(f"{self.service} has no handler for topic {topic!r}")
            token = correlation_id.set(items[i].envelope.correlation_id)
            try:
                await handler(deps, uow, self._context(items[i]), items[i].payload)
            finally:
                correlation_id.reset(token)
            i += 1

    async def _apply_one_with_retries(self, item: Decoded) -> None:
        attempt = 0
        while True:
            attempt += 1
            try:
                await self._apply([item])
                return
            except Exception as exc:
                EVENTS_FAILED.labels(self.service, item.raw.topic).inc()
                if is_infrastructure(exc):
                    delay = min(30.0, self.backoff * 2 ** min(attempt, 8))
                    log.warning("infrastructure error, retrying in %.1fs: %s", delay, exc,
                                extra={"service": self.service, "event_id": item.envelope.id})
                    await asyncio.sleep(delay)
                    continue
                if is_permanent(exc) or attempt >= self.max_attempts:
                    await self._dead_letter(item.raw, exc, item.envelope.id)
                    return
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))

    async def _dead_letter(self, raw: RawMessage, error: BaseException, event_id: str | None = None) -> None:
        cid = header(raw, "ce_correlationid")  # so the request's id leads here too
        log.error("dead-lettering message: %s", error, extra={
            "service": self.service, "topic": raw.topic, "partition": raw.partition,
            "offset": raw.offset, "event_id": event_id, **({"correlation_id": cid} if cid else {}),
            "trace": "".join(traceback.format_exception_only(type(error), error)).strip()})
        await self.dead_letters.send(raw, error, self.consumer)
        EVENTS_DEAD_LETTERED.labels(self.service, raw.topic).inc()
        if event_id:  # remember it, so a redelivery is not dead-lettered twice
            try:
                async with self.db.unit_of_work(f"/{self.service}") as uow:
                    if not await inbox.seen_ids(uow, self.consumer, [event_id]):
                        await inbox.record(uow, self.consumer, [(event_id, raw.topic)], "dead_lettered")
                        await uow.commit()
            except Exception:
                log.exception("could not record dead-lettered event in the inbox")


def header(raw: RawMessage, name: str) -> str | None:
    for key, value in raw.headers or ():
        if key == name and value is not None:
            return value.decode(errors="replace")
    return None


def log_applied(service: str, items: list[Decoded]) -> None:
    """One line per applied batch naming its events and their correlation ids, so an
    operator can follow one request (grep its id) to every consumer that applied it."""
    log.info("applied %d event(s)", len(items), extra={
        "service": service, "event_ids": [d.envelope.id for d in items],
        "topics": sorted({d.raw.topic for d in items}),
        "correlation_ids": sorted({d.envelope.correlation_id for d in items if d.envelope.correlation_id})})


class InProcessSubscriber:
    """Adapter: the in-process bus delivers outbox messages straight to a processor."""

    def __init__(self, processor: EventProcessor) -> None:
        self.processor = processor

    async def deliver(self, messages) -> None:
        await self.processor.process([RawMessage(m.topic, m.key, m.value, m.headers) for m in messages])
