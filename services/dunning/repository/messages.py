"""The message outbox: claiming due messages for delivery (a lease, so two dispatchers do
not send the same message), recording each attempt and the outcome on the message and its
actions."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select

from services.dunning.tables import ActionRow, DeliveryAttemptRow, MessageRow
from shared.db import UnitOfWork

_messages = MessageRow.__table__
_actions = ActionRow.__table__


async def due(uow: UnitOfWork, now: datetime, limit: int, lease_until: datetime) -> list[MessageRow]:
    """Queued messages whose next attempt has come, oldest first, leased until `lease_until`
    (on PostgreSQL locked with SKIP LOCKED while the lease is written)."""
    stmt = (select(MessageRow).where(MessageRow.status == "queued", MessageRow.next_attempt_at <= now)
            .order_by(MessageRow.next_attempt_at, MessageRow.message_id).limit(limit))
    if not uow.db.is_sqlite:
        stmt = stmt.with_for_update(skip_locked=True)
    rows = list((await uow.session.execute(stmt)).scalars())
    for row in rows:
        row.next_attempt_at = lease_until
    return rows


async def get(uow: UnitOfWork, message_id: str) -> MessageRow | None:
    return await uow.session.get(MessageRow, message_id)


def attempt(uow: UnitOfWork, message_id: str, at: datetime, result: str, error: str | None) -> None:
    uow.session.add(DeliveryAttemptRow(message_id=message_id, attempted_at=at, result=result, error=error))


async def set_action_status(uow: UnitOfWork, message_id: str, status: str, reason: str | None) -> None:
    await uow.execute(sa.update(_actions).where(_actions.c.message_id == message_id)
                      .values(status=status, reason=reason))


async def attempts(uow: UnitOfWork, message_id: str) -> list[DeliveryAttemptRow]:
    return list((await uow.session.execute(select(DeliveryAttemptRow).where(
        DeliveryAttemptRow.message_id == message_id).order_by(DeliveryAttemptRow.attempted_at))).scalars())
