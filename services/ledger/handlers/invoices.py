"""Invoices: one handler for billing's `invoice-issued` events, the REST API and imports.

`record_invoices` takes a batch (a fetched Kafka batch, one REST call, an import file):
it validates every invoice with the domain rules first (nothing is written if one is
defective), finds the numbers already stored in one query, and inserts invoices,
instalments and journal rows with bulk statements. The same number with the same
content is a no-op (so billing's resend and our own REST event coming back from the
topic are harmless); with different content it is a 409 (REST) / dead letter (event).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.ledger.domain.errors import LedgerRuleError
from services.ledger.domain.instalments import Instalment, single_instalment, validate_schedule
from services.ledger.domain.sweep import next_threshold_date
from services.ledger.domain.terms import parse_terms, validate_due_date
from services.ledger.handlers.book import Book
from services.ledger.handlers.common import Context, fields_hash, invalid, money, translated, utcnow
from services.ledger.handlers.postings import apply_cash_on_account, journal_row, settled_events
from services.ledger.repository import cash as cash_repo
from services.ledger.repository import invoices as repo
from services.ledger.repository import journal as journal_repo
from services.ledger.repository.base import lock_customers
from shared.db import UnitOfWork
from shared.errors import Conflict
from shared.events.ledger import InvoiceIssuedV1

REFS = ("contract_ref", "delivery_ref", "order_ref", "region", "product_line", "customer_type", "salesperson")


@dataclass(frozen=True)
class NewInvoice:
    payload: InvoiceIssuedV1
    due_date: date
    terms: str | None
    amount_minor: int
    schedule: tuple[Instalment, ...]
    hash: str

    @property
    def number(self) -> str:
        return self.payload.invoice_number

    @property
    def customer_id(self) -> str:
        return self.payload.customer_id

    def published(self) -> InvoiceIssuedV1:
        """What the ledger publishes for an invoice it received over REST or an import:
        the payload as given, with the due date it computed from the terms."""
        return self.payload.model_copy(update={"due_date": self.due_date})


def _rule(error: LedgerRuleError, rename: dict[str, str]) -> LedgerRuleError:
    if error.field in rename:
        error.field = rename[error.field]
    return error


def normalize(p: InvoiceIssuedV1) -> NewInvoice:
    """Validate one invoice with the domain rules; errors name the payload's fields."""
    currency = p.currency
    amount = money(p.amount, currency, "amount")
    terms_code, due = None, p.due_date
    try:
        if p.payment_terms:
            terms = parse_terms(p.payment_terms)
            terms_code = terms.code
            if due is None:
                due = terms.due_date(p.issue_date, p.shipment_date)
        if p.instalments:
            schedule = validate_schedule(amount, p.issue_date, [(line.due_date, line.amount) for line in p.instalments])
            due = due or max(line.due_date for line in schedule)
        if due is None:
            raise invalid("due_date", "give due_date, payment_terms or instalments", "required")
        validate_due_date(p.issue_date, due)
        if not p.instalments:
            schedule = single_instalment(amount, due)
    except LedgerRuleError as error:
        raise _rule(error, {"terms": "payment_terms"})
    digest = fields_hash(p.invoice_number, p.customer_id, p.issue_date, due, terms_code, p.shipment_date, currency,
                         amount.minor, tuple((x.due_date, x.amount.minor) for x in schedule) if p.instalments else None,
                         *(getattr(p, k) for k in REFS))
    return NewInvoice(p, due, terms_code, amount.minor, schedule, digest)


@dataclass(frozen=True)
class InvoiceOutcome:
    invoice_number: str
    created: bool


@translated
async def record_invoices(uow: UnitOfWork, payloads: list[InvoiceIssuedV1], ctx: Context, *,
                          publish: bool) -> list[InvoiceOutcome]:
    """Record a batch of invoices; `publish` emits `invoice-issued` for them (REST and
    imports: billing's own events are not re-published)."""
    normalized = [normalize(p) for p in payloads]  # every defect refuses the whole batch
    ladder = ctx.settings.thresholds
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
                    raise Conflict(f"invoice {n.number!r} is already recorded with different content",
                                   errors=[{"field": "invoice_number", "rule": "invoice.same_number_other_content",
                                            "message": "an invoice number is unique; resend the same content or "
                                                       "correct it with a credit note"}])
                outcomes.append(InvoiceOutcome(n.number, False))
                continue
            fresh[n.number] = n
            outcomes.append(InvoiceOutcome(n.number, True))
        if fresh:
            await _insert(uow, ctx, list(fresh.values()), ladder)
            if publish:
                for n in fresh.values():
                    uow.emit(n.published())
        await uow.commit()
    return outcomes


async def _insert(uow: UnitOfWork, ctx: Context, fresh: list[NewInvoice], ladder: tuple[int, ...]) -> None:
    now = utcnow()
    customers = sorted({n.customer_id for n in fresh})
    invoice_rows, instalment_rows, journal_rows = [], [], []
    for n in fresh:
        p = n.payload
        invoice_rows.append({
            "invoice_number": p.invoice_number, "customer_id": p.customer_id, "issue_date": p.issue_date,
            "due_date": n.due_date, "payment_terms": n.terms, "shipment_date": p.shipment_date,
            "currency": p.currency, "amount_minor": n.amount_minor, "open_minor": n.amount_minor,
            "credited_minor": 0, "written_off_minor": 0, "status": "open", "settled_date": None,
            **{k: getattr(p, k) for k in REFS}, "source": ctx.source, "content_hash": n.hash, "created_at": now})
        lines = []
        for line in n.schedule:
            minor = line.amount.minor
            instalment_rows.append({
                "invoice_number": p.invoice_number, "seq": line.seq, "customer_id": p.customer_id,
                "issue_date": p.issue_date, "effective_from": p.issue_date, "due_date": line.due_date,
                "currency": p.currency, "amount_minor": minor, "open_minor": minor, "disputed_minor": 0,
                "last_threshold_index": -1, "next_threshold_date": next_threshold_date(line.due_date, -1, ladder)})
            lines.append(f'{{"seq":{line.seq},"due_date":"{line.due_date.isoformat()}",'
                         f'"amount":"{format(line.amount.amount, "f")}"}}')
        journal_rows.append(journal_row(ctx, customer_id=p.customer_id, kind="invoice", effective_date=p.issue_date,
                                        currency=p.currency, amount_minor=n.amount_minor,
                                        balance_delta_minor=n.amount_minor, reference=p.invoice_number,
                                        invoice_number=p.invoice_number, lines="[" + ",".join(lines) + "]"))
    await repo.insert(uow, invoice_rows, instalment_rows)
    await journal_repo.insert_entries(uow, journal_rows)
    # Cash on account goes to the new invoices (rare: checked for the batch in one query).
    for customer_id, currency in sorted(await cash_repo.customers_with_cash(uow, customers)):
        book = await Book(customer_id).load_open(uow)
        await apply_cash_on_account(uow, ctx, book, currency)
        for event in settled_events(await book.flush(uow, ladder)):
            uow.emit(event)
