"""Payments (from billing's `payment-received` events, REST and imports), their reversal
(a bounced cheque) and refunds of cash on account.

Allocation follows the domain rule (`allocation.allocate_payment`): explicit lines
first, the rest oldest due first, the remainder stays as unapplied cash on the
customer. An explicit line naming an invoice that was written off pays what is still
open on it and the rest is a recovery against the write-off (it does not re-open the
invoice or change the balance: the written-off amount left the receivable for good).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from services.ledger.domain.allocation import AllocationResult, ExplicitAllocation, allocate_payment
from services.ledger.domain.errors import LedgerRuleError
from services.ledger.domain.write_offs import record_recovery
from services.ledger.handlers.book import Book
from services.ledger.handlers.common import (Context, content_hash, dec, invalid, money, renumber_allocation_field,
                                             translated, utcnow)
from services.ledger.handlers.postings import (allocated_events, apply_cash_on_account, applied_lines,
                                               journal_row, post, result_lines, settled_events)
from services.ledger.handlers.write_offs import write_off_model
from services.ledger.repository import book as book_repo
from services.ledger.repository import cases as cases_repo
from services.ledger.repository import cash as repo
from services.ledger.repository import invoices as invoice_repo
from services.ledger.repository import journal as journal_repo
from services.ledger.repository.base import lock_customers
from shared.db import UnitOfWork
from shared.errors import Conflict, NotFound
from shared.events.ledger import PaymentReceivedV1, PaymentReversedV1, RefundIssuedV1, WriteOffRecoveredV1
from shared.money import Money


@dataclass(frozen=True)
class PaymentOutcome:
    payment_reference: str
    created: bool


@dataclass(frozen=True)
class NewPayment:
    payload: PaymentReceivedV1
    amount: Money
    lines: list[tuple[str, Money]]
    hash: str

    @property
    def reference(self) -> str:
        return self.payload.payment_reference


def payment_hash(p: PaymentReceivedV1, amount: Money, lines: list[tuple[str, Money]]) -> str:
    return content_hash({"r": p.payment_reference, "c": p.customer_id, "d": p.received_date, "cur": p.currency,
                         "a": amount.minor, "m": p.method,
                         "l": [(n, m.minor) for n, m in lines] if p.allocations is not None else None})


def normalize_payment(p: PaymentReceivedV1) -> NewPayment:
    amount = money(p.amount, p.currency, "amount")
    lines = [(line.invoice_number, money(line.amount, p.currency, f"allocations[{i}].amount"))
             for i, line in enumerate(p.allocations or [])]
    return NewPayment(p, amount, lines, payment_hash(p, amount, lines))


@translated
async def record_payment(uow: UnitOfWork, p: PaymentReceivedV1, ctx: Context, *, publish: bool) -> PaymentOutcome:
    return (await record_payments(uow, [p], ctx, publish=publish))[0]


@translated
async def record_payments(uow: UnitOfWork, payloads: list[PaymentReceivedV1], ctx: Context, *,
                          publish: bool) -> list[PaymentOutcome]:
    """Record payments in order; `publish` emits `payment-received` (REST, imports).

    The same reference with the same content is a no-op, with other content a 409. Plain
    payments are allocated in memory over the batch's customers and written with bulk
    statements; a payment that pays beyond an invoice's open amount (a recovery after
    write-off, or an error to report) takes the one-by-one path in its turn."""
    normalized = [normalize_payment(p) for p in payloads]
    async with uow:
        await lock_customers(uow, {n.payload.customer_id for n in normalized})  # before the key lookup
        stored = await repo.payment_hashes(uow, [n.reference for n in normalized])
        fresh: dict[str, NewPayment] = {}
        outcomes = []
        for n in normalized:
            seen = fresh[n.reference].hash if n.reference in fresh else stored.get(n.reference)
            if seen is not None:
                if seen != n.hash:
                    raise Conflict(f"payment {n.reference!r} is already recorded with different content",
                                   errors=[{"field": "payment_reference",
                                            "rule": "payment.same_reference_other_content",
                                            "message": "a payment reference is unique"}])
                outcomes.append(PaymentOutcome(n.reference, False))
                continue
            fresh[n.reference] = n
            outcomes.append(PaymentOutcome(n.reference, True))
        if fresh:
            customers = sorted({n.payload.customer_id for n in fresh.values()})
            batch = await _Batch(ctx, publish).load(uow, customers)
            for n in fresh.values():
                if batch.fits(n):
                    batch.add(n)
                    continue
                await batch.write(uow)
                await _record_one(uow, ctx, n, publish)
                await batch.load(uow, customers)
            await batch.write(uow)
        await uow.commit()
    return outcomes


class _Batch:
    """Plain payments of a batch, allocated in memory, written with bulk statements."""

    def __init__(self, ctx: Context, publish: bool) -> None:
        self.ctx, self.publish = ctx, publish
        self.book = Book(None)
        self.payments: list[dict] = []
        self.journal: list[dict] = []
        self.events: list = []

    async def load(self, uow: UnitOfWork, customers) -> "_Batch":
        self.book = await Book(None).load_open(uow, customers)
        return self

    def fits(self, n: NewPayment) -> bool:
        """No explicit line goes beyond what is open on its invoice (else: recovery or error)."""
        taken: dict[str, int] = {}
        for number, amount in n.lines:
            taken[number] = taken.get(number, 0) + amount.minor
            if taken[number] > self.book.open_of(number, n.payload.customer_id):
                return False
        return True

    def add(self, n: NewPayment) -> None:
        p, now = n.payload, utcnow()
        explicit = [ExplicitAllocation(number, amount) for number, amount in n.lines]
        result = allocate_payment(n.amount, self.book.open_items(customer=p.customer_id), explicit or None)
        self.journal.append(journal_row(self.ctx, customer_id=p.customer_id, kind="payment",
                                        effective_date=p.received_date, currency=p.currency,
                                        amount_minor=n.amount.minor, balance_delta_minor=-n.amount.minor,
                                        reference=n.reference, lines=result_lines(result)))
        applied = self.book.apply(result, p.received_date, kind="payment", source_type="payment",
                                  source_ref=n.reference, journal_id=None, now=now)
        self.payments.append(_payment_row(self.ctx, n, result.applied.minor, result.unapplied.minor, 0, now))
        if self.publish:
            self.events.append(p)
        self.events += allocated_events(n.reference, p.customer_id, p.received_date, p.currency, applied,
                                        result.unapplied.minor)

    async def write(self, uow: UnitOfWork) -> None:
        if not self.payments:
            return
        await repo.insert_payments(uow, self.payments)
        ids = await journal_repo.insert_entries_returning_ids(uow, self.journal)
        by_ref = {row["reference"]: entry_id for row, entry_id in zip(self.journal, ids)}
        for row in self.book.rows:
            if row["journal_entry_id"] is None and row["kind"] == "payment":
                row["journal_entry_id"] = by_ref[row["source_ref"]]
        changes = await self.book.flush(uow, self.ctx.settings.thresholds)
        for event in [*self.events, *settled_events(changes)]:
            uow.emit(event)
        self.payments, self.journal, self.events = [], [], []


def _payment_row(ctx: Context, n: NewPayment, applied: int, unapplied: int, recovered: int, now) -> dict:
    p = n.payload
    return {"payment_reference": p.payment_reference, "customer_id": p.customer_id,
            "received_date": p.received_date, "currency": p.currency, "amount_minor": n.amount.minor,
            "applied_minor": applied, "unapplied_minor": unapplied, "recovered_minor": recovered,
            "refunded_minor": 0, "method": p.method, "status": "received", "source": ctx.source,
            "content_hash": n.hash, "created_at": now}


async def _record_one(uow: UnitOfWork, ctx: Context, n: NewPayment, publish: bool) -> None:
    """One payment whose explicit lines go beyond an invoice's open amount: the excess is
    a recovery against the invoice's approved write-offs, or the request is refused."""
    p = n.payload
    book = await Book(p.customer_id).load_open(uow)
    explicit, recoveries, positions = await _split_recoveries(uow, book, p, n.lines)
    receivable = n.amount - sum((m for _, _, m in recoveries), Money.zero(p.currency))
    result = None
    if receivable.is_positive:
        try:
            result = allocate_payment(receivable, book.open_items(), explicit or None)
        except LedgerRuleError as error:
            raise renumber_allocation_field(error, positions)
    elif receivable.amount < 0:
        raise invalid("allocations", "the allocations exceed the payment", "allocation.exceeds_payment")
    if publish:
        uow.emit(p)
    await _book_payment(uow, ctx, book, n, receivable, result, recoveries)


def _rule(error: LedgerRuleError, rename: dict[str, str]) -> LedgerRuleError:
    error.field = rename.get(error.field, error.field)
    return error


async def _split_recoveries(uow: UnitOfWork, book: Book, p: PaymentReceivedV1, lines: list[tuple[str, Money]]):
    """Explicit lines -> (lines for the allocation rule, recoveries, their positions).
    What a line names beyond the invoice's open amount goes to its approved write-offs."""
    explicit, recoveries, positions = [], [], []
    remaining: dict[str, int] = {}
    for i, (number, amount) in enumerate(lines):
        if number not in remaining:
            remaining[number] = book.open_of(number)
        receivable = min(amount.minor, remaining[number])
        excess = amount.minor - receivable
        if excess:
            invoice = await invoice_repo.get(uow, number)
            if invoice is None or invoice.customer_id != p.customer_id:
                raise invalid(f"allocations[{i}].invoice_number", f"no invoice {number!r} for customer "
                              f"{p.customer_id!r}", "allocation.unknown_invoice")
            if invoice.currency != p.currency:
                raise invalid(f"allocations[{i}].amount", f"invoice {number!r} is in {invoice.currency}, the payment "
                              f"in {p.currency}", "allocation.currency")
            recoverable = [w for w in await cases_repo.write_offs_of(uow, number)
                           if w.status == "approved" and w.amount_minor > w.recovered_minor]
            left = sum(w.amount_minor - w.recovered_minor for w in recoverable) - sum(
                m.minor for n, _, m in recoveries if n == number)
            if not recoverable or excess > left:
                what = "open" if not recoverable else "open or recoverable after write-off"
                raise invalid(f"allocations[{i}].amount", f"{dec(amount.minor, p.currency)} exceeds what is {what} "
                              f"on invoice {number!r} ({dec(receivable + max(left, 0), p.currency)})",
                              "allocation.exceeds_open")
            for w in recoverable:  # oldest write-off first
                share = min(excess, w.amount_minor - w.recovered_minor - sum(
                    m.minor for _, wid, m in recoveries if wid == w.id))
                if share > 0:
                    recoveries.append((number, w.id, Money.from_minor(share, p.currency)))
                    excess -= share
        remaining[number] -= receivable
        if receivable:
            explicit.append(ExplicitAllocation(number, Money.from_minor(receivable, p.currency)))
            positions.append(i)
    return explicit, recoveries, positions


async def _book_payment(uow: UnitOfWork, ctx: Context, book: Book, n: NewPayment, receivable: Money,
                        result: AllocationResult | None, recoveries: list) -> None:
    p, amount, now = n.payload, n.amount, utcnow()
    applied_minor = result.applied.minor if result else 0
    unapplied_minor = result.unapplied.minor if result else 0
    await repo.insert_payment(uow, _payment_row(ctx, n, applied_minor, unapplied_minor,
                                                amount.minor - receivable.minor, now))
    applied = []
    if receivable.is_positive:
        entry = await post(uow, ctx, customer_id=p.customer_id, kind="payment", effective_date=p.received_date,
                           currency=p.currency, amount_minor=receivable.minor,
                           balance_delta_minor=-receivable.minor, reference=p.payment_reference,
                           lines=result_lines(result))
        applied = book.apply(result, p.received_date, kind="payment", source_type="payment",
                             source_ref=p.payment_reference, journal_id=entry, now=now)
    for number, write_off_id, recovered in recoveries:
        row = await cases_repo.get_write_off(uow, write_off_id)
        try:
            record_recovery(write_off_model(row), recovered, p.received_date)  # the domain's checks
        except LedgerRuleError as error:
            raise _rule(error, {"date": "received_date", "amount": "amount"})
        await post(uow, ctx, customer_id=p.customer_id, kind="write_off_recovery", effective_date=p.received_date,
                   currency=p.currency, amount_minor=recovered.minor, balance_delta_minor=0,
                   reference=p.payment_reference, invoice_number=number, lines={"write_off_id": write_off_id})
        await cases_repo.insert_recoveries(uow, [{"write_off_id": write_off_id, "payment_reference": p.payment_reference,
                                                  "amount_minor": recovered.minor, "effective_date": p.received_date,
                                                  "created_at": now}])
        await cases_repo.add_recovered(uow, write_off_id, recovered.minor)
        uow.emit(WriteOffRecoveredV1(invoice_number=number, customer_id=p.customer_id,
                                     payment_reference=p.payment_reference, received_date=p.received_date,
                                     amount=recovered.amount, currency=p.currency))
    changes = await book.flush(uow, ctx.settings.thresholds)
    for event in allocated_events(p.payment_reference, p.customer_id, p.received_date, p.currency, applied,
                                  unapplied_minor):
        uow.emit(event)
    for event in settled_events(changes):
        uow.emit(event)


@translated
async def reverse_payment(uow: UnitOfWork, reference: str, ctx: Context, *, reason: str, bounced: bool,
                          reversed_date=None) -> dict:
    """Undo a payment: re-open everything its cash paid (directly or later as cash on
    account), take back its unapplied cash and recoveries; emits payment-reversed."""
    async with uow:
        payment = await repo.get_payment(uow, reference)
        if payment is None:
            raise NotFound(f"no payment {reference!r}")
        if payment.status == "reversed":
            raise Conflict(f"payment {reference!r} was already reversed on {payment.reversed_date}",
                           errors=[{"field": "payment_reference", "rule": "payment.already_reversed",
                                    "message": "a payment is reversed once"}])
        if payment.refunded_minor:
            raise Conflict(f"part of payment {reference!r} was refunded; reverse the refund first",
                           errors=[{"field": "payment_reference", "rule": "payment.refunded",
                                    "message": "cash already refunded cannot bounce"}])
        on = ctx.on(reversed_date)
        if on < payment.received_date:
            raise invalid("reversed_date", "a payment cannot be reversed before it was received",
                          "payment.reversal_date")
        await lock_customers(uow, [payment.customer_id])
        now, cur = utcnow(), payment.currency
        paid: dict[int, list] = {}
        for row in await book_repo.of_source(uow, "payment", reference):
            entry = paid.setdefault(row.instalment_id, [0, row.effective_date])
            entry[0] += row.amount_minor
            entry[1] = max(entry[1], row.effective_date)
        book = Book(payment.customer_id)
        await book.load_ids(uow, [i for i, (m, _) in paid.items() if m > 0])
        receivable = payment.amount_minor - payment.recovered_minor
        by_id = {it.id: it for it in book.items.values()}
        reopen = [(by_id[i], m, max(on, last)) for i, (m, last) in sorted(paid.items()) if m > 0]
        entry_id = await post(uow, ctx, customer_id=payment.customer_id, kind="payment_reversal", effective_date=on,
                              currency=cur, amount_minor=receivable, balance_delta_minor=receivable,
                              reference=reference, lines={"reason": reason, "bounced": bounced, "reopened": [
                                  {"invoice_number": it.invoice_number, "seq": it.seq,
                                   "amount": format(dec(m, cur), "f")} for it, m, _ in reopen]})
        applied = [book.reopen(it.key, m, when, kind="reversal", source_type="payment", source_ref=reference,
                               journal_id=entry_id, now=now) for it, m, when in reopen]
        for rec in await cases_repo.recoveries_of_payment(uow, reference):
            if rec.amount_minor > 0:
                await cases_repo.insert_recoveries(uow, [{"write_off_id": rec.write_off_id, "payment_reference": reference,
                                                          "amount_minor": -rec.amount_minor, "effective_date": on,
                                                          "created_at": now}])
                await cases_repo.add_recovered(uow, rec.write_off_id, -rec.amount_minor)
                await post(uow, ctx, customer_id=payment.customer_id, kind="write_off_recovery_reversal",
                           effective_date=on, currency=cur, amount_minor=rec.amount_minor, balance_delta_minor=0,
                           reference=reference, lines={"write_off_id": rec.write_off_id})
        await repo.update_payment(uow, reference, status="reversed", reversed_date=on, reversal_reason=reason[:500],
                                  unapplied_minor=0)
        await apply_cash_on_account(uow, ctx, book, cur)  # other cash on account pays what re-opened
        for event in settled_events(await book.flush(uow, ctx.settings.thresholds)):
            uow.emit(event)
        uow.emit(PaymentReversedV1(payment_reference=reference, customer_id=payment.customer_id, reversed_date=on,
                                   amount=dec(payment.amount_minor, cur), currency=cur, reason=reason,
                                   bounced=bounced, reopened=applied_lines(applied)))
        await uow.commit()
    return {"payment_reference": reference, "reversed_date": on, "reopened": applied_lines(applied)}


@translated
async def record_refund(uow: UnitOfWork, ctx: Context, *, refund_reference: str, customer_id: str, amount,
                        currency: str, refund_date=None, note: str | None = None) -> dict:
    """Pay back cash or credit on account (oldest source first). Raises the balance."""
    value = money(amount, currency, "amount")
    on = ctx.on(refund_date)
    # the date as given: the same request retried another day (no date: "today") is the same refund
    digest = content_hash({"r": refund_reference, "c": customer_id, "a": value.minor, "cur": currency,
                           "d": refund_date})
    async with uow:
        stored = await repo.get_refund(uow, refund_reference)
        if stored is not None:
            if stored.content_hash != digest:
                raise Conflict(f"refund {refund_reference!r} is already recorded with different content")
            return {"refund_reference": refund_reference, "created": False}
        await lock_customers(uow, [customer_id])
        sources = [s for s in await repo.unapplied_sources(uow, customer_id, currency) if s["date"] <= on]
        available = sum(s["unapplied"] for s in sources)
        if value.minor > available:
            raise invalid("amount", f"exceeds the unapplied cash on account on {on} "
                          f"({dec(available, currency)} {currency})", "refund.exceeds_unapplied")
        left, used = value.minor, []
        for src in sources:
            take = min(left, src["unapplied"])
            if take:
                used.append({"type": src["type"], "ref": src["ref"], "amount_minor": take})
                await repo.add_to_source(uow, src["type"], src["ref"], unapplied=-take, refunded=take)
                left -= take
        await repo.insert_refund(uow, {"refund_reference": refund_reference, "customer_id": customer_id,
                                       "refund_date": on, "currency": currency, "amount_minor": value.minor,
                                       "sources": json.dumps(used), "note": note, "content_hash": digest,
                                       "created_at": utcnow()})
        await post(uow, ctx, customer_id=customer_id, kind="refund", effective_date=on, currency=currency,
                   amount_minor=value.minor, balance_delta_minor=value.minor, reference=refund_reference, lines=used)
        uow.emit(RefundIssuedV1(refund_reference=refund_reference, customer_id=customer_id, refund_date=on,
                                amount=value.amount, currency=currency))
        await uow.commit()
    return {"refund_reference": refund_reference, "created": True}
