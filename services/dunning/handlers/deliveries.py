"""The dispatcher: messages written by the ladder's transaction are delivered after it
committed, never inside it. Each run claims a batch of due messages (a lease), sends them
with no transaction open, then records every attempt: sent; retried later with backoff; or
failed (a permanent refusal, or too many attempts) — on the message, its actions, the
case's view and the metric `ar_dunning_deliveries_total{channel,outcome}` (counted by the
channels' senders, and by `delivery` for what fails before a sender sees it)."""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import timedelta

from services.dunning.delivery import DeliveryError, Letter, backoff
from services.dunning.deps import DunningDeps
from services.dunning.repository import messages as store
from shared.context import Context
from shared.db import UnitOfWork

LEASE = timedelta(minutes=5)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


async def dispatch(deps: DunningDeps, uow: UnitOfWork, ctx: Context) -> DeliveryReport:
    """One batch of due messages (run again until it reports nothing)."""
    now = deps.clock.now()
    async with uow:
        claimed = [(m.message_id, m.channel, Letter(m.channel, m.template, m.language, m.recipient,
                                                     json.loads(m.context)))
                   for m in await store.due(uow, now, deps.config.delivery_batch, now + LEASE)]
        await uow.commit()
    gate = asyncio.Semaphore(deps.config.delivery_concurrency)  # the channels pool their connections

    async def attempt(message_id: str, channel: str, letter: Letter) -> tuple:
        async with gate:
            try:
                await deps.send(letter)
                return message_id, channel, None, False
            except DeliveryError as e:
                return message_id, channel, e.reason[:500], e.permanent
            except Exception as e:  # a channel's own defect: recorded and retried like a refusal
                return message_id, channel, f"{type(e).__name__}: {e}"[:500], False

    outcomes = await asyncio.gather(*(attempt(*claim) for claim in claimed))
    report = DeliveryReport()
    if not outcomes:
        return report
    at = deps.clock.now()
    attempts, actions = [], []
    async with uow:
        messages = await store.by_id(uow, [o[0] for o in outcomes])
        for message_id, channel, error, permanent in outcomes:
            m = messages[message_id]
            m.attempts += 1
            if error is None:
                m.status, m.sent_at, m.last_error, result = "sent", at, None, "sent"
                actions.append({"m": message_id, "st": "sent", "r": None})
                report.sent += 1
            elif permanent or m.attempts >= deps.config.max_attempts:
                m.status, m.last_error, result = "failed", error, "failed"
                actions.append({"m": message_id, "st": "failed", "r": error})
                report.failed += 1
            else:
                m.last_error, m.next_attempt_at, result = error, at + backoff(m.attempts), "retry"
                report.retried += 1
            attempts.append({"message_id": message_id, "attempted_at": at, "result": result, "error": error})
        await store.record_attempts(uow, attempts)
        await store.set_action_statuses(uow, actions)
        await uow.commit()
    return report


async def dispatch_all(deps: DunningDeps, uow: UnitOfWork, ctx: Context) -> DeliveryReport:
    total = DeliveryReport()
    while True:
        r = await dispatch(deps, uow, ctx)
        total.sent, total.retried, total.failed = total.sent + r.sent, total.retried + r.retried, total.failed + r.failed
        if r.sent + r.retried + r.failed == 0:
            return total
