"""Every read and write reporting makes: the read model's writes here, the reports' queries
in `reports`, the month-end packs in `packs`, the daily activity in `activity`."""
from __future__ import annotations

from datetime import date
from typing import Iterable

import sqlalchemy as sa
from sqlmodel import select

from services.reporting.domain.timeline import KINDS, Span
from services.reporting.tables import (
    CustomerRow, FactRow, InstalmentRow, InvoiceRow, OpenSpanRow, PastSpanRow, PaymentRow,
)
from shared.db import UnitOfWork, chunked

_facts = FactRow.__table__
_current = OpenSpanRow.__table__
_past = PastSpanRow.__table__


async def _all(uow: UnitOfWork, stmt) -> list:
    return list((await uow.execute(stmt)).scalars())


def add(uow: UnitOfWork, *rows) -> None:
    """New rows, written at the next flush or commit."""
    uow.session.add_all(rows)


async def flush(uow: UnitOfWork) -> None:
    await uow.session.flush()


# --- facts, once by business key ------------------------------------------------------------

async def add_fact(uow: UnitOfWork, row: FactRow) -> bool:
    """Keep a fact by its business key; False if it was kept before (redelivered, republished)."""
    if await uow.session.get(FactRow, (row.kind, row.key)) is not None:
        return False
    uow.session.add(row)
    await uow.session.flush()
    return True


async def get_fact(uow: UnitOfWork, kind: str, key: str) -> FactRow | None:
    return await uow.session.get(FactRow, (kind, key))


async def timeline_facts(uow: UnitOfWork, invoice_number: str) -> list[FactRow]:
    return await _all(uow, select(FactRow).where(FactRow.invoice_number == invoice_number,
                                                 FactRow.kind.in_(sorted(KINDS))))


async def allocations_of_payment(uow: UnitOfWork, payment_reference: str) -> list[FactRow]:
    return await _all(uow, select(FactRow).where(FactRow.kind == "allocation",
                                                 FactRow.reference == payment_reference))


# --- invoices and their open spans ----------------------------------------------------------

async def get_invoice(uow: UnitOfWork, invoice_number: str) -> InvoiceRow | None:
    return await uow.session.get(InvoiceRow, invoice_number)


async def known_invoices(uow: UnitOfWork, numbers: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for chunk in chunked(list(numbers)):
        out.update(await _all(uow, select(InvoiceRow.invoice_number).where(InvoiceRow.invoice_number.in_(chunk))))
    return out


async def invoices_with_facts(uow: UnitOfWork, numbers: Iterable[str]) -> set[str]:
    """Which of the invoices have facts that came before them."""
    out: set[str] = set()
    for chunk in chunked(list(numbers)):
        out.update(await _all(uow, select(FactRow.invoice_number).where(FactRow.invoice_number.in_(chunk),
                                                                        FactRow.kind.in_(sorted(KINDS)))
                              .distinct()))
    return out


async def schedule_of(uow: UnitOfWork, invoice_number: str) -> list[InstalmentRow]:
    return await _all(uow, select(InstalmentRow).where(InstalmentRow.invoice_number == invoice_number)
                      .order_by(InstalmentRow.seq))


async def replace_spans(uow: UnitOfWork, invoice: InvoiceRow, spans: list[Span]) -> None:
    """The invoice's spans, rebuilt from all its facts: the current ones (no end) and the
    ended ones, each in its table."""
    for table in (_current, _past):
        await uow.execute(sa.delete(table).where(table.c.invoice_number == invoice.invoice_number))
    await add_spans(uow, [(invoice, spans)])


async def add_spans(uow: UnitOfWork, batch: list[tuple[InvoiceRow, list[Span]]]) -> None:
    """New spans of new invoices, in two multi-row inserts."""
    rows = [{"invoice_number": invoice.invoice_number, "seq": s.seq, "customer_id": invoice.customer_id,
             "currency": invoice.currency, "issue_date": invoice.issue_date, "due_date": s.due_date,
             "open_minor": s.open_minor, "valid_from": s.valid_from, "valid_to": s.valid_to}
            for invoice, spans in batch for s in spans]
    current = [{k: v for k, v in r.items() if k != "valid_to"} for r in rows if r["valid_to"] is None]
    past = [r for r in rows if r["valid_to"] is not None]
    if current:
        await uow.execute(sa.insert(_current), current)
    if past:
        await uow.execute(sa.insert(_past), past)


# --- customers and payments -----------------------------------------------------------------

async def get_customer(uow: UnitOfWork, customer_id: str) -> CustomerRow | None:
    return await uow.session.get(CustomerRow, customer_id)


async def get_payment(uow: UnitOfWork, payment_reference: str) -> PaymentRow | None:
    return await uow.session.get(PaymentRow, payment_reference)


async def latest_fact_date(uow: UnitOfWork) -> date | None:
    return await uow.scalar(sa.select(sa.func.max(_facts.c.effective_date)))
