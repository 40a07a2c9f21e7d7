"""Thin event entry points: payloads in, one handler call.

Both topics have batch handlers: a fetched Kafka batch of invoices is recorded with
bulk inserts in the batch's one transaction (the ingest path must sustain thousands of
invoices per second). A defective event raises a 4xx problem: the framework replays the
batch one event per transaction and dead-letters only the culprit, nothing half-applied.
"""
from __future__ import annotations

from services.ledger.handlers import invoices, payments
from services.ledger.handlers.common import Context
from shared.db import UnitOfWork
from shared.events.envelope import Envelope
from shared.events.ledger import InvoiceIssuedV1, PaymentReceivedV1


def _context(items: list[tuple[object, Envelope]]) -> Context:
    sources = sorted({env.source for _, env in items})
    return Context(source="event", actor=",".join(sources)[:100])


async def on_invoices_issued(uow: UnitOfWork, items: list[tuple[InvoiceIssuedV1, Envelope]]) -> None:
    await invoices.record_invoices(uow, [p for p, _ in items], _context(items), publish=False)


async def on_payments_received(uow: UnitOfWork, items: list[tuple[PaymentReceivedV1, Envelope]]) -> None:
    await payments.record_payments(uow, [p for p, _ in items], _context(items), publish=False)


BATCH_HANDLERS = {"invoice-issued": on_invoices_issued, "payment-received": on_payments_received}
