"""Invoices: one handler for billing's `invoice-issued` events, the REST API and imports.

`record_invoices` takes a batch (a fetched Kafka batch, one REST call, an import file),
each invoice with the context it came in: it validates every invoice with the domain
rules first (nothing is written if one is defective), finds the numbers already stored
in one query, and inserts invoices, instalments and journal rows with bulk statements.
The same number with the same content is a no-op (billing's resend is harmless); with
different content it is a 409 (REST) / dead letter (event). Each invoice booked is
published once as `invoice-recorded`, the fact the other services build on; payments
parked while waiting for it are applied in the same transaction.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from services.ledger.deps import LedgerDeps
from services.ledger.domain.due_dates import check_receipt_date
from services.ledger.domain.invoices import BookedSchedule, book_schedule, check_large_order
from services.ledger.domain.sweep import next_threshold_date
from services.ledger.domain.terms import known_due
from services.ledger.handlers import parked
from services.ledger.handlers.book import Book
from services.ledger.handlers.common import RECORDED_VIA, fields_hash, money
from services.ledger.handlers.postings import apply_cash_on_account, journal_row, settled_events
from services.ledger.repository import cash as cash_repo
from services.ledger.repository import invoices as repo
from services.ledger.repository import journal as journal_repo
from services.ledger.repository.base import lock_customers
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import Conflict
from shared.events.ledger import InvoiceIssuedV1, InvoiceRecordedV1, RecordedInstalment
from shared.money import Money
from shared.wire import not_after

REFS = ("contract_ref", "delivery_ref", "order_ref", "region", "product_line", "customer_type", "salesperson")


@dataclass(frozen=True)
class NewInvoice:
    payload: InvoiceIssuedV1
    ctx: Context
    booked: BookedSchedule
    amount_minor: int
    hash: str
    flags: tuple[str, ...] = ()  # what a rule found to tell finance about (e.g. a large order's schedule)

    @property
    def number(self) -> str:
        return self.payload.invoice_number

    @property
    def customer_id(self) -> str:
        return self.payload.customer_id

    def recorded(self) -> InvoiceRecordedV1:
        """The fact as booked. Built without re-validation (on the ingest path, thousands a
        second): every value here was validated by `normalize`."""
        p = self.payload
        return InvoiceRecordedV1.model_construct(
            invoice_number=p.invoice_number, customer_id=p.customer_id, issue_date=p.issue_date,
            due_date=known_due(self.booked.due_date), payment_terms=self.booked.terms_code,
            shipment_date=p.shipment_date, amount=Money.from_minor(self.amount_minor, p.currency).amount,
            currency=p.currency,
            instalments=[RecordedInstalment.model_construct(seq=line.seq, due_date=known_due(line.due_date),
                                                            amount=line.amount.amount)
                         for line in self.booked.instalments],
            **{k: getattr(p, k) for k in REFS}, bill_to=p.bill_to, flags=list(self.flags),
            recorded_via=RECORDED_VIA.get(self.ctx.source, "api"))


def normalize(deps: LedgerDeps, p: InvoiceIssuedV1, ctx: Context) -> NewInvoice:
    """Validate one invoice with the domain rules; errors name the payload's fields."""
    amount = money(p.amount, p.currency, "amount")
    not_after(p.issue_date, ctx.today, deps.config.invoice_future_days, "issue_date", "an invoice's issue date")
    if p.receipt_date is not None:
        check_receipt_date(p.receipt_date, p.issue_date)
        not_after(p.receipt_date, ctx.today, deps.config.future_days, "receipt_date", "a receipt")
    booked = book_schedule(amount, p.issue_date, due_date=p.due_date, payment_terms=p.payment_terms,
                           shipment_date=p.shipment_date, receipt_date=p.receipt_date,
                           instalments=[(line.due_date, line.amount) for line in p.instalments or []])
    flags = tuple(check_large_order(amount, booked.instalments, deps.config.large_orders))
    digest = fields_hash(p.invoice_number, p.customer_id, p.issue_date, booked.due_date, booked.terms_code,
                         p.shipment_date, p.currency, amount.minor,
                         *((p.receipt_date,) if p.receipt_date else ()),  # so hashes stored before it still match
                         tuple((x.due_date, x.amount.minor) for x in booked.instalments) if p.instalments else None,
                         *(getattr(p, k) for k in REFS),
                         *((p.bill_to.model_dump_json(),) if p.bill_to else ()))
    return NewInvoice(p, ctx, booked, amount.minor, digest, flags)


@dataclass(frozen=True)
class InvoiceOutcome:
    invoice_number: str
    created: bool


async def record_invoices(deps: LedgerDeps, uow: UnitOfWork,
                          items: list[tuple[InvoiceIssuedV1, Context]]) -> list[InvoiceOutcome]:
    """Record a batch of invoices, each with the context it came in."""
    normalized = [normalize(deps, p, ctx) for p, ctx in items]  # every defect refuses the whole batch
    async with uow:
        # Lock first: two copies of one invoice in flight (billing's resend racing our REST
        # call) then see each other instead of colliding on the primary key.
        await lock_customers(uow, {n.customer_id for n in normalized})
        stored = await repo.existing(uow, [n.number for n in normalized])
        fresh: dict[str, NewInvoice] = {}
        outcomes = []
        for n in normalized:
            seen = fresh.get(n.number) or stored.get(n.number)
            if seen is not None:
                if (seen.hash if isinstance(seen, NewInvoice) else seen.content_hash) != n.hash:
                    raise Conflict(f"invoice {n.number!r} is already recorded with different content: an invoice "
                                   "number is unique; resend the same content or correct it with a credit note",
                                   "invoice_number", "invoice.same_number_other_content")
                outcomes.append(InvoiceOutcome(n.number, False))
                continue
            fresh[n.number] = n
            outcomes.append(InvoiceOutcome(n.number, True))
        if fresh:
            await _insert(deps, uow, list(fresh.values()))
            for n in fresh.values():
                uow.emit(n.recorded(), correlation_id=n.ctx.correlation_id)
            await parked.apply_waiting(deps, uow, list(fresh))
        await uow.commit()
    return outcomes


async def _insert(deps: LedgerDeps, uow: UnitOfWork, fresh: list[NewInvoice]) -> None:
    ladder = deps.config.thresholds
    customers = sorted({n.customer_id for n in fresh})
    invoice_rows, instalment_rows, journal_rows = [], [], []
    for n in fresh:
        p = n.payload
        invoice_rows.append({
            "invoice_number": p.invoice_number, "customer_id": p.customer_id, "issue_date": p.issue_date,
            "due_date": n.booked.due_date, "payment_terms": n.booked.terms_code, "shipment_date": p.shipment_date,
            "receipt_date": p.receipt_date, "receipt_proof": None,
            "currency": p.currency, "amount_minor": n.amount_minor, "open_minor": n.amount_minor,
            "credited_minor": 0, "written_off_minor": 0, "status": "open", "settled_date": None,
            **{k: getattr(p, k) for k in REFS}, "bill_to": p.bill_to.model_dump_json() if p.bill_to else None,
            "flags": json.dumps(list(n.flags)) if n.flags else None,
            "source": n.ctx.source, "content_hash": n.hash, "created_at": n.ctx.now})
        lines = []
        for line in n.booked.instalments:
            minor = line.amount.minor
            instalment_rows.append({
                "invoice_number": p.invoice_number, "seq": line.seq, "customer_id": p.customer_id,
                "issue_date": p.issue_date, "effective_from": p.issue_date, "due_date": line.due_date,
                "currency": p.currency, "amount_minor": minor, "open_minor": minor, "disputed_minor": 0,
                "last_threshold_index": -1, "next_threshold_date": next_threshold_date(line.due_date, -1, ladder)})
            lines.append({"seq": line.seq, "due_date": known_due(line.due_date) and line.due_date.isoformat(),
                          "amount": format(line.amount.amount, "f")})
        journal_rows.append(journal_row(n.ctx, customer_id=p.customer_id, kind="invoice", effective_date=p.issue_date,
                                        currency=p.currency, amount_minor=n.amount_minor,
                                        balance_delta_minor=n.amount_minor, reference=p.invoice_number,
                                        invoice_number=p.invoice_number,
                                        lines=json.dumps(lines, separators=(",", ":"))))
    await repo.insert(uow, invoice_rows, instalment_rows)
    await journal_repo.insert_entries(uow, journal_rows)
    # Cash on account goes to the new invoices (rare: checked for the batch in one query).
    ctx = fresh[0].ctx
    for customer_id, currency in sorted(await cash_repo.customers_with_cash(uow, customers)):
        book = await Book(customer_id).load_open(uow)
        await apply_cash_on_account(uow, ctx, book, currency)
        for event in settled_events(await book.flush(uow, ladder, ctx.now)):
            uow.emit(event)
