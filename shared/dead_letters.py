"""Dead letters an operator can see and replay, the same way in both run modes.

Every consumer records what it cannot apply in its own `dead_letters` table (in Kafka mode
also on `<service>.dead-letter`). After a fix (a missing invoice booked, a bug deployed)
an admin replays a row: the stored message is applied through the service's own
EventProcessor, exactly as if it had just arrived. Two things make that work:

- the inbox remembered the event id as `dead_lettered` (so a redelivery is not
  dead-lettered twice); a replay forgets that mark first, or the processor would drop the
  message as a duplicate;
- the processor gets a sink that reports instead of recording, so a replay that fails
  again updates the same row (new error, one more replay) instead of adding a row.

A row whose event the inbox shows as applied (another copy got through) is closed
without applying anything twice.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import sqlalchemy as sa

from shared.consumer import RawMessage
from shared.db import Database
from shared.platform_tables import dead_letters, inbox

if TYPE_CHECKING:
    from shared.runtime import ServiceRuntime

OPEN, REPLAYED = "open", "replayed"


class FanOutDeadLetterSink:
    """Kafka mode: the service's table (for the admin API) and `<service>.dead-letter` (for
    whoever watches the topic). The table first: it is what a replay needs."""

    def __init__(self, *sinks) -> None:
        self.sinks = sinks

    async def send(self, raw: RawMessage, error: BaseException, consumer: str) -> None:
        for sink in self.sinks:
            await sink.send(raw, error, consumer)


class _ReportingSink:
    """A replay's sink: remembers the new error; the row is updated by `replay`."""

    def __init__(self) -> None:
        self.error: BaseException | None = None

    async def send(self, raw: RawMessage, error: BaseException, consumer: str) -> None:
        self.error = error


@dataclass(frozen=True)
class ReplayOutcome:
    id: int
    outcome: str  # applied | already_applied | failed
    error: str | None = None


async def page(db: Database, *, status: str | None, topic: str | None, limit: int, offset: int):
    where = []
    if status:
        where.append(dead_letters.c.status == status)
    if topic:
        where.append(dead_letters.c.topic == topic)
    async with db.sessionmaker() as session:
        total = await session.scalar(sa.select(sa.func.count()).select_from(dead_letters).where(*where))
        rows = (await session.execute(sa.select(dead_letters).where(*where).order_by(dead_letters.c.id)
                                      .limit(limit).offset(offset))).all()
    return rows, total or 0


async def get(db: Database, dead_letter_id: int):
    async with db.sessionmaker() as session:
        return (await session.execute(sa.select(dead_letters).where(dead_letters.c.id == dead_letter_id))).first()


def message(row) -> RawMessage:
    """The original message: key, value and headers without the dead-letter ones."""
    headers = [(k, v.encode()) for k, v in json.loads(row.headers).items() if not k.startswith("dlq_")]
    return RawMessage(row.topic, row.key.encode() if row.key else None, row.value, headers,
                      row.partition, row.offset)


async def replay(runtime: "ServiceRuntime", row) -> ReplayOutcome:
    processor = runtime.processor(sink := _ReportingSink(), batched=False)
    if row.event_id and await _forget_dead_letter_mark(runtime, processor.consumer, row.event_id):
        await _close(runtime.db, row.id, REPLAYED)
        return ReplayOutcome(row.id, "already_applied")
    await processor.process([message(row)])
    if sink.error is None:
        await _close(runtime.db, row.id, REPLAYED)
        return ReplayOutcome(row.id, "applied")
    error = str(sink.error)[:4000]
    await _close(runtime.db, row.id, OPEN, error_type=type(sink.error).__name__, error=error)
    return ReplayOutcome(row.id, "failed", error)


async def _forget_dead_letter_mark(runtime: "ServiceRuntime", consumer: str, event_id: str) -> bool:
    """Drops the inbox's `dead_lettered` mark; True when the event was applied already."""
    async with runtime.uow() as uow:
        outcome = (await uow.execute(sa.select(inbox.c.outcome).where(
            inbox.c.consumer == consumer, inbox.c.event_id == event_id))).scalar()
        if outcome == "applied":
            return True
        if outcome is not None:
            await uow.execute(sa.delete(inbox).where(inbox.c.consumer == consumer, inbox.c.event_id == event_id,
                                                     inbox.c.outcome != "applied"))
            await uow.commit()
    return False


async def _close(db: Database, dead_letter_id: int, status: str, **new_error) -> None:
    async with db.unit_of_work("/dead-letters") as uow:
        await uow.execute(sa.update(dead_letters).where(dead_letters.c.id == dead_letter_id).values(
            status=status, replay_count=dead_letters.c.replay_count + 1,
            last_replay_at=datetime.now(timezone.utc), **new_error))
        await uow.commit()


async def replay_open(runtime: "ServiceRuntime", *, topic: str | None, limit: int) -> list[ReplayOutcome]:
    """Every open dead letter (of `topic`), oldest first, at most `limit`."""
    rows, _total = await page(runtime.db, status=OPEN, topic=topic, limit=limit, offset=0)
    return [await replay(runtime, row) for row in rows]
