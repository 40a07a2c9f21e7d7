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
        claimed = await store.due(uow, now, deps.config.delivery_batch, now + LEASE)
        await uow.commit()
    report = DeliveryReport()
    if not claimed:
        return report
    gate = asyncio.Semaphore(deps.config.delivery_concurrency)  # the channels pool their connections

    async def attempt(m) -> tuple:
        letter = Letter(m.channel, m.template, m.language, m.recipient, json.loads(m.context))
        async with gate:
            try:
                await deps.send(letter)
                return m, None, False
            except DeliveryError as e:
                return m, e.reason[:500], e.permanent
            except Exception as e:  # a channel's own defect: recorded and retried like a refusal
                return m, f"{type(e).__name__}: {e}"[:500], False

    outcomes = await asyncio.gather(*(attempt(m) for m in claimed))
    at = deps.clock.now()
    sent, unsent, attempts = [], [], []
    for m, error, permanent in outcomes:
        if error is None:
            sent.append(m.message_id)
            result = "sent"
        elif permanent or m.attempts + 1 >= deps.config.max_attempts:
            unsent.append({"m": m.message_id, "st": "failed", "e": error, "n": at})
            result = "failed"
        else:
            unsent.append({"m": m.message_id, "st": "queued", "e": error, "n": at + backoff(m.attempts + 1)})
            result = "retry"
        attempts.append({"message_id": m.message_id, "attempted_at": at, "result": result, "error": error})
    report.sent = len(sent)
    report.failed = sum(1 for u in unsent if u["st"] == "failed")
    report.retried = len(unsent) - report.failed
    async with uow:
        await store.mark_sent(uow, sent, at)
        await store.mark_unsent(uow, unsent)
        await store.record_attempts(uow, attempts)
        await uow.commit()
    return report


async def dispatch_all(deps: DunningDeps, uow: UnitOfWork, ctx: Context) -> DeliveryReport:
    total = DeliveryReport()
    while True:
        r = await dispatch(deps, uow, ctx)
        total.sent, total.retried, total.failed = total.sent + r.sent, total.retried + r.retried, total.failed + r.failed
        if r.sent + r.retried + r.failed == 0:
            return total
