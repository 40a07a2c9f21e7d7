"""Disputes (异议): an objection to an invoice or part of it. While open, the disputed
amount is not collected: automatic allocation leaves it alone and the aging clock is
silent for it. Fact-finding is due in 15 working days. Resolution: valid (credit note,
discount, return-and-offset, or the amount rescheduled into instalments) or invalid /
withdrawn (collection resumes). One open dispute per invoice at a time."""
from __future__ import annotations

from datetime import date

from services.ledger.deps import LedgerDeps
from services.ledger.domain.disputes import (Dispute, DisputeCategory, DisputedItem, DisputeError, DisputeStatus,
                                             Resolution, open_dispute, resolve_invalid, resolve_valid,
                                             spread_dispute, start_investigation, withdraw)
from services.ledger.domain.sweep import next_threshold_date
from services.ledger.handlers.book import Book
from services.ledger.handlers.common import dec, money, new_id
from services.ledger.handlers.credit_notes import record_credit_note
from services.ledger.handlers.postings import apply_cash_on_account, post, settled_events
from services.ledger.repository import cases as repo
from services.ledger.repository import invoices as invoice_repo
from services.ledger.repository.base import lock_customers
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import Conflict, NotFound, RuleError
from shared.events.ledger import DisputeOpenedV1, DisputeResolvedV1, InstalmentLine
from shared.money import Money
from shared.wire import not_after


def dispute_model(row, amount_minor: int | None = None) -> Dispute:
    return Dispute(row.invoice_number, Money.from_minor(row.amount_minor if amount_minor is None else amount_minor,
                                                        row.currency),
                   DisputeCategory(row.category), row.note, row.opened_date, row.fact_finding_due,
                   DisputeStatus(row.status), Resolution(row.settlement) if row.settlement else None,
                   row.resolved_date)


async def open_(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, invoice_number: str, *, category: str,
                note: str, amount=None, instalment_seq: int | None = None, opened_date: date | None = None) -> str:
    cfg = deps.config
    async with uow:
        invoice = await invoice_repo.get(uow, invoice_number)
        if invoice is None:
            raise NotFound(f"no invoice {invoice_number!r}")
        if await repo.open_dispute_of(uow, invoice_number) is not None:
            raise Conflict(f"invoice {invoice_number!r} already has an open dispute; resolve it first: one open "
                           "dispute per invoice", "invoice_number", "dispute.already_open")
        cur, on = invoice.currency, ctx.on(opened_date)
        not_after(on, ctx.today, cfg.future_days, "opened_date", "a dispute")
        if on < invoice.issue_date:
            raise RuleError("a dispute cannot precede the invoice", "opened_date", "dispute.date")
        await lock_customers(uow, [invoice.customer_id])
        book = Book(invoice.customer_id)
        items = await book.load_invoice(uow, invoice_number)
        if instalment_seq is not None and not any(it.seq == instalment_seq for it in items):
            raise RuleError(f"invoice {invoice_number!r} has no instalment {instalment_seq}", "instalment_seq", "dispute.unknown_instalment")
        targets = [it for it in items if it.undisputed > 0 and instalment_seq in (None, it.seq)]
        open_undisputed = Money.from_minor(sum(it.undisputed for it in targets), cur)
        value = money(amount, cur, "amount") if amount is not None else open_undisputed
        if not value.is_positive:
            raise RuleError("nothing undisputed is open on this invoice", "amount", "dispute.nothing_open")
        d = open_dispute(invoice_number, value, open_undisputed, category, note, on, calendar=cfg.work_calendar,
                         working_days=cfg.dispute_working_days)
        spread = []
        for key, take in spread_dispute([DisputedItem(it.key, it.due_date, it.open, it.disputed) for it in targets],
                                        value.minor):
            book.set_disputed(key, book.items[key].disputed + take, on)
            spread.append({"seq": key[1], "amount": format(dec(take, cur), "f")})
        dispute_id = new_id("DSP")
        await repo.insert_dispute(uow, {
            "id": dispute_id, "invoice_number": invoice_number, "instalment_seq": instalment_seq,
            "customer_id": invoice.customer_id, "currency": cur, "amount_minor": value.minor,
            "category": d.category.value, "note": d.note, "opened_date": on, "fact_finding_due": d.fact_finding_due,
            "status": d.status.value, "opened_by": ctx.actor, "created_at": ctx.now})
        await post(uow, ctx, customer_id=invoice.customer_id, kind="dispute_opened", effective_date=on, currency=cur,
                   amount_minor=value.minor, balance_delta_minor=0, reference=dispute_id,
                   invoice_number=invoice_number, lines={"category": d.category.value, "instalments": spread})
        await book.flush(uow, cfg.thresholds, ctx.now)
        uow.emit(DisputeOpenedV1(dispute_id=dispute_id, invoice_number=invoice_number,
                                 customer_id=invoice.customer_id, opened_date=on,
                                 fact_finding_due=d.fact_finding_due, amount=value.amount, currency=cur,
                                 category=d.category.value, note=d.note))
        await uow.commit()
    return dispute_id


async def _dispute(uow: UnitOfWork, dispute_id: str):
    row = await repo.get_dispute(uow, dispute_id)
    if row is None:
        raise NotFound(f"no dispute {dispute_id!r}")
    return row


async def investigate(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, dispute_id: str, *,
                      on: date | None = None) -> None:
    async with uow:
        row = await _dispute(uow, dispute_id)
        day = ctx.on(on)
        d = start_investigation(dispute_model(row), day)
        await repo.update_dispute(uow, dispute_id, status=d.status.value)
        await post(uow, ctx, customer_id=row.customer_id, kind="dispute_investigation", effective_date=day,
                   currency=row.currency, amount_minor=row.amount_minor, balance_delta_minor=0,
                   reference=dispute_id, invoice_number=row.invoice_number)
        await uow.commit()


async def resolve(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, dispute_id: str, *, outcome: str,
                  settlement: str | None = None, amount=None, instalments: list | None = None,
                  resolved_date: date | None = None, note: str | None = None, our_fault: bool = False) -> None:
    """Resolve as valid (with a settlement), invalid or withdrawn. An open dispute is moved
    through investigation first (the fact-finding step is recorded, never skipped)."""
    cfg = deps.config
    async with uow:
        row = await _dispute(uow, dispute_id)
        cur, on = row.currency, ctx.on(resolved_date)
        not_after(on, ctx.today, cfg.future_days, "resolved_date", "a resolution")
        await lock_customers(uow, [row.customer_id])
        book = Book(row.customer_id)
        items = await book.load_invoice(uow, row.invoice_number)
        disputed_now = min(row.amount_minor, sum(it.disputed for it in items))
        model = dispute_model(row, disputed_now)
        if model.status is DisputeStatus.OPEN and outcome != "withdrawn":
            model = start_investigation(model, on)
            await post(uow, ctx, customer_id=row.customer_id, kind="dispute_investigation", effective_date=on,
                       currency=cur, amount_minor=row.amount_minor, balance_delta_minor=0, reference=dispute_id,
                       invoice_number=row.invoice_number)
        if outcome == "valid":
            if settlement is None:
                raise RuleError("a valid dispute needs its settlement: credit_note, discount, "
                              "return_offset or instalments", "settlement", "dispute.settlement_required")
            if not model.amount.is_positive:
                raise DisputeError("nothing is disputed any more (paid meanwhile): resolve as invalid",
                                   field="outcome", rule="dispute.nothing_disputed")
            credit = money(amount, cur, "amount") if amount is not None else None
            schedule = [(line["due_date"], line["amount"]) if isinstance(line, dict) else (line.due_date, line.amount)
                        for line in instalments or []]
            resolved, adjustment = resolve_valid(model, settlement, on, credit=credit, schedule=schedule)
        elif outcome == "invalid":
            resolved, adjustment = resolve_invalid(model, on)
        else:
            resolved, adjustment = withdraw(model, on)
        credit_note = None
        if adjustment.credit.is_positive:
            credit_note = f"CN-{dispute_id}"
            await record_credit_note(deps, uow, ctx, credit_note_number=credit_note, customer_id=row.customer_id,
                                     amount=adjustment.credit.amount, currency=cur, invoice_number=row.invoice_number,
                                     issue_date=on, reason=f"dispute {dispute_id} resolved: {settlement}",
                                     dispute_id=dispute_id, disputed_part=True)
            book = Book(row.customer_id)
            items = await book.load_invoice(uow, row.invoice_number)
        entry = await post(uow, ctx, customer_id=row.customer_id, kind="dispute_resolved", effective_date=on,
                           currency=cur, amount_minor=row.amount_minor, balance_delta_minor=0, reference=dispute_id,
                           invoice_number=row.invoice_number, lines={
                               "outcome": outcome, "settlement": settlement, "credit_note": credit_note,
                               "schedule": [{"due_date": i.due_date.isoformat(), "amount": format(i.amount.amount, "f")}
                                            for i in adjustment.schedule]})
        if adjustment.schedule:
            await _reschedule(deps, uow, ctx, book, items, row, adjustment.schedule, on, entry)
        for it in items:
            if it.disputed:
                book.set_disputed(it.key, 0, on)  # released: collectable again
        await repo.update_dispute(uow, dispute_id, status=resolved.status.value,
                                  outcome=outcome, settlement=settlement, credit_minor=adjustment.credit.minor,
                                  released_minor=adjustment.released.minor, resolved_date=on,
                                  resolution_note=note, our_fault=our_fault, resolved_by=ctx.actor)
        await book.load_open(uow)
        await apply_cash_on_account(uow, ctx, book, cur)  # cash waiting for the dispute is applied now
        for event in settled_events(await book.flush(uow, cfg.thresholds, ctx.now)):
            uow.emit(event)
        uow.emit(DisputeResolvedV1(
            dispute_id=dispute_id, invoice_number=row.invoice_number, customer_id=row.customer_id,
            resolved_date=on, outcome=outcome, settlement=settlement, amount=dec(row.amount_minor, cur),
            adjusted_amount=adjustment.credit.amount, currency=cur, our_fault=our_fault,
            credit_note_number=credit_note,
            instalments=[InstalmentLine(due_date=i.due_date, amount=i.amount.amount) for i in adjustment.schedule]
            or None))
        await uow.commit()


async def _reschedule(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, book: Book, items, row, schedule, on: date,
                      entry: int) -> None:
    """The disputed amount leaves its instalments and becomes new ones (effective from the
    resolution date, so figures as of earlier dates are unchanged)."""
    now, ladder = ctx.now, deps.config.thresholds
    for it in items:
        if it.disputed:
            book.reduce(it.key, it.disputed, on, kind="reschedule", source_type="dispute", source_ref=row.id,
                        journal_id=entry, now=now, disputed_part=True)
    invoice = await invoice_repo.get(uow, row.invoice_number)
    first = await invoice_repo.max_seq(uow, row.invoice_number) + 1
    rows = [{"invoice_number": row.invoice_number, "seq": first + n, "customer_id": row.customer_id,
             "issue_date": invoice.issue_date, "effective_from": on, "due_date": line.due_date,
             "currency": row.currency, "amount_minor": line.amount.minor, "open_minor": line.amount.minor,
             "disputed_minor": 0, "last_threshold_index": -1,
             "next_threshold_date": next_threshold_date(line.due_date, -1, ladder)} for n, line in enumerate(schedule)]
    await invoice_repo.insert(uow, [], rows)
    await invoice_repo.add_open(uow, {row.invoice_number: sum(r["open_minor"] for r in rows)})
