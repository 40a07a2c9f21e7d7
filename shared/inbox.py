"""The inbox: (consumer, event id) recorded in the same transaction as the event's
effect, so a redelivered event finds its id and is skipped. The effect and the record
commit together or not at all."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from shared.db import UnitOfWork, chunked
from shared.platform_tables import inbox


async def seen_ids(uow: UnitOfWork, consumer: str, event_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunked(event_ids):
        rows = await uow.execute(sa.select(inbox.c.event_id).where(
            inbox.c.consumer == consumer, inbox.c.event_id.in_(chunk)))
        found.update(r[0] for r in rows)
    return found


async def record(uow: UnitOfWork, consumer: str, items: list[tuple[str, str]],
                 outcome: str = "applied") -> None:
    """items: (event_id, topic). A concurrent duplicate fails the primary key and rolls the
    whole transaction back, which is what we want: the other copy won."""
    if not items:
        return
    now = datetime.now(timezone.utc)
    await uow.execute(sa.insert(inbox), [
        {"consumer": consumer, "event_id": eid, "topic": topic, "outcome": outcome, "received_at": now}
        for eid, topic in items])
