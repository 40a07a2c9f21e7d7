"""Thin event entry points: each topic maps to one handler of the ledger's (and
dunning's) facts; the envelope is not needed beyond what the inbox already did."""
from __future__ import annotations

from services.credit.handlers import ledger
from shared.consumer import Handler
from shared.db import UnitOfWork
from shared.events.contract import EventPayload


def _payload_only(handle) -> Handler:
    async def on_event(_deps, uow: UnitOfWork, _ctx, event: EventPayload) -> None:
        await handle(uow, event)

    on_event.__name__ = f"on_{handle.__name__}"
    return on_event


HANDLERS: dict[str, Handler] = {topic: _payload_only(handle) for topic, handle in {
    "invoice-recorded": ledger.invoice_recorded,
    "payment-allocated": ledger.payment_allocated,
    "invoice-settled": ledger.invoice_settled,
    "credit-note-issued": ledger.credit_note_issued,
    "invoice-written-off": ledger.invoice_written_off,
    "payment-reversed": ledger.payment_reversed,
    "overdue-threshold": ledger.overdue_threshold,
    "dispute-opened": ledger.dispute_opened,
    "dispute-resolved": ledger.dispute_resolved,
    "promise-to-pay-broken": ledger.promise_broken,
}.items()}
