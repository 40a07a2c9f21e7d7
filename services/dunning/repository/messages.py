"""The message outbox: claiming due messages for delivery (a lease, so two dispatchers do
not send the same message), recording each attempt and the outcome on the message and its
actions."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select

from services.dunning.tables import ActionRow, DeliveryAttemptRow, MessageRow
from shared.db import UnitOfWork, chunked

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


async def by_id(uow: UnitOfWork, message_ids: list[str]) -> dict[str, MessageRow]:
    out: dict[str, MessageRow] = {}
    for chunk in chunked(message_ids):
        for row in (await uow.session.execute(select(MessageRow).where(MessageRow.message_id.in_(chunk)))).scalars():
            out[row.message_id] = row
    return out


async def record_attempts(uow: UnitOfWork, rows: list[dict]) -> None:
    """rows: {message_id, attempted_at, result, error}."""
    if rows:
        await uow.execute(sa.insert(DeliveryAttemptRow.__table__), rows)


async def set_action_statuses(uow: UnitOfWork, rows: list[dict]) -> None:
    """rows: {m: message id, st: status, r: reason}: the actions of each message follow it."""
    if rows:
        await uow.execute(sa.update(_actions).where(_actions.c.message_id == sa.bindparam("m"))
                          .values(status=sa.bindparam("st"), reason=sa.bindparam("r")), rows)

