"""Moving due dates: the receipt of an invoice on RECEIPT+N terms (REST, finance or the
delivery system) and a term extension approved in credit (`term-extension-approved`).

Each move updates the instalments (due date, where the aging clock stands), the invoice's
due date, appends the history row (previous date kept) and publishes
`invoice-due-dates-changed`, all in one transaction. A move is applied once per
(invoice, reason, reference): a redelivered extension, or the same receipt sent again,
changes nothing.
"""
from __future__ import annotations

import logging
from datetime import date

from services.ledger.deps import LedgerDeps
from services.ledger.domain.due_dates import DueItem, DueMove, check_receipt_date, extend, on_receipt
from services.ledger.domain.terms import parse_terms
from services.ledger.repository import due_dates as repo
from services.ledger.repository import invoices as invoice_repo
from services.ledger.repository.base import lock_customers
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import Conflict, NotFound
from shared.events.credit import TermExtensionApprovedV1
from shared.events.ledger import DueDateChange, InvoiceDueDatesChangedV1
from shared.wire import not_after

log = logging.getLogger(__name__)

RECEIPT, TERM_EXTENSION = "receipt", "term_extension"


def _item(r) -> DueItem:
    return DueItem(r.id, r.seq, r.due_date, r.open_minor, r.disputed_minor, r.last_threshold_index)


async def _apply(uow: UnitOfWork, ctx: Context, invoice, moves: list[DueMove], *, reason: str, reference: str,
                 effective: date) -> None:
    if not moves:
        return
    await repo.move(uow, [{"i": m.id, "due": m.due_date, "last": m.last_index, "next": m.next_threshold}
                          for m in moves], [invoice.invoice_number])
    await repo.insert_changes(uow, [
        {"instalment_id": m.id, "invoice_number": invoice.invoice_number, "customer_id": invoice.customer_id,
         "previous_due_date": m.previous, "due_date": m.due_date, "reason": reason, "reference": reference,
         "effective_date": effective, "created_at": ctx.now} for m in moves])
    row = await invoice_repo.get(uow, invoice.invoice_number)
    uow.emit(InvoiceDueDatesChangedV1(
        invoice_number=invoice.invoice_number, customer_id=invoice.customer_id, reason=reason, reference=reference,
        effective_date=effective, due_date=row.due_date,
        instalments=[DueDateChange(seq=m.seq, due_date=m.due_date, previous_due_date=m.previous) for m in moves]),
        correlation_id=ctx.correlation_id)


async def record_receipt(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, number: str, *, received: date,
                         proof: str | None) -> bool:
    """The customer received the invoice on `received` (signed for, `proof`). Returns False
    when that receipt was recorded already; a different one is a 409."""
    async with uow:
        invoice = await invoice_repo.get(uow, number)
        if invoice is None:
            raise NotFound(f"no invoice {number!r}")
        check_receipt_date(received, invoice.issue_date, "received_date")
        not_after(received, ctx.today, deps.config.future_days, "received_date", "a receipt")
        if invoice.receipt_date is not None:
            same_proof = proof is None or invoice.receipt_proof in (None, proof)
            if invoice.receipt_date != received or not same_proof:
                raise Conflict(f"invoice {number!r} was received on {invoice.receipt_date.isoformat()}"
                               f"{f' (proof {invoice.receipt_proof})' if invoice.receipt_proof else ''}: a receipt is "
                               "recorded once", "received_date", "receipt.already_recorded")
            if proof is None or invoice.receipt_proof == proof:
                return False
        await lock_customers(uow, [invoice.customer_id])
        await repo.set_receipt(uow, number, received, proof or invoice.receipt_proof)
        terms = parse_terms(invoice.payment_terms) if invoice.payment_terms else None
        items = [_item(r) for r in await repo.items_of(uow, [number])]
        moves = on_receipt(terms, received, items, ctx.today, deps.config.thresholds)
        await _apply(uow, ctx, invoice, moves, reason=RECEIPT, reference=proof or received.isoformat(),
                     effective=received)
        await uow.commit()
    return True


async def extend_terms(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, e: TermExtensionApprovedV1) -> None:
    """Credit approved a term extension: the named invoices' open instalments are due later.
    An invoice of another customer, or not in the ledger, is skipped (logged): the fact
    cannot move what it does not describe."""
    async with uow:
        await lock_customers(uow, [e.customer_id])
        numbers = sorted(set(e.invoice_numbers))
        invoices = await invoice_repo.by_numbers(uow, numbers)
        done = await repo.already_moved(uow, numbers, TERM_EXTENSION, e.application_id)
        items: dict[str, list[DueItem]] = {}
        for r in await repo.items_of(uow, [n for n in numbers if n in invoices and n not in done]):
            items.setdefault(r.invoice_number, []).append(_item(r))
        for number in numbers:
            invoice = invoices.get(number)
            if invoice is None or invoice.customer_id != e.customer_id:
                log.warning("term extension %s names invoice %r, not a ledger invoice of customer %r: skipped",
                            e.application_id, number, e.customer_id)
                continue
            if number in done:
                continue
            moves = extend(e.extra_days, items.get(number, []), ctx.today, deps.config.thresholds)
            await _apply(uow, ctx, invoice, moves, reason=TERM_EXTENSION, reference=e.application_id,
                         effective=e.effective_date)
        await uow.commit()
