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
    claimed = await _claim(deps, uow)
    report = DeliveryReport()
    if claimed:
        await _record(deps, uow, await _send(deps, claimed), report)
    return report


async def dispatch_all(deps: DunningDeps, uow: UnitOfWork, ctx: Context) -> DeliveryReport:
    """Every due message, pipelined: while one batch is on the wire, the previous batch's
    outcomes are recorded and the next batch is claimed (its lease keeps the two apart), so
    the database's round trips do not stop the sends. The unit of work is used by this task
    alone, one statement group after the other; sending never touches it."""
    total = DeliveryReport()
    batch = await _claim(deps, uow)
    outcomes = None
    while batch:
        sending = asyncio.create_task(_send(deps, batch))
        try:
            if outcomes is not None:
                await _record(deps, uow, outcomes, total)
            batch = await _claim(deps, uow)
        finally:
            outcomes = await sending  # never leave a batch unrecorded behind an error
    if outcomes is not None:
        await _record(deps, uow, outcomes, total)
    return total


async def _claim(deps: DunningDeps, uow: UnitOfWork) -> list:
    now = deps.clock.now()
    async with uow:
        claimed = await store.due(uow, now, deps.config.delivery_batch, now + LEASE)
        await uow.commit()
    return claimed


async def _send(deps: DunningDeps, claimed: list) -> list[tuple]:
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

    return await asyncio.gather(*(attempt(m) for m in claimed))


async def _record(deps: DunningDeps, uow: UnitOfWork, outcomes: list[tuple], report: DeliveryReport) -> None:
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
    failed = sum(1 for u in unsent if u["st"] == "failed")
    report.sent += len(sent)
    report.failed += failed
    report.retried += len(unsent) - failed
    async with uow:
        await store.mark_sent(uow, sent, at)
        await store.mark_unsent(uow, unsent)
        await store.record_attempts(uow, attempts)
        await uow.commit()
