"""The daily totals of credit sales and cash, by effective date (a back-dated invoice lands
on the day it belongs to), each fact once by its business key whatever the redelivery.
Called by the ledger's handlers inside their transaction."""
from __future__ import annotations

from services.reporting.repository import activity as repository
from shared.db import UnitOfWork
from shared.events.ledger import InvoiceRecordedV1, PaymentRecordedV1
from shared.money import to_minor


async def count_invoice(uow: UnitOfWork, event: InvoiceRecordedV1) -> None:
    if await repository.count_once(uow, "invoice", event.invoice_number):
        await repository.add_to_day(uow, event.issue_date, event.currency,
                                    credit_sales_minor=to_minor(event.amount, event.currency), invoices=1)


async def count_invoices(uow: UnitOfWork, events: list[InvoiceRecordedV1]) -> None:
    """A batch: the invoices not counted before, summed per day and currency first."""
    seen = await repository.counted(uow, "invoice", [e.invoice_number for e in events])
    days: dict[tuple, list[int]] = {}
    new: list[str] = []
    for e in events:
        if e.invoice_number in seen:
            continue
        seen.add(e.invoice_number)
        new.append(e.invoice_number)
        day = days.setdefault((e.issue_date, e.currency), [0, 0])
        day[0] += to_minor(e.amount, e.currency)
        day[1] += 1
    await repository.count_all(uow, "invoice", new)
    for (day, currency), (minor, count) in sorted(days.items()):
        await repository.add_to_day(uow, day, currency, credit_sales_minor=minor, invoices=count)


async def count_payment(uow: UnitOfWork, event: PaymentRecordedV1) -> None:
    if await repository.count_once(uow, "payment", event.payment_reference):
        await repository.add_to_day(uow, event.received_date, event.currency,
                                    cash_received_minor=to_minor(event.amount, event.currency), payments=1)
