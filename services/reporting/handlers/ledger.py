"""The ledger's facts into reporting's read model. Each is kept once by its business key
(invoice number, payment reference + invoice + instalment + date, credit note, write-off,
dispute, due-date change's invoice + reason + reference + instalment), whatever the
redelivery or republication; a fact about an invoice that has not come yet is kept and
counted when it comes (its spans are rebuilt from all of its facts, `domain.timeline`)."""
from __future__ import annotations

from services.reporting import repository
from services.reporting.deps import ReportingDeps
from services.reporting.domain.timeline import Fact, Instalment, spans
from services.reporting.handlers import activity
from services.reporting.tables import FactRow, InstalmentRow, InvoiceRow, PaymentRow
from shared.context import Context
from shared.db import UnitOfWork
from shared.events.ledger import (
    CreditNoteIssuedV1, DisputeOpenedV1, DisputeResolvedV1, InvoiceDueDatesChangedV1, InvoiceRecordedV1,
    InvoiceSettledV1, InvoiceWrittenOffV1, PaymentAllocatedV1, PaymentRecordedV1, PaymentReversedV1,
    RefundIssuedV1, WriteOffRecoveredV1,
)
from shared.money import to_minor


async def rebuild(uow: UnitOfWork, invoice_number: str | None) -> None:
    """The invoice's open spans from its schedule and all of its facts (nothing until the
    invoice itself has come)."""
    invoice = await repository.get_invoice(uow, invoice_number) if invoice_number else None
    if invoice is None:
        return
    schedule = [Instalment(i.seq, i.due_date, i.amount_minor) for i in await repository.schedule_of(uow, invoice_number)]
    facts = [Fact(f.kind, f.effective_date, f.amount_minor, f.seq, f.due_date, f.key)
             for f in await repository.timeline_facts(uow, invoice_number)]
    await repository.replace_spans(uow, invoice, spans(invoice.issue_date, schedule, facts))


async def _keep(uow: UnitOfWork, *rows: FactRow) -> set[str]:
    """The facts kept now (not before); the invoices they concern, to rebuild."""
    touched: set[str] = set()
    for row in rows:
        if await repository.add_fact(uow, row) and row.invoice_number:
            touched.add(row.invoice_number)
    return touched


async def _rebuild_all(uow: UnitOfWork, numbers: set[str]) -> None:
    for number in sorted(numbers):
        await rebuild(uow, number)


async def _keep_and_rebuild(uow: UnitOfWork, *rows: FactRow) -> None:
    async with uow:
        await _rebuild_all(uow, await _keep(uow, *rows))
        await uow.commit()


async def invoices_recorded(deps: ReportingDeps, uow: UnitOfWork,
                            facts: list[tuple[InvoiceRecordedV1, Context]]) -> None:
    """Invoices as the ledger booked them (an import publishes thousands): a batch is read
    in a few queries and its spans written in two inserts; an invoice whose facts came first
    is rebuilt from them. An invoice number seen before is skipped (republished)."""
    async with uow:
        events = [e for e, _ in facts]
        await activity.count_invoices(uow, events)
        numbers = [e.invoice_number for e in events]
        seen = await repository.known_invoices(uow, numbers)
        earlier = await repository.invoices_with_facts(uow, numbers)
        fresh, to_rebuild = [], []
        for e in events:
            if e.invoice_number in seen:
                continue
            seen.add(e.invoice_number)
            invoice = InvoiceRow(
                invoice_number=e.invoice_number, customer_id=e.customer_id, currency=e.currency,
                issue_date=e.issue_date, due_date=e.due_date, amount_minor=to_minor(e.amount, e.currency),
                region=e.region, product_line=e.product_line, customer_type=e.customer_type,
                salesperson=e.salesperson)
            schedule = [Instalment(i.seq, i.due_date, to_minor(i.amount, e.currency)) for i in e.instalments]
            repository.add(uow, invoice, *(InstalmentRow(invoice_number=e.invoice_number, seq=i.seq,
                                                         due_date=i.due_date, amount_minor=i.amount_minor)
                                           for i in schedule))
            if e.invoice_number in earlier:
                to_rebuild.append(e.invoice_number)
            else:
                fresh.append((invoice, spans(e.issue_date, schedule, [])))
        await repository.flush(uow)
        await repository.add_spans(uow, fresh)
        for number in to_rebuild:
            await rebuild(uow, number)
        await uow.commit()


async def payment_recorded(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, e: PaymentRecordedV1) -> None:
    async with uow:
        await activity.count_payment(uow, e)
        if await repository.get_payment(uow, e.payment_reference) is None:
            repository.add(uow, PaymentRow(payment_reference=e.payment_reference, customer_id=e.customer_id,
                                           currency=e.currency, received_date=e.received_date,
                                           amount_minor=to_minor(e.amount, e.currency), method=e.method))
        await uow.commit()


async def payment_allocated(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, e: PaymentAllocatedV1) -> None:
    await _keep_and_rebuild(uow, *(FactRow(
        kind="allocation", key=f"{e.payment_reference}|{ln.invoice_number}|{ln.instalment_seq}|{e.effective_date}",
        invoice_number=ln.invoice_number, seq=ln.instalment_seq, customer_id=e.customer_id, currency=e.currency,
        effective_date=e.effective_date, amount_minor=to_minor(ln.amount, e.currency), due_date=ln.due_date,
        reference=e.payment_reference) for ln in e.lines))


async def payment_reversed(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, e: PaymentReversedV1) -> None:
    """A bounced payment reopens what it paid, from the reversal's date."""
    async with uow:
        payment = await repository.get_payment(uow, e.payment_reference)
        if payment is not None and payment.reversed_on is None:
            payment.reversed_on = e.reversed_date
        lines = [(ln.invoice_number, ln.instalment_seq, to_minor(ln.amount, e.currency)) for ln in e.reopened]
        if not lines:
            lines = [(a.invoice_number, a.seq, a.amount_minor)
                     for a in await repository.allocations_of_payment(uow, e.payment_reference)]
        touched = await _keep(uow, *(FactRow(
            kind="reversal", key=f"{e.payment_reference}|{number}|{seq}", invoice_number=number, seq=seq,
            customer_id=e.customer_id, currency=e.currency, effective_date=e.reversed_date, amount_minor=minor,
            reference=e.payment_reference, label="bounced" if e.bounced else None) for number, seq, minor in lines))
        await _rebuild_all(uow, touched)
        await uow.commit()


async def invoice_settled(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, e: InvoiceSettledV1) -> None:
    await _keep_and_rebuild(uow, FactRow(
        kind="settled", key=e.invoice_number, invoice_number=e.invoice_number, customer_id=e.customer_id,
        currency=e.currency, effective_date=e.settled_date, amount_minor=to_minor(e.amount, e.currency),
        due_date=e.due_date))


async def credit_note_issued(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, e: CreditNoteIssuedV1) -> None:
    await _keep_and_rebuild(uow, FactRow(
        kind="credit_note", key=e.credit_note_number, invoice_number=e.invoice_number, customer_id=e.customer_id,
        currency=e.currency, effective_date=e.issue_date, amount_minor=to_minor(e.amount, e.currency),
        label=e.reason[:100]))


async def invoice_written_off(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, e: InvoiceWrittenOffV1) -> None:
    await _keep_and_rebuild(uow, FactRow(
        kind="write_off", key=e.write_off_id, invoice_number=e.invoice_number, customer_id=e.customer_id,
        currency=e.currency, effective_date=e.effective_date, amount_minor=to_minor(e.amount, e.currency),
        label=e.reason[:100]))


async def write_off_recovered(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, e: WriteOffRecoveredV1) -> None:
    await _keep_and_rebuild(uow, FactRow(
        kind="recovery", key=f"{e.invoice_number}|{e.payment_reference}", invoice_number=e.invoice_number,
        customer_id=e.customer_id, currency=e.currency, effective_date=e.received_date,
        amount_minor=to_minor(e.amount, e.currency), reference=e.payment_reference))


async def dispute_opened(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, e: DisputeOpenedV1) -> None:
    await _keep_and_rebuild(uow, FactRow(
        kind="dispute", key=e.dispute_id, invoice_number=e.invoice_number, customer_id=e.customer_id,
        currency=e.currency, effective_date=e.opened_date, amount_minor=to_minor(e.amount, e.currency),
        label=e.category[:100]))


async def dispute_resolved(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, e: DisputeResolvedV1) -> None:
    await _keep_and_rebuild(uow, FactRow(
        kind="dispute_resolved", key=e.dispute_id, invoice_number=e.invoice_number, customer_id=e.customer_id,
        currency=e.currency, effective_date=e.resolved_date, amount_minor=to_minor(e.adjusted_amount, e.currency),
        label=e.outcome, reference="our_fault" if e.our_fault else None))


async def refund_issued(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, e: RefundIssuedV1) -> None:
    await _keep_and_rebuild(uow, FactRow(
        kind="refund", key=e.refund_reference, customer_id=e.customer_id, currency=e.currency,
        effective_date=e.refund_date, amount_minor=to_minor(e.amount, e.currency)))


async def due_dates_changed(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, e: InvoiceDueDatesChangedV1) -> None:
    """A term extension or a RECEIPT+N invoice received: the aging clock follows the new due
    dates from the change's effective date (before it, the old ones still count)."""
    async with uow:
        invoice = await repository.get_invoice(uow, e.invoice_number)
        currency = invoice.currency if invoice is not None else ""
        touched = await _keep(uow, *(FactRow(
            kind="due_date", key=f"{e.invoice_number}|{e.reason}|{e.reference[:150]}|{c.seq}",
            invoice_number=e.invoice_number, seq=c.seq, customer_id=e.customer_id, currency=currency,
            effective_date=e.effective_date, due_date=c.due_date, label=e.reason) for c in e.instalments))
        if touched and invoice is not None:
            invoice.due_date = e.due_date
            await rebuild(uow, e.invoice_number)
        await uow.commit()
