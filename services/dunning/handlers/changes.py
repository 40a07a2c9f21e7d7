"""What each of the ledger's facts does to the items of one invoice. A fact is split into
units (business key, invoice): each unit applies once, and a unit whose invoice dunning has
not seen yet is parked by handlers.facts until the invoice arrives."""
from __future__ import annotations

from datetime import date

from services.dunning import repository
from services.dunning.deps import DunningDeps
from services.dunning.tables import ItemRow
from shared.context import Context
from shared.db import UnitOfWork
from shared.events.ledger import (
    CreditNoteIssuedV1, DisputeOpenedV1, DisputeResolvedV1, InvoiceDueDatesChangedV1, InvoiceSettledV1,
    InvoiceWrittenOffV1, PaymentAllocatedV1, PaymentReversedV1,
)
from shared.money import to_minor

PARKABLE = {p.topic: p for p in (PaymentAllocatedV1, PaymentReversedV1, InvoiceSettledV1, CreditNoteIssuedV1,
                                 InvoiceWrittenOffV1, DisputeOpenedV1, DisputeResolvedV1, InvoiceDueDatesChangedV1)}


def parse(topic: str, payload: str):
    return PARKABLE[topic].model_validate_json(payload)


def units(e) -> list[tuple[str, str]]:
    """(business key, invoice number) of each part of a fact that applies on its own."""
    if isinstance(e, PaymentAllocatedV1):
        return [(f"alloc:{e.payment_reference}:{n}", n) for n in dict.fromkeys(l.invoice_number for l in e.lines)]
    if isinstance(e, PaymentReversedV1):
        return [(f"reversal:{e.payment_reference}:{n}", n) for n in dict.fromkeys(l.invoice_number for l in e.reopened)]
    if isinstance(e, InvoiceSettledV1):
        return [(f"settled:{e.invoice_number}:{e.settled_date}", e.invoice_number)]
    if isinstance(e, CreditNoteIssuedV1):
        return [(f"credit-note:{e.credit_note_number}", e.invoice_number)] if e.invoice_number else []
    if isinstance(e, InvoiceWrittenOffV1):
        return [(f"write-off:{e.write_off_id}", e.invoice_number)]
    if isinstance(e, DisputeOpenedV1):
        return [(f"dispute-opened:{e.dispute_id}", e.invoice_number)]
    if isinstance(e, DisputeResolvedV1):
        return [(f"dispute-resolved:{e.dispute_id}", e.invoice_number)]
    if isinstance(e, InvoiceDueDatesChangedV1):
        return [(f"due-dates:{e.invoice_number}:{e.reference}:{e.effective_date}", e.invoice_number)]
    raise TypeError(type(e))


async def apply(deps: DunningDeps, uow: UnitOfWork, ctx: Context, e, invoice: str, items: list[ItemRow]) -> None:
    by_seq = {i.seq: i for i in items}
    touched: set[str] = set()
    if isinstance(e, PaymentAllocatedV1):
        for line in e.lines:
            item = by_seq.get(line.instalment_seq) if line.invoice_number == invoice else None
            if item is not None:
                paid = to_minor(line.amount, e.currency)
                item.open_minor = max(0, item.open_minor - paid)
                await _count_towards_promises(uow, item, paid, e.received_date)
                _close_if_paid(item, "settled", touched)
    elif isinstance(e, PaymentReversedV1):
        for line in e.reopened:
            item = by_seq.get(line.instalment_seq) if line.invoice_number == invoice else None
            if item is not None:
                item.open_minor = min(item.amount_minor, item.open_minor + to_minor(line.amount, e.currency))
                if item.status != "open" and item.open_minor > 0:
                    item.status = "open"
                    await _reopen_case(uow, ctx, item)
    elif isinstance(e, (InvoiceSettledV1,)):
        for item in items:
            item.open_minor = 0
            _close_if_paid(item, "settled", touched)
    elif isinstance(e, (CreditNoteIssuedV1, InvoiceWrittenOffV1)):
        left = to_minor(e.amount, e.currency)
        status = "credited" if isinstance(e, CreditNoteIssuedV1) else "written_off"
        for item in sorted(items, key=lambda i: (i.due_date or date.max, i.seq)):  # oldest due first
            take = min(left, item.open_minor)
            item.open_minor -= take
            left -= take
            _close_if_paid(item, status, touched)
    elif isinstance(e, DisputeOpenedV1):
        for item in items:
            item.disputed_minor = to_minor(e.amount, e.currency)  # the invoice's items wait for the dispute
    elif isinstance(e, DisputeResolvedV1):
        for item in items:
            item.disputed_minor = 0
    elif isinstance(e, InvoiceDueDatesChangedV1):
        for change in e.instalments:
            item = by_seq.get(change.seq)
            if item is not None:
                item.due_date = change.due_date  # the ladder restarts against the new due date
    if touched:
        await repository.flush(uow)
        for case in (await repository.cases_by_id(uow, touched)).values():
            if case.status == "open" and await repository.open_item_count(uow, case.case_id) == 0:
                case.status, case.closed_on, case.updated_at = "closed", ctx.today, ctx.now


def _close_if_paid(item: ItemRow, status: str, touched: set[str]) -> None:
    if item.open_minor == 0 and item.status == "open":
        item.status = status
        if item.case_id is not None:
            touched.add(item.case_id)


async def _count_towards_promises(uow: UnitOfWork, item: ItemRow, paid_minor: int, received: date) -> None:
    """A payment to a case's item counts towards its open promises and current plans made
    on or before the day it was received."""
    if item.case_id is None:
        return
    for p in await repository.open_promises(uow, [item.case_id]):
        if p.currency == item.currency and p.made_on <= received:
            p.paid_minor += paid_minor
    for plan in await repository.current_plans(uow, [item.case_id]):
        if plan.currency == item.currency and plan.created_on <= received:
            plan.paid_minor += paid_minor


async def _reopen_case(uow: UnitOfWork, ctx: Context, item: ItemRow) -> None:
    """A reversal re-opens the item: into the customer's open case, else its own case again
    (keeping its policy version)."""
    open_case = (await repository.open_cases_of(uow, [item.customer_id])).get(item.customer_id)
    if open_case is not None:
        item.case_id = open_case.case_id
        return
    if item.case_id is not None:
        case = (await repository.cases_by_id(uow, [item.case_id])).get(item.case_id)
        if case is not None:
            case.status, case.closed_on, case.updated_at = "open", None, ctx.now
