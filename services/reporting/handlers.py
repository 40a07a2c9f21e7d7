"""Reporting's service layer: fold the ledger's facts into daily totals, by effective
date (a back-dated invoice lands on the day it belongs to), each fact once by its
business key whatever the redelivery."""
from __future__ import annotations

from services.reporting import repository
from services.reporting.deps import ReportingDeps
from shared.context import Context
from shared.db import UnitOfWork
from shared.events.ledger import InvoiceRecordedV1, PaymentRecordedV1
from shared.money import to_minor


async def add_invoice(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, event: InvoiceRecordedV1) -> None:
    async with uow:
        if await repository.count_once(uow, "invoice", event.invoice_number):
            await repository.add_to_day(uow, event.issue_date, event.currency,
                                        credit_sales_minor=to_minor(event.amount, event.currency), invoices=1)
        await uow.commit()


async def add_payment(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, event: PaymentRecordedV1) -> None:
    async with uow:
        if await repository.count_once(uow, "payment", event.payment_reference):
            await repository.add_to_day(uow, event.received_date, event.currency,
                                        cash_received_minor=to_minor(event.amount, event.currency), payments=1)
        await uow.commit()
