"""Thin event entry points: payload in, one handler call."""
from __future__ import annotations

from services.reporting import handlers
from shared.db import UnitOfWork
from shared.events.envelope import Envelope
from shared.events.ledger import InvoiceIssuedV1, PaymentReceivedV1


async def on_invoice_issued(uow: UnitOfWork, event: InvoiceIssuedV1, _env: Envelope) -> None:
    await handlers.add_invoice(uow, event)


async def on_payment_received(uow: UnitOfWork, event: PaymentReceivedV1, _env: Envelope) -> None:
    await handlers.add_payment(uow, event)


HANDLERS = {"invoice-issued": on_invoice_issued, "payment-received": on_payment_received}
