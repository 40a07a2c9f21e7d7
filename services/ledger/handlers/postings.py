"""Building blocks of every posting: journal rows, the events that describe allocations
and settlements, and applying cash on account to open items (unapplied cash goes to the
next invoice, oldest due first)."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

from services.ledger.domain.allocation import AllocationResult, apply_unapplied_cash
from services.ledger.domain.terms import known_due
from services.ledger.handlers.book import Applied, Book, InvoiceChange
from services.ledger.handlers.common import dec
from services.ledger.repository import cash as cash_repo
from services.ledger.repository import journal as journal_repo
from shared.context import Context
from shared.db import UnitOfWork
from shared.events.ledger import AppliedLine, InvoiceSettledV1, PaymentAllocatedV1
from shared.money import Money


def lines_json(applied: list[Applied]) -> str:
    return json.dumps([{"invoice_number": a.item.invoice_number, "seq": a.item.seq,
                        "amount": format(dec(a.minor, a.item.currency), "f"),
                        "effective_date": a.effective.isoformat()} for a in applied], separators=(",", ":"))


def result_lines(result: AllocationResult) -> list[dict]:
    return [{"invoice_number": a.invoice_number, "seq": a.seq, "amount": format(a.amount.amount, "f")}
            for a in result.allocations]


def journal_row(ctx: Context, *, customer_id: str, kind: str, effective_date: date, currency: str,
                amount_minor: int, balance_delta_minor: int, reference: str, invoice_number: str | None = None,
                lines: Any = None, reverses_entry_id: int | None = None) -> dict:
    if lines is not None and not isinstance(lines, str):
        lines = json.dumps(lines, separators=(",", ":"), default=str, ensure_ascii=False)
    return {"customer_id": customer_id, "kind": kind, "effective_date": effective_date, "currency": currency,
            "amount_minor": amount_minor, "balance_delta_minor": balance_delta_minor, "reference": reference,
            "invoice_number": invoice_number, "lines": lines, "reverses_entry_id": reverses_entry_id,
            "source": ctx.source, "actor": ctx.actor[:100], "created_at": ctx.now}


async def post(uow: UnitOfWork, ctx: Context, **kw) -> int:
    return await journal_repo.insert_entry(uow, journal_row(ctx, **kw))


def due_or(due: date, instead: date) -> date:
    """The due date facts carry: an instalment awaiting its invoice's receipt (RECEIPT+N) has
    none, and cash or credit applied before its clock started is on time, so `instead`."""
    return known_due(due) or instead


def applied_lines(applied: list[Applied]) -> list[AppliedLine]:
    return [AppliedLine(invoice_number=a.item.invoice_number, instalment_seq=a.item.seq,
                        amount=dec(a.minor, a.item.currency), due_date=due_or(a.item.due_date, a.effective))
            for a in applied]


def allocated_events(reference: str, customer_id: str, received: date, currency: str, applied: list[Applied],
                     unapplied_minor: int) -> list[PaymentAllocatedV1]:
    """One event per effective date (usually one): what the cash paid, and how late."""
    by_date: dict[date, list[Applied]] = defaultdict(list)
    for a in applied:
        by_date[a.effective].append(a)
    out = []
    for effective, group in sorted(by_date.items()):
        total = sum(a.minor for a in group)
        late = sum(a.minor * max(0, (effective - due_or(a.item.due_date, effective)).days) for a in group)
        out.append(PaymentAllocatedV1(
            payment_reference=reference, customer_id=customer_id, received_date=received,
            effective_date=effective, currency=currency, lines=applied_lines(group),
            unapplied_amount=dec(unapplied_minor, currency),
            days_late_weighted=round(late / total) if total else None))
    return out


def settled_events(changes: list[InvoiceChange]) -> list[InvoiceSettledV1]:
    return [InvoiceSettledV1(invoice_number=c.row.invoice_number, customer_id=c.row.customer_id,
                             settled_date=c.settled_date, due_date=due_or(c.row.due_date, c.settled_date),
                             days_late=max(0, (c.settled_date - due_or(c.row.due_date, c.settled_date)).days),
                             amount=dec(c.row.amount_minor, c.row.currency), currency=c.row.currency)
            for c in changes if c.new_status == "settled" and c.settled_date is not None]


async def apply_cash_on_account(uow: UnitOfWork, ctx: Context, book: Book, currency: str) -> None:
    """Apply the customer's unapplied cash and credit (oldest source first) to the open,
    undisputed items in `book`, oldest due first. Emits payment-allocated for cash."""
    sources = await cash_repo.unapplied_sources(uow, book.customer_id, currency)
    now = ctx.now
    for src in sources:
        items = book.open_items(currency)
        if not any(i.undisputed.is_positive for i in items):
            return
        result = apply_unapplied_cash(Money.from_minor(src["unapplied"], currency), items)
        if not result.allocations:
            continue
        applied_minor = result.applied.minor
        effective = max([src["date"], *(book.items[a.key].effective_from for a in result.allocations)])
        entry = await post(uow, ctx, customer_id=book.customer_id, kind="cash_application",
                           effective_date=effective, currency=currency, amount_minor=applied_minor,
                           balance_delta_minor=0, reference=src["ref"], lines=result_lines(result))
        applied = book.apply(result, src["date"], kind="cash_application", source_type=src["type"],
                             source_ref=src["ref"], journal_id=entry, now=now)
        await cash_repo.add_to_source(uow, src["type"], src["ref"], applied=applied_minor,
                                      unapplied=-applied_minor)
        if src["type"] == "payment":
            for event in allocated_events(src["ref"], book.customer_id, src["date"], currency, applied,
                                          src["unapplied"] - applied_minor):
                uow.emit(event)
