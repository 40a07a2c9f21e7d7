"""The read side of the GET routes: invoices with their instalments' aging and receivable
class, payments, disputes, write-offs, parked payments, a customer's balance and statement
as of a date, late fees. Each view is `(deps, uow, ctx, ...)` like a handler and reads in
one transaction of its own.

Figures "as of D" come only from rows effective on or before D (journal entries for the
balance, allocations for what is open), so a back-dated or later movement never leaks
into an earlier date."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta

from services.ledger.config import LedgerConfig
from services.ledger.deps import LedgerDeps
from services.ledger.domain.aging import bucket_totals, days_overdue, disputed_part
from services.ledger.domain.late_fees import late_fee
from services.ledger.domain.movements import MovementKind
from services.ledger.domain.receivable_class import ReceivableClass, receivable_class
from services.ledger.domain.statement import Statement, statement_from_journal
from services.ledger.domain.terms import known_due
from services.ledger.handlers.common import dec
from services.ledger.repository import book as book_repo
from services.ledger.repository import cases as cases_repo
from services.ledger.repository import cash as cash_repo
from services.ledger.repository import customers as customers_repo
from services.ledger.repository import due_dates as due_dates_repo
from services.ledger.repository import invoices as invoice_repo
from services.ledger.repository import imports as imports_repo
from services.ledger.repository import journal as journal_repo
from services.ledger.repository import parked as parked_repo
from shared.context import Context
from shared.db import UnitOfWork, as_utc
from shared.errors import NotFound, RuleError
from shared.money import Money

_CLASS_ORDER = list(ReceivableClass)


def _instalment(r, today: date, cfg: LedgerConfig, written_off: bool) -> dict:
    cur = r.currency
    due = known_due(r.due_date)  # None: a RECEIPT+N invoice not received yet, so not due
    out = {"seq": r.seq, "due_date": due, "amount": dec(r.amount_minor, cur),
           "open_amount": dec(r.open_minor, cur), "disputed_amount": dec(r.disputed_minor, cur),
           # a settled instalment is not overdue at all, however long ago it was due
           "days_overdue": days_overdue(due, today) if r.open_minor > 0 and due else None,
           "aging_bucket": None, "receivable_class": None,
           "last_threshold_days": cfg.thresholds[r.last_threshold_index] if r.last_threshold_index >= 0 else None}
    if r.open_minor > 0:
        out["aging_bucket"] = cfg.buckets.label_for(days_overdue(r.due_date, today))
        out["receivable_class"] = receivable_class(r.due_date, today, thresholds=cfg.class_thresholds).value
    elif written_off:
        out["receivable_class"] = ReceivableClass.DEAD.value
    return out


def invoice_dict(row, instalments, today: date, cfg: LedgerConfig, disputes=(), write_offs=(), moves=()) -> dict:
    cur = row.currency
    written_off = row.status == "written_off"
    lines = [_instalment(i, today, cfg, written_off) for i in instalments]
    classes = [line["receivable_class"] for line in lines if line["receivable_class"]]
    open_lines = [line for line in lines if line["open_amount"] > 0]
    seqs = {i.id: i.seq for i in instalments}
    return {
        "invoice_number": row.invoice_number, "customer_id": row.customer_id, "issue_date": row.issue_date,
        "due_date": known_due(row.due_date), "payment_terms": row.payment_terms, "shipment_date": row.shipment_date,
        "receipt_date": row.receipt_date, "receipt_proof": row.receipt_proof,
        "amount": dec(row.amount_minor, cur), "open_amount": dec(row.open_minor, cur),
        "disputed_amount": dec(sum(i.disputed_minor for i in instalments), cur),
        "credited_amount": dec(row.credited_minor, cur), "written_off_amount": dec(row.written_off_minor, cur),
        "currency": cur, "status": row.status, "settled_date": row.settled_date,
        "days_overdue": max((line["days_overdue"] for line in open_lines if line["days_overdue"] is not None),
                            default=None),
        "receivable_class": max(classes, key=_CLASS_ORDER.index) if classes else None,
        **{k: getattr(row, k) for k in ("contract_ref", "delivery_ref", "order_ref", "region", "product_line",
                                        "customer_type", "salesperson")},
        "bill_to": json.loads(row.bill_to) if row.bill_to else None, "flags": json.loads(row.flags or "[]"),
        "source": row.source, "instalments": lines,
        "disputes": [dispute_dict(d) for d in disputes], "write_offs": [write_off_dict(w) for w in write_offs],
        "due_date_changes": [_due_date_change(m, seqs) for m in moves],
    }


def _due_date_change(m, seqs: dict[int, int]) -> dict:
    return {"instalment_seq": seqs.get(m.instalment_id), "previous_due_date": m.previous_due_date,
            "due_date": m.due_date, "reason": m.reason, "reference": m.reference, "effective_date": m.effective_date}


async def invoice(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, number: str) -> dict:
    today, cfg = ctx.today, deps.config
    async with uow:
        row = await invoice_repo.get(uow, number)
        if row is None:
            raise NotFound(f"no invoice {number!r}")
        return invoice_dict(row, await invoice_repo.instalments_of(uow, [number]), today, cfg,
                            await cases_repo.disputes_of(uow, number), await cases_repo.write_offs_of(uow, number),
                            await due_dates_repo.history(uow, number))


async def invoices(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, **filters) -> tuple[list[dict], int]:
    today, cfg = ctx.today, deps.config
    async with uow:
        rows, total = await invoice_repo.page(uow, **filters)
        by_invoice = defaultdict(list)
        for i in await invoice_repo.instalments_of(uow, [r.invoice_number for r in rows]):
            by_invoice[i.invoice_number].append(i)
        return [invoice_dict(r, by_invoice[r.invoice_number], today, cfg) for r in rows], total


async def payment(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, reference: str) -> dict:
    async with uow:
        row = await cash_repo.get_payment(uow, reference)
        if row is None:
            raise NotFound(f"no payment {reference!r}")
        cur = row.currency
        lines: dict[tuple, list] = {}
        for a in await book_repo.of_source(uow, "payment", reference):
            if a.amount_minor > 0:  # what the cash paid (a reversal's re-opening rows are negative)
                entry = lines.setdefault((a.invoice_number, a.seq), [0, a.effective_date, a.kind])
                entry[0] += a.amount_minor
                entry[1] = max(entry[1], a.effective_date)
        return {
            "payment_reference": row.payment_reference, "customer_id": row.customer_id,
            "received_date": row.received_date, "amount": dec(row.amount_minor, cur), "currency": cur,
            "method": row.method, "status": row.status, "applied_amount": dec(row.applied_minor, cur),
            "unapplied_amount": dec(row.unapplied_minor, cur), "recovered_amount": dec(row.recovered_minor, cur),
            "refunded_amount": dec(row.refunded_minor, cur), "reversed_date": row.reversed_date,
            "allocations": [{"invoice_number": k[0], "instalment_seq": k[1], "amount": dec(v[0], cur),
                             "effective_date": v[1], "kind": v[2]}
                            for k, v in lines.items()],  # in the order they were applied
        }


def dispute_dict(row) -> dict:
    cur = row.currency
    return {"dispute_id": row.id, "invoice_number": row.invoice_number, "instalment_seq": row.instalment_seq,
            "customer_id": row.customer_id, "amount": dec(row.amount_minor, cur), "currency": cur,
            "category": row.category, "note": row.note, "opened_date": row.opened_date,
            "fact_finding_due": row.fact_finding_due, "status": row.status, "outcome": row.outcome,
            "settlement": row.settlement, "credit_amount": dec(row.credit_minor, cur),
            "released_amount": dec(row.released_minor, cur), "resolved_date": row.resolved_date,
            "our_fault": row.our_fault, "opened_by": row.opened_by, "resolved_by": row.resolved_by}


async def dispute(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, dispute_id: str) -> dict:
    async with uow:
        row = await cases_repo.get_dispute(uow, dispute_id)
        if row is None:
            raise NotFound(f"no dispute {dispute_id!r}")
        return dispute_dict(row)


def write_off_dict(row) -> dict:
    cur = row.currency
    return {"write_off_id": row.id, "invoice_number": row.invoice_number, "customer_id": row.customer_id,
            "amount": dec(row.amount_minor, cur), "currency": cur, "reason": row.reason, "cause": row.cause,
            "cause_reference": row.cause_reference, "requested_by": row.requested_by,
            "requested_date": row.requested_date, "status": row.status,
            "decided_by": row.decided_by, "decided_date": row.decided_date, "decision_note": row.decision_note,
            "effective_date": row.effective_date, "recovered_amount": dec(row.recovered_minor, cur)}


async def write_off(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, write_off_id: str) -> dict:
    async with uow:
        row = await cases_repo.get_write_off(uow, write_off_id)
        if row is None:
            raise NotFound(f"no write-off {write_off_id!r}")
        return write_off_dict(row)


async def _currency(uow: UnitOfWork, customer_id: str, currency: str | None) -> str:
    """The statement's currency: the one asked, or the customer's only one."""
    known = await journal_repo.currencies(uow, customer_id)
    if not known:
        raise NotFound(f"no ledger entries for customer {customer_id!r}")
    if currency is None:
        if len(known) > 1:
            raise RuleError(f"the customer has entries in {', '.join(known)}: choose one", "currency",
                            "currency_required")
        return known[0]
    if currency not in known:
        raise NotFound(f"customer {customer_id!r} has no entries in {currency}")
    return currency


async def balance(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, customer_id: str, as_of: date | None = None,
                  currency: str | None = None) -> dict:
    """The customer's balance in every currency it has entries in (or the one asked)."""
    as_of = ctx.on(as_of)
    async with uow:
        known = await journal_repo.currencies(uow, customer_id)
        if not known:
            raise NotFound(f"no ledger entries for customer {customer_id!r}")
        if currency is not None and currency not in known:
            raise NotFound(f"customer {customer_id!r} has no entries in {currency}")
        balances = [await _balance_in(deps, uow, customer_id, cur, as_of) for cur in known
                    if currency in (None, cur)]
    return {"customer_id": customer_id, "as_of": as_of, "balances": balances}


async def _balance_in(deps: LedgerDeps, uow: UnitOfWork, customer_id: str, cur: str, as_of: date) -> dict:
    total = await journal_repo.balance_as_of(uow, customer_id, cur, as_of)
    items = await journal_repo.open_as_of(uow, customer_id, cur, as_of)
    open_minor = sum(i.open_minor for i in items)
    disputed = {i.id: disputed_part(i.open_minor, i.disputed_minor) for i in items}
    overdue = sum(i.open_minor - disputed[i.id] for i in items if i.due_date < as_of)
    aging = bucket_totals([(i.due_date, Money.from_minor(i.open_minor - disputed[i.id], cur)) for i in items
                           if i.open_minor > disputed[i.id]], as_of, cur, deps.config.buckets)
    return {"currency": cur, "balance": dec(total, cur), "open_amount": dec(open_minor, cur),
            "overdue_amount": dec(overdue, cur), "unapplied_cash": dec(open_minor - total, cur),
            "disputed_amount": dec(sum(disputed.values()), cur), "aging": {k: v.amount for k, v in aging.items()}}


async def late_fees(uow: UnitOfWork, items, as_of: date, cfg: LedgerConfig, currency: str) -> list[dict]:
    """Interest on each open instalment at `as_of` (computed, never booked). Payments
    that were later reversed never count: interest runs as if the cheque never came."""
    rows = await book_repo.of_instalments(uow, [i.id for i in items], as_of)
    net: dict[tuple, int] = defaultdict(int)
    for a in rows:
        net[(a.instalment_id, a.source_type, a.source_ref)] += a.amount_minor
    paid = defaultdict(list)
    for a in rows:
        if a.amount_minor > 0 and net[(a.instalment_id, a.source_type, a.source_ref)] > 0:
            paid[a.instalment_id].append((a.effective_date, Money.from_minor(a.amount_minor, currency)))
    out = []
    for i in items:
        fee = late_fee(Money.from_minor(i.amount_minor, currency), i.due_date, as_of, cfg.late_fee_policy,
                       paid[i.id])
        due = known_due(i.due_date)
        out.append({"invoice_number": i.invoice_number, "seq": i.seq, "due_date": due,
                    "open_amount": dec(i.open_minor, currency),
                    "days_overdue": days_overdue(due, as_of) if due else None,
                    "late_fee": fee.amount.amount, "capped": fee.capped})
    return out


async def invoice_late_fee(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, number: str,
                           as_of: date | None = None) -> dict:
    as_of, cfg = ctx.on(as_of), deps.config
    async with uow:
        row = await invoice_repo.get(uow, number)
        if row is None:
            raise NotFound(f"no invoice {number!r}")
        items = [i for i in await journal_repo.open_as_of(uow, row.customer_id, row.currency, as_of)
                 if i.invoice_number == number and i.open_minor > 0]
        lines = await late_fees(uow, items, as_of, cfg, row.currency)
        policy = cfg.late_fee_policy
        return {"invoice_number": number, "as_of": as_of, "currency": row.currency,
                "daily_rate": policy.daily_rate, "grace_days": policy.grace_days, "basis": policy.basis.value,
                "late_fee": sum((line["late_fee"] for line in lines), dec(0, row.currency)), "instalments": lines,
                "booked": False}


async def statement(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, customer_id: str, start: date, end: date,
                    currency: str | None = None) -> tuple[Statement, dict, list[dict]]:
    cfg = deps.config
    async with uow:
        if end < start:
            raise RuleError("must not be before from", "to", "statement.period")
        cur = await _currency(uow, customer_id, currency)
        opening = await journal_repo.balance_as_of(uow, customer_id, cur, start - timedelta(days=1))
        entries = await journal_repo.entries_between(uow, customer_id, cur, start, end)
        st = statement_from_journal(cur, start, end, Money.from_minor(opening, cur), [
            (e.effective_date, MovementKind(e.kind), e.reference, Money.from_minor(e.balance_delta_minor, cur))
            for e in entries])
        items = [i for i in await journal_repo.open_as_of(uow, customer_id, cur, end) if i.open_minor > 0]
        aging = bucket_totals([(i.due_date, Money.from_minor(i.open_minor - disputed_part(i.open_minor,
                                                                                         i.disputed_minor), cur))
                               for i in items if i.open_minor > disputed_part(i.open_minor, i.disputed_minor)],
                              end, cur, cfg.buckets)
        fees = await late_fees(uow, items, end, cfg, cur)
        return st, {k: v.amount for k, v in aging.items()}, fees


async def journal(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, customer_id: str | None, limit: int,
                  offset: int) -> list[dict]:
    async with uow:
        rows = await journal_repo.page(uow, customer_id, limit, offset)
        return [{"id": r.id, "customer_id": r.customer_id, "kind": r.kind, "effective_date": r.effective_date,
                 "amount": dec(r.amount_minor, r.currency), "balance_effect": dec(r.balance_delta_minor, r.currency),
                 "currency": r.currency, "reference": r.reference, "invoice_number": r.invoice_number,
                 "lines": json.loads(r.lines) if r.lines else None, "reverses_entry_id": r.reverses_entry_id,
                 "source": r.source, "actor": r.actor, "created_at": r.created_at} for r in rows]


async def credit_note(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, number: str) -> dict:
    async with uow:
        row = await cash_repo.get_credit_note(uow, number)
        if row is None:
            raise NotFound(f"no credit note {number!r}")
        cur = row.currency
        return {"credit_note_number": row.credit_note_number, "customer_id": row.customer_id,
                "invoice_number": row.invoice_number, "issue_date": row.issue_date, "amount": dec(row.amount_minor, cur),
                "applied_amount": dec(row.applied_minor, cur), "unapplied_amount": dec(row.unapplied_minor, cur),
                "currency": cur, "reason": row.reason, "dispute_id": row.dispute_id}


async def refund(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, reference: str) -> dict:
    async with uow:
        row = await cash_repo.get_refund(uow, reference)
        if row is None:
            raise NotFound(f"no refund {reference!r}")
        cur = row.currency
        return {"refund_reference": row.refund_reference, "customer_id": row.customer_id, "refund_date": row.refund_date,
                "amount": dec(row.amount_minor, cur), "currency": cur,
                "sources": [{"type": s["type"], "reference": s["ref"], "amount": str(dec(s["amount_minor"], cur))}
                            for s in json.loads(row.sources)]}


async def parked_payments(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, *, customer_id: str | None,
                          status: str, limit: int, offset: int) -> tuple[list[dict], int]:
    async with uow:
        rows, total = await parked_repo.page(uow, customer_id=customer_id, status=status, limit=limit,
                                             offset=offset)
        out = []
        for r in rows:
            parked_at = as_utc(r.parked_at)
            out.append({"payment_reference": r.payment_reference, "customer_id": r.customer_id,
                        "received_date": r.received_date, "amount": dec(r.amount_minor, r.currency),
                        "currency": r.currency, "awaiting": await parked_repo.awaited_invoices(uow, r.payment_reference),
                        "status": r.status, "parked_at": parked_at, "age_days": (ctx.now - parked_at).days,
                        "resolved_at": as_utc(r.resolved_at), "last_error": r.last_error})
        return out, total


async def import_batch(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, batch_id: str) -> dict:
    async with uow:
        row = await imports_repo.get_import_batch(uow, batch_id)
    if row is None:
        raise NotFound(f"no import {batch_id!r}")
    return json.loads(row.result)


async def disputes(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, *, statuses: tuple[str, ...],
                   customer_id: str | None, due_by: date | None, limit: int, offset: int) -> tuple[list[dict], int]:
    async with uow:
        rows, total = await cases_repo.dispute_page(uow, statuses=statuses, customer_id=customer_id, due_by=due_by,
                                                    limit=limit, offset=offset)
    out = []
    for r in rows:
        d = dispute_dict(r)
        open_ = r.status in cases_repo.OPEN_DISPUTE
        d["days_to_deadline"] = (r.fact_finding_due - ctx.today).days if open_ else None
        out.append(d)
    return out, total


async def write_offs(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, *, status: str, customer_id: str | None,
                     limit: int, offset: int) -> tuple[list[dict], int]:
    async with uow:
        rows, total = await cases_repo.write_off_page(uow, status=status, customer_id=customer_id, limit=limit,
                                                      offset=offset)
    return [write_off_dict(r) for r in rows], total


async def customers(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, *, customer_id: str | None,
                    currency: str | None, overdue_only: bool, sort: str, limit: int,
                    offset: int) -> tuple[list[dict], int]:
    async with uow:
        rows, total = await customers_repo.page(uow, today=ctx.today, customer_id=customer_id, currency=currency,
                                                overdue_only=overdue_only, sort=sort, limit=limit, offset=offset)
        cash = await customers_repo.unapplied(uow, [(r.customer_id, r.currency) for r in rows])
    out = []
    for r in rows:
        cur, on_account = r.currency, cash.get((r.customer_id, r.currency), 0)
        out.append({"customer_id": r.customer_id, "currency": cur, "open_amount": dec(r.open_minor, cur),
                    "overdue_amount": dec(r.overdue_minor, cur), "disputed_amount": dec(r.disputed_minor, cur),
                    "unapplied_cash": dec(on_account, cur), "balance": dec(r.open_minor - on_account, cur),
                    "open_invoices": r.open_invoices,
                    "max_days_overdue": (ctx.today - r.oldest_overdue_due).days if r.oldest_overdue_due else 0})
    return out, total
