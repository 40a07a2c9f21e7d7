"""Reporting's service layer: fold events into daily totals (by effective date, so a
back-dated invoice lands on the day it belongs to)."""
from __future__ import annotations

from services.reporting import repository
from shared.db import UnitOfWork
from shared.events.ledger import InvoiceIssuedV1, PaymentReceivedV1
from shared.money import to_minor


async def add_invoice(uow: UnitOfWork, event: InvoiceIssuedV1) -> None:
    async with uow:
        row = await repository.day(uow, event.issue_date, event.currency)
        row.credit_sales_minor += to_minor(event.amount, event.currency)
        row.invoices += 1
        await uow.commit()


async def add_payment(uow: UnitOfWork, event: PaymentReceivedV1) -> None:
    async with uow:
        row = await repository.day(uow, event.received_date, event.currency)
        row.cash_received_minor += to_minor(event.amount, event.currency)
        row.payments += 1
        await uow.commit()
