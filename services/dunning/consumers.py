"""Thin event entry points: payload in, one handler call."""
from __future__ import annotations

from services.dunning import handlers
from shared.db import UnitOfWork
from shared.events.envelope import Envelope
from shared.events.ledger import OverdueThresholdV1, PaymentReceivedV1


async def on_overdue_threshold(uow: UnitOfWork, event: OverdueThresholdV1, _env: Envelope) -> None:
    await handlers.record_overdue(uow, event)


async def on_payment_received(uow: UnitOfWork, event: PaymentReceivedV1, _env: Envelope) -> None:
    await handlers.record_payment(uow, event)


HANDLERS = {"overdue-threshold": on_overdue_threshold, "payment-received": on_payment_received}
