"""Thin event entry points: payload in, one handler call."""
from __future__ import annotations

from services.credit.handlers import ledger
from shared.db import UnitOfWork
from shared.events.dunning import PromiseToPayBrokenV1
from shared.events.envelope import Envelope
from shared.events.ledger import (
    CreditNoteIssuedV1, DisputeOpenedV1, DisputeResolvedV1, InvoiceIssuedV1, InvoiceSettledV1,
    InvoiceWrittenOffV1, OverdueThresholdV1, PaymentAllocatedV1, PaymentReversedV1,
)


async def on_invoice_issued(uow: UnitOfWork, event: InvoiceIssuedV1, _env: Envelope) -> None:
    await ledger.invoice_issued(uow, event)


async def on_payment_allocated(uow: UnitOfWork, event: PaymentAllocatedV1, _env: Envelope) -> None:
    await ledger.payment_allocated(uow, event)


async def on_invoice_settled(uow: UnitOfWork, event: InvoiceSettledV1, _env: Envelope) -> None:
    await ledger.invoice_settled(uow, event)


async def on_credit_note_issued(uow: UnitOfWork, event: CreditNoteIssuedV1, _env: Envelope) -> None:
    await ledger.credit_note_issued(uow, event)


async def on_invoice_written_off(uow: UnitOfWork, event: InvoiceWrittenOffV1, _env: Envelope) -> None:
    await ledger.invoice_written_off(uow, event)


async def on_payment_reversed(uow: UnitOfWork, event: PaymentReversedV1, _env: Envelope) -> None:
    await ledger.payment_reversed(uow, event)


async def on_overdue_threshold(uow: UnitOfWork, event: OverdueThresholdV1, _env: Envelope) -> None:
    await ledger.overdue_threshold(uow, event)


async def on_dispute_opened(uow: UnitOfWork, event: DisputeOpenedV1, _env: Envelope) -> None:
    await ledger.dispute_opened(uow, event)


async def on_dispute_resolved(uow: UnitOfWork, event: DisputeResolvedV1, _env: Envelope) -> None:
    await ledger.dispute_resolved(uow, event)


async def on_promise_broken(uow: UnitOfWork, event: PromiseToPayBrokenV1, _env: Envelope) -> None:
    await ledger.promise_broken(uow, event)


HANDLERS = {
    "invoice-issued": on_invoice_issued, "payment-allocated": on_payment_allocated,
    "invoice-settled": on_invoice_settled, "credit-note-issued": on_credit_note_issued,
    "invoice-written-off": on_invoice_written_off, "payment-reversed": on_payment_reversed,
    "overdue-threshold": on_overdue_threshold, "dispute-opened": on_dispute_opened,
    "dispute-resolved": on_dispute_resolved, "promise-to-pay-broken": on_promise_broken,
}
