"""Credit notes (红字发票/贷项): lower what the customer owes. Against an invoice they
reduce that invoice (up to its open amount); without one they are credit on account,
applied oldest due first like cash, the rest kept for the next invoice."""
from __future__ import annotations

from datetime import date

from services.ledger.deps import LedgerDeps
from services.ledger.domain.allocation import AllocationResult, ExplicitAllocation, allocate_payment
from services.ledger.domain.disputes import DisputedItem, dispute_credit_plan
from services.ledger.handlers.book import Book
from services.ledger.handlers.common import content_hash, dec, money
from services.ledger.handlers.postings import post, settled_events
from services.ledger.repository import cash as repo
from services.ledger.repository import invoices as invoice_repo
from services.ledger.repository.base import lock_customers
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import Conflict, RuleError
from shared.events.ledger import CreditNoteIssuedV1
from shared.wire import not_after


async def record_credit_note(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, *, credit_note_number: str, customer_id: str,
                             amount, currency: str, reason: str, invoice_number: str | None = None,
                             issue_date: date | None = None, dispute_id: str | None = None,
                             disputed_part: bool = False) -> bool:
    """Returns False when the same credit note was already recorded (a no-op)."""
    value = money(amount, currency, "amount")
    on = ctx.on(issue_date)
    not_after(on, ctx.today, deps.config.future_days, "issue_date", "a credit note")
    if not reason or not reason.strip():
        raise RuleError("a credit note needs a reason", "reason", "credit_note.reason")
    # the date as given: the same request retried another day (no date: "today") is the same note
    digest = content_hash({"n": credit_note_number, "c": customer_id, "i": invoice_number, "d": issue_date,
                           "a": value.minor, "cur": currency, "r": reason.strip()})
    async with uow:
        stored = await repo.get_credit_note(uow, credit_note_number)
        if stored is not None:
            if stored.content_hash != digest:
                raise Conflict(f"credit note {credit_note_number!r} is already recorded with different content: a "
                               "credit note number is unique", "credit_note_number",
                               "credit_note.same_number_other_content")
            return False
        await lock_customers(uow, [customer_id])
        book = Book(customer_id)
        if invoice_number is not None:
            invoice = await invoice_repo.get(uow, invoice_number)
            if invoice is None or invoice.customer_id != customer_id:
                raise RuleError(f"no invoice {invoice_number!r} for customer {customer_id!r}", "invoice_number", "credit_note.unknown_invoice")
            if invoice.currency != currency:
                raise RuleError(f"the invoice is in {invoice.currency}", "currency", "credit_note.currency")
            if on < invoice.issue_date:
                raise RuleError("a credit note cannot precede its invoice", "issue_date", "credit_note.date")
            await book.load_invoice(uow, invoice_number)
            if value.minor > book.open_of(invoice_number):
                raise RuleError(f"exceeds the open amount {dec(book.open_of(invoice_number), currency)} of "
                              f"invoice {invoice_number!r}", "amount", "credit_note.exceeds_open")
            result = allocate_payment(value, book.open_items(invoice=invoice_number),
                                      [ExplicitAllocation(invoice_number, value)])
        else:
            await book.load_open(uow)
            result = allocate_payment(value, book.open_items(currency))
        plan = _plan(book, result, disputed_part)
        entry = await post(uow, ctx, customer_id=customer_id, kind="credit_note", effective_date=on,
                           currency=currency, amount_minor=value.minor, balance_delta_minor=-value.minor,
                           reference=credit_note_number, invoice_number=invoice_number,
                           lines=[{"invoice_number": k[0], "seq": k[1], "amount": format(dec(m, currency), "f")}
                                  for k, m, _ in plan])
        now = ctx.now
        for key, minor, disputed in plan:
            book.reduce(key, minor, on, kind="credit_note", source_type="credit_note", source_ref=credit_note_number,
                        journal_id=entry, now=now, disputed_part=disputed)
        await repo.insert_credit_note(uow, {
            "credit_note_number": credit_note_number, "customer_id": customer_id, "invoice_number": invoice_number,
            "issue_date": on, "currency": currency, "amount_minor": value.minor,
            "applied_minor": result.applied.minor, "unapplied_minor": result.unapplied.minor, "refunded_minor": 0,
            "reason": reason.strip()[:500], "dispute_id": dispute_id, "source": ctx.source, "content_hash": digest,
            "created_at": ctx.now})
        if invoice_number is not None:
            await invoice_repo.add_amounts(uow, invoice_number, credited=result.applied.minor)
        for event in settled_events(await book.flush(uow, deps.config.thresholds, ctx.now)):
            uow.emit(event)
        uow.emit(CreditNoteIssuedV1(credit_note_number=credit_note_number, customer_id=customer_id,
                                    invoice_number=invoice_number, issue_date=on, amount=value.amount,
                                    currency=currency, reason=reason.strip()))
        await uow.commit()
    return True


def _plan(book: Book, result: AllocationResult, disputed_part: bool) -> list[tuple[tuple[str, int], int, bool]]:
    """What the credit reduces: a dispute's own credit settles the disputed part first;
    any other credit follows the allocation rule (undisputed part first)."""
    if not disputed_part:
        return [(a.key, a.amount.minor, False) for a in result.allocations]
    items = [DisputedItem(it.key, it.due_date, it.open, it.disputed) for it in book.items.values()]
    return dispute_credit_plan(items, result.applied.minor)
