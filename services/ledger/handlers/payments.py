"""Payments (from billing's `payment-received` events, REST and imports), their reversal
(a bounced cheque) and refunds of cash on account.

Allocation follows the domain rule (`allocation.allocate_payment`): explicit lines
first, the rest oldest due first, the remainder stays as unapplied cash on the
customer. An explicit line naming an invoice that was written off pays what is still
open on it and the rest is a recovery against the write-off (`payments.split_recoveries`:
it does not re-open the invoice or change the balance). A payment from billing naming an
invoice not booked yet is parked (handlers/parked.py), not refused. Every payment booked
is published as `payment-recorded`, what it paid as `payment-allocated`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from services.ledger.deps import LedgerDeps
from services.ledger.domain.allocation import AllocationResult, ExplicitAllocation, allocate_payment
from services.ledger.domain.payments import (CashSource, PaymentState, Recoverable, RecoverySplit, check_reversal,
                                             refund_sources, split_recoveries)
from services.ledger.domain.write_offs import record_recovery
from services.ledger.handlers.book import Book
from services.ledger.handlers.common import RECORDED_VIA, content_hash, dec, money
from services.ledger.handlers.postings import (allocated_events, apply_cash_on_account, applied_lines,
                                               journal_row, post, result_lines, settled_events)
from services.ledger.handlers.write_offs import write_off_model
from services.ledger.repository import book as book_repo
from services.ledger.repository import cases as cases_repo
from services.ledger.repository import cash as repo
from services.ledger.repository import invoices as invoice_repo
from services.ledger.repository import journal as journal_repo
from services.ledger.repository import parked as parked_repo
from services.ledger.repository.base import lock_customers
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import Conflict, NotFound, RuleError
from shared.events.ledger import (PaymentReceivedV1, PaymentRecordedV1, PaymentReversedV1, RefundIssuedV1,
                                  WriteOffRecoveredV1)
from shared.money import Money
from shared.wire import not_after


@dataclass(frozen=True)
class PaymentOutcome:
    payment_reference: str
    created: bool
    parked: bool = False


@dataclass(frozen=True)
class NewPayment:
    payload: PaymentReceivedV1
    ctx: Context
    amount: Money
    lines: list[tuple[str, Money]]
    hash: str

    @property
    def reference(self) -> str:
        return self.payload.payment_reference

    def recorded(self, applied: int, unapplied: int, recovered: int) -> PaymentRecordedV1:
        p, cur = self.payload, self.payload.currency
        return PaymentRecordedV1.model_construct(
            payment_reference=p.payment_reference, customer_id=p.customer_id, received_date=p.received_date,
            amount=self.amount.amount, currency=cur, method=p.method, applied_amount=dec(applied, cur),
            unapplied_amount=dec(unapplied, cur), recovered_amount=dec(recovered, cur),
            recorded_via=RECORDED_VIA.get(self.ctx.source, "api"))


def payment_hash(p: PaymentReceivedV1, amount: Money, lines: list[tuple[str, Money]]) -> str:
    return content_hash({"r": p.payment_reference, "c": p.customer_id, "d": p.received_date, "cur": p.currency,
                         "a": amount.minor, "m": p.method,
                         "l": [(n, m.minor) for n, m in lines] if p.allocations is not None else None})


def normalize_payment(p: PaymentReceivedV1, ctx: Context, future_days: int = 1) -> NewPayment:
    amount = money(p.amount, p.currency, "amount")
    not_after(p.received_date, ctx.today, future_days, "received_date", "a payment's received date")
    lines = [(line.invoice_number, money(line.amount, p.currency, f"allocations[{i}].amount"))
             for i, line in enumerate(p.allocations or [])]
    return NewPayment(p, ctx, amount, lines, payment_hash(p, amount, lines))


async def record_payments(deps: LedgerDeps, uow: UnitOfWork, items: list[tuple[PaymentReceivedV1, Context]], *,
                          park_unknown: bool = False) -> list[PaymentOutcome]:
    """Record payments in order, each with the context it came in.

    The same reference with the same content is a no-op, with other content a 409. With
    `park_unknown` (billing's events) a payment naming an invoice not booked yet is parked
    until it is; otherwise that is a 422."""
    normalized = [normalize_payment(p, ctx, deps.config.future_days) for p, ctx in items]
    async with uow:
        await lock_customers(uow, {n.payload.customer_id for n in normalized})  # before the key lookup
        references = [n.reference for n in normalized]
        stored = {**await parked_repo.hashes(uow, references), **await repo.payment_hashes(uow, references)}
        fresh: dict[str, NewPayment] = {}
        outcomes = []
        for n in normalized:
            seen = fresh[n.reference].hash if n.reference in fresh else stored.get(n.reference)
            if seen is not None:
                if seen != n.hash:
                    raise Conflict(f"payment {n.reference!r} is already recorded with different content: a payment "
                                   "reference is unique", "payment_reference", "payment.same_reference_other_content")
                outcomes.append(PaymentOutcome(n.reference, False))
                continue
            fresh[n.reference] = n
            outcomes.append(PaymentOutcome(n.reference, True))
        to_book = list(fresh.values())
        if park_unknown and to_book:
            parked = await _park_unknown(uow, to_book)
            to_book = [n for n in to_book if n.reference not in parked]
            outcomes = [PaymentOutcome(o.payment_reference, o.created, o.payment_reference in parked)
                        for o in outcomes]
        await book_payments(deps, uow, to_book)
        await uow.commit()
    return outcomes


async def _park_unknown(uow: UnitOfWork, payments: list[NewPayment]) -> set[str]:
    """Park the payments whose lines name invoices not booked yet; returns their references."""
    named = sorted({number for n in payments for number, _ in n.lines})
    if not named:
        return set()
    known = await invoice_repo.existing(uow, named)
    parked = set()
    for n in payments:
        missing = sorted({number for number, _ in n.lines if number not in known})
        if not missing:
            continue
        p = n.payload
        await parked_repo.park(uow, {
            "payment_reference": n.reference, "customer_id": p.customer_id, "received_date": p.received_date,
            "currency": p.currency, "amount_minor": n.amount.minor, "payload": p.model_dump_json(),
            "content_hash": n.hash, "correlation_id": n.ctx.correlation_id, "actor": n.ctx.actor[:100],
            "status": "parked", "parked_at": n.ctx.now}, missing)
        parked.add(n.reference)
    return parked


async def book_payments(deps: LedgerDeps, uow: UnitOfWork, payments: list[NewPayment]) -> None:
    """Book fresh payments in order (inside the caller's transaction). Plain payments are
    allocated in memory over the batch's customers and written with bulk statements; a
    payment that pays beyond an invoice's open amount (a recovery after write-off, or an
    error to report) takes the one-by-one path in its turn."""
    if not payments:
        return
    customers = sorted({n.payload.customer_id for n in payments})
    batch = await _Batch(deps).load(uow, customers)
    for n in payments:
        if batch.fits(n):
            batch.add(n)
            continue
        await batch.write(uow)
        await write_one(deps, uow, await plan_one(uow, n))
        await batch.load(uow, customers)
    await batch.write(uow)


class _Batch:
    """Plain payments of a batch, allocated in memory, written with bulk statements."""

    def __init__(self, deps: LedgerDeps) -> None:
        self.deps = deps
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
        p = n.payload
        explicit = [ExplicitAllocation(number, amount, i) for i, (number, amount) in enumerate(n.lines)]
        result = allocate_payment(n.amount, self.book.open_items(customer=p.customer_id), explicit or None)
        self.journal.append(journal_row(n.ctx, customer_id=p.customer_id, kind="payment",
                                        effective_date=p.received_date, currency=p.currency,
                                        amount_minor=n.amount.minor, balance_delta_minor=-n.amount.minor,
                                        reference=n.reference, lines=result_lines(result)))
        applied = self.book.apply(result, p.received_date, kind="payment", source_type="payment",
                                  source_ref=n.reference, journal_id=None, now=n.ctx.now)
        self.payments.append(_payment_row(n, result.applied.minor, result.unapplied.minor, 0))
        self.events.append((n.recorded(result.applied.minor, result.unapplied.minor, 0), n.ctx))
        self.events += [(e, n.ctx) for e in allocated_events(n.reference, p.customer_id, p.received_date, p.currency,
                                                              applied, result.unapplied.minor)]

    async def write(self, uow: UnitOfWork) -> None:
        if not self.payments:
            return
        await repo.insert_payments(uow, self.payments)
        ids = await journal_repo.insert_entries_returning_ids(uow, self.journal)
        by_ref = {row["reference"]: entry_id for row, entry_id in zip(self.journal, ids)}
        for row in self.book.rows:
            if row["journal_entry_id"] is None and row["kind"] == "payment":
                row["journal_entry_id"] = by_ref[row["source_ref"]]
        changes = await self.book.flush(uow, self.deps.config.thresholds, self.deps.clock.now())
        for event, ctx in self.events:
            uow.emit(event, correlation_id=ctx.correlation_id)
        for event in settled_events(changes):
            uow.emit(event)
        self.payments, self.journal, self.events = [], [], []


def _payment_row(n: NewPayment, applied: int, unapplied: int, recovered: int) -> dict:
    p = n.payload
    return {"payment_reference": p.payment_reference, "customer_id": p.customer_id,
            "received_date": p.received_date, "currency": p.currency, "amount_minor": n.amount.minor,
            "applied_minor": applied, "unapplied_minor": unapplied, "recovered_minor": recovered,
            "refunded_minor": 0, "method": p.method, "status": "received", "source": n.ctx.source,
            "content_hash": n.hash, "created_at": n.ctx.now}


@dataclass
class OnePayment:
    """A payment whose explicit lines go beyond an invoice's open amount, planned (read and
    decided, nothing written yet): what it allocates and what it recovers."""
    payment: NewPayment
    book: Book
    split: RecoverySplit
    receivable: Money
    result: AllocationResult | None


async def plan_one(uow: UnitOfWork, n: NewPayment) -> OnePayment:
    """Read and decide; raises a RuleError (naming the caller's line) before anything is
    written, so a parked payment that does not fit can be left parked."""
    p = n.payload
    book = await Book(p.customer_id).load_open(uow)
    lines = [(number, amount.minor) for number, amount in n.lines]
    named: dict[str, int] = {}
    for number, minor in lines:
        named[number] = named.get(number, 0) + minor
    beyond = [number for number, minor in named.items() if minor > book.open_of(number)]
    recoverable = {number: await _recoverable(uow, number) for number in beyond}
    split = split_recoveries(p.customer_id, p.currency, lines, {k: book.open_of(k) for k in named}, recoverable)
    receivable = n.amount - Money.from_minor(split.recovered_minor, p.currency)
    result = None
    if receivable.is_positive:
        result = allocate_payment(receivable, book.open_items(), list(split.explicit) or None)
    elif receivable.amount < 0:
        raise RuleError("the allocations exceed the payment", "allocations", "allocation.exceeds_payment")
    for number, write_off_id, minor in split.recoveries:  # the write-off's own rules, before writing
        record_recovery(write_off_model(await cases_repo.get_write_off(uow, write_off_id)),
                        Money.from_minor(minor, p.currency), p.received_date)
    return OnePayment(n, book, split, receivable, result)


async def _recoverable(uow: UnitOfWork, number: str) -> Recoverable | None:
    invoice = await invoice_repo.get(uow, number)
    if invoice is None:
        return None
    write_offs = tuple((w.id, w.amount_minor - w.recovered_minor) for w in await cases_repo.write_offs_of(uow, number)
                       if w.status == "approved" and w.amount_minor > w.recovered_minor)
    return Recoverable(invoice.customer_id, invoice.currency, write_offs)


async def write_one(deps: LedgerDeps, uow: UnitOfWork, plan: OnePayment) -> None:
    n, book, result = plan.payment, plan.book, plan.result
    p, ctx, cur = n.payload, n.ctx, n.payload.currency
    applied_minor = result.applied.minor if result else 0
    unapplied_minor = result.unapplied.minor if result else 0
    recovered_minor = plan.split.recovered_minor
    await repo.insert_payment(uow, _payment_row(n, applied_minor, unapplied_minor, recovered_minor))
    applied = []
    if plan.receivable.is_positive:
        entry = await post(uow, ctx, customer_id=p.customer_id, kind="payment", effective_date=p.received_date,
                           currency=cur, amount_minor=plan.receivable.minor,
                           balance_delta_minor=-plan.receivable.minor, reference=p.payment_reference,
                           lines=result_lines(result))
        applied = book.apply(result, p.received_date, kind="payment", source_type="payment",
                             source_ref=p.payment_reference, journal_id=entry, now=ctx.now)
    for number, write_off_id, minor in plan.split.recoveries:
        await post(uow, ctx, customer_id=p.customer_id, kind="write_off_recovery", effective_date=p.received_date,
                   currency=cur, amount_minor=minor, balance_delta_minor=0, reference=p.payment_reference,
                   invoice_number=number, lines={"write_off_id": write_off_id})
        await cases_repo.insert_recoveries(uow, [{"write_off_id": write_off_id, "payment_reference": p.payment_reference,
                                                  "amount_minor": minor, "effective_date": p.received_date,
                                                  "created_at": ctx.now}])
        await cases_repo.add_recovered(uow, write_off_id, minor)
        uow.emit(WriteOffRecoveredV1(invoice_number=number, customer_id=p.customer_id,
                                     payment_reference=p.payment_reference, received_date=p.received_date,
                                     amount=dec(minor, cur), currency=cur), correlation_id=ctx.correlation_id)
    changes = await book.flush(uow, deps.config.thresholds, ctx.now)
    uow.emit(n.recorded(applied_minor, unapplied_minor, recovered_minor), correlation_id=ctx.correlation_id)
    for event in allocated_events(p.payment_reference, p.customer_id, p.received_date, cur, applied,
                                  unapplied_minor):
        uow.emit(event, correlation_id=ctx.correlation_id)
    for event in settled_events(changes):
        uow.emit(event, correlation_id=ctx.correlation_id)


async def reverse_payment(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, reference: str, *, reason: str,
                          bounced: bool, reversed_date=None) -> dict:
    """Undo a payment: re-open everything its cash paid (directly or later as cash on
    account), take back its unapplied cash and recoveries; emits payment-reversed."""
    async with uow:
        payment = await repo.get_payment(uow, reference)
        if payment is None:
            raise NotFound(f"no payment {reference!r}")
        on = ctx.on(reversed_date)
        not_after(on, ctx.today, deps.config.future_days, "reversed_date", "a reversal")
        check_reversal(PaymentState(reference, payment.received_date, payment.status, payment.reversed_date,
                                    payment.refunded_minor), on)
        await lock_customers(uow, [payment.customer_id])
        cur = payment.currency
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
                               journal_id=entry_id, now=ctx.now) for it, m, when in reopen]
        for rec in await cases_repo.recoveries_of_payment(uow, reference):
            if rec.amount_minor > 0:
                await cases_repo.insert_recoveries(uow, [{"write_off_id": rec.write_off_id, "payment_reference": reference,
                                                          "amount_minor": -rec.amount_minor, "effective_date": on,
                                                          "created_at": ctx.now}])
                await cases_repo.add_recovered(uow, rec.write_off_id, -rec.amount_minor)
                await post(uow, ctx, customer_id=payment.customer_id, kind="write_off_recovery_reversal",
                           effective_date=on, currency=cur, amount_minor=rec.amount_minor, balance_delta_minor=0,
                           reference=reference, lines={"write_off_id": rec.write_off_id})
        await repo.update_payment(uow, reference, status="reversed", reversed_date=on, reversal_reason=reason[:500],
                                  unapplied_minor=0)
        await apply_cash_on_account(uow, ctx, book, cur)  # other cash on account pays what re-opened
        for event in settled_events(await book.flush(uow, deps.config.thresholds, ctx.now)):
            uow.emit(event)
        uow.emit(PaymentReversedV1(payment_reference=reference, customer_id=payment.customer_id, reversed_date=on,
                                   amount=dec(payment.amount_minor, cur), currency=cur, reason=reason,
                                   bounced=bounced, reopened=applied_lines(applied)))
        await uow.commit()
    return {"payment_reference": reference, "reversed_date": on, "reopened": applied_lines(applied)}


async def record_refund(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, *, refund_reference: str, customer_id: str,
                        amount, currency: str, refund_date=None, note: str | None = None) -> dict:
    """Pay back cash or credit on account (oldest source first). Raises the balance."""
    value = money(amount, currency, "amount")
    on = ctx.on(refund_date)
    not_after(on, ctx.today, deps.config.future_days, "refund_date", "a refund")
    # the date as given: the same request retried another day (no date: "today") is the same refund
    digest = content_hash({"r": refund_reference, "c": customer_id, "a": value.minor, "cur": currency,
                           "d": refund_date})
    async with uow:
        stored = await repo.get_refund(uow, refund_reference)
        if stored is not None:
            if stored.content_hash != digest:
                raise Conflict(f"refund {refund_reference!r} is already recorded with different content",
                               "refund_reference", "refund.same_reference_other_content")
            return {"refund_reference": refund_reference, "created": False}
        await lock_customers(uow, [customer_id])
        sources = [CashSource(s["type"], s["ref"], s["date"], s["unapplied"])
                   for s in await repo.unapplied_sources(uow, customer_id, currency)]
        used = []
        for source, take in refund_sources(sources, value.minor, on, currency):
            used.append({"type": source.type, "ref": source.ref, "amount_minor": take})
            await repo.add_to_source(uow, source.type, source.ref, unapplied=-take, refunded=take)
        await repo.insert_refund(uow, {"refund_reference": refund_reference, "customer_id": customer_id,
                                       "refund_date": on, "currency": currency, "amount_minor": value.minor,
                                       "sources": json.dumps(used), "note": note, "content_hash": digest,
                                       "created_at": ctx.now})
        await post(uow, ctx, customer_id=customer_id, kind="refund", effective_date=on, currency=currency,
                   amount_minor=value.minor, balance_delta_minor=value.minor, reference=refund_reference, lines=used)
        uow.emit(RefundIssuedV1(refund_reference=refund_reference, customer_id=customer_id, refund_date=on,
                                amount=value.amount, currency=currency))
        await uow.commit()
    return {"refund_reference": refund_reference, "created": True}
