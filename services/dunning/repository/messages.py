"""The message outbox: claiming due messages for delivery (a lease, so two dispatchers do
not send the same message), recording each attempt and the outcome on the message and its
actions. Set-based statements: the dispatcher handles thousands of messages a minute."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from services.dunning.tables import ActionRow, DeliveryAttemptRow, MessageRow
from services.dunning.repository._sql import chunks
from shared.bulk import one_of
from shared.db import UnitOfWork

_messages = MessageRow.__table__
_actions = ActionRow.__table__
_attempts = DeliveryAttemptRow.__table__


async def due(uow: UnitOfWork, now: datetime, limit: int, lease_until: datetime) -> list:
    """Queued messages whose next attempt has come, oldest first, leased until `lease_until`
    (on PostgreSQL locked with SKIP LOCKED while the lease is written)."""
    pick = (sa.select(_messages.c.message_id).where(_messages.c.status == "queued", _messages.c.next_attempt_at <= now)
            .order_by(_messages.c.next_attempt_at, _messages.c.message_id).limit(limit))
    if not uow.db.is_sqlite:
        pick = pick.with_for_update(skip_locked=True)
    rows = list(await uow.execute(pick))
    ids = [r.message_id for r in rows]
    claimed = []
    for chunk in chunks(uow, ids):
        await uow.execute(sa.update(_messages).where(one_of(uow, _messages.c.message_id, chunk))
                          .values(next_attempt_at=lease_until))
        claimed += list(await uow.execute(sa.select(_messages.c.message_id, _messages.c.channel, _messages.c.template,
                                                    _messages.c.language, _messages.c.recipient, _messages.c.context,
                                                    _messages.c.attempts)
                                          .where(one_of(uow, _messages.c.message_id, chunk))))
    return claimed


async def mark_sent(uow: UnitOfWork, message_ids: list[str], at: datetime) -> None:
    """Sent: the messages and their actions, in one statement each (per chunk)."""
    for chunk in chunks(uow, message_ids):
        await uow.execute(sa.update(_messages).where(one_of(uow, _messages.c.message_id, chunk))
                          .values(status="sent", sent_at=at, last_error=None, attempts=_messages.c.attempts + 1))
        await uow.execute(sa.update(_actions).where(one_of(uow, _actions.c.message_id, chunk)).values(status="sent", reason=None))


async def mark_unsent(uow: UnitOfWork, rows: list[dict]) -> None:
    """rows: {m: message id, st: queued | failed, e: the error, n: next attempt}: a retry keeps
    the message queued; a failure fails it and its actions."""
    if not rows:
        return
    await uow.execute(sa.update(_messages).where(_messages.c.message_id == sa.bindparam("m"))
                      .values(status=sa.bindparam("st"), last_error=sa.bindparam("e"),
                              next_attempt_at=sa.bindparam("n"), attempts=_messages.c.attempts + 1), rows)
    failed = [{"m": r["m"], "e": r["e"]} for r in rows if r["st"] == "failed"]
    if failed:
        await uow.execute(sa.update(_actions).where(_actions.c.message_id == sa.bindparam("m"))
                          .values(status="failed", reason=sa.bindparam("e")), failed)


async def record_attempts(uow: UnitOfWork, rows: list[dict]) -> None:
    """rows: {message_id, attempted_at, result, error}."""
    if rows:
        await uow.execute(sa.insert(_attempts), rows)
