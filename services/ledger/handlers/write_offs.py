"""Write-offs (坏账核销): finance requests with a reason, a second person approves
(finance or general manager, never the requester); the approval books the write-off."""
from __future__ import annotations

from datetime import date

from services.ledger.domain.allocation import ExplicitAllocation, allocate_payment
from services.ledger.domain.write_offs import (WriteOff, WriteOffCause, WriteOffGrounds, WriteOffStatus,
                                               approve_write_off, reject_write_off, request_write_off)
from services.ledger.deps import LedgerDeps
from services.ledger.handlers.book import Book
from services.ledger.handlers.common import money, new_id
from services.ledger.handlers.postings import post, result_lines
from services.ledger.repository import cases as repo
from services.ledger.repository import invoices as invoice_repo
from services.ledger.repository.base import lock_customers
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import NotFound, RuleError
from shared.events.ledger import InvoiceWrittenOffV1
from shared.money import Money
from shared.wire import not_after


def write_off_model(row) -> WriteOff:
    cur = row.currency
    return WriteOff(row.invoice_number, Money.from_minor(row.amount_minor, cur), row.reason, row.requested_by,
                    row.requested_date, WriteOffStatus(row.status), row.decided_by, row.decided_date,
                    row.decision_note or "", Money.from_minor(row.recovered_minor, cur) if row.recovered_minor else None)


async def _invoice(uow: UnitOfWork, number: str):
    invoice = await invoice_repo.get(uow, number)
    if invoice is None:
        raise NotFound(f"no invoice {number!r}")
    return invoice


async def _grounds(uow: UnitOfWork, number: str, today: date, cause: str | None,
                   cause_reference: str | None) -> WriteOffGrounds:
    items = await Book(None).load_invoice(uow, number)
    overdue = max(((today - it.due_date).days for it in items if it.open > 0), default=0)
    return WriteOffGrounds(overdue, WriteOffCause(cause) if cause else None, cause_reference)


async def request(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, invoice_number: str, *, amount,
                  reason: str, cause: str | None = None, cause_reference: str | None = None) -> str:
    async with uow:
        invoice = await _invoice(uow, invoice_number)
        cur = invoice.currency
        value = money(amount, cur, "amount")
        today = ctx.on(None)
        w = request_write_off(invoice_number, value, Money.from_minor(invoice.open_minor, cur), reason, ctx.actor,
                              ctx.roles, today, min_overdue_days=deps.config.write_off_min_overdue_days,
                              grounds=await _grounds(uow, invoice_number, today, cause, cause_reference))
        write_off_id = new_id("WO")
        await repo.insert_write_off(uow, {
            "id": write_off_id, "invoice_number": invoice_number, "customer_id": invoice.customer_id,
            "currency": cur, "amount_minor": value.minor, "reason": w.reason, "cause": cause,
            "cause_reference": cause_reference, "requested_by": ctx.actor, "requested_date": today,
            "status": w.status.value, "recovered_minor": 0, "created_at": ctx.now})
        await post(uow, ctx, customer_id=invoice.customer_id, kind="write_off_requested", effective_date=today,
                   currency=cur, amount_minor=value.minor, balance_delta_minor=0, reference=write_off_id,
                   invoice_number=invoice_number, lines={"reason": w.reason, "cause": cause,
                                                         "cause_reference": cause_reference})
        await uow.commit()
    return write_off_id


async def decide(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, write_off_id: str, *, approve: bool,
                 note: str = "", effective_date: date | None = None) -> None:
    """Approve (books the write-off, emits invoice-written-off) or reject."""
    async with uow:
        row = await repo.get_write_off(uow, write_off_id)
        if row is None:
            raise NotFound(f"no write-off {write_off_id!r}")
        invoice = await _invoice(uow, row.invoice_number)
        cur, today = row.currency, ctx.on(None)
        if not approve:
            w = reject_write_off(write_off_model(row), ctx.actor, ctx.roles, today, note)
            await repo.update_write_off(uow, write_off_id, status=w.status.value, decided_by=ctx.actor,
                                        decided_date=today, decision_note=note or None)
            await post(uow, ctx, customer_id=row.customer_id, kind="write_off_rejected", effective_date=today,
                       currency=cur, amount_minor=row.amount_minor, balance_delta_minor=0, reference=write_off_id,
                       invoice_number=row.invoice_number, lines={"note": note})
            await uow.commit()
            return
        await lock_customers(uow, [row.customer_id])
        invoice = await _invoice(uow, row.invoice_number)
        w = approve_write_off(write_off_model(row), ctx.actor, ctx.roles, today,
                              open_amount=Money.from_minor(invoice.open_minor, cur), note=note,
                              grounds=await _grounds(uow, row.invoice_number, today, row.cause, row.cause_reference),
                              min_overdue_days=deps.config.write_off_min_overdue_days)
        effective = effective_date or today
        not_after(effective, today, deps.config.future_days, "effective_date", "a write-off")
        if effective < invoice.issue_date:
            raise RuleError("a write-off cannot take effect before the invoice was issued", "effective_date", "write_off.date")
        book = Book(row.customer_id)
        await book.load_invoice(uow, row.invoice_number)
        result = allocate_payment(w.amount, book.open_items(invoice=row.invoice_number),
                                  [ExplicitAllocation(row.invoice_number, w.amount)])
        entry = await post(uow, ctx, customer_id=row.customer_id, kind="write_off", effective_date=effective,
                           currency=cur, amount_minor=w.amount.minor, balance_delta_minor=-w.amount.minor,
                           reference=write_off_id, invoice_number=row.invoice_number, lines=result_lines(result))
        book.apply(result, effective, kind="write_off", source_type="write_off", source_ref=write_off_id,
                   journal_id=entry, now=ctx.now)
        await invoice_repo.add_amounts(uow, row.invoice_number, written_off=w.amount.minor)
        await book.flush(uow, deps.config.thresholds, ctx.now)
        await repo.update_write_off(uow, write_off_id, status=w.status.value, decided_by=ctx.actor,
                                    decided_date=today, decision_note=note or None, effective_date=effective)
        uow.emit(InvoiceWrittenOffV1(write_off_id=write_off_id, invoice_number=row.invoice_number,
                                     customer_id=row.customer_id, effective_date=effective, amount=w.amount.amount,
                                     currency=cur, reason=row.reason, requested_by=row.requested_by,
                                     approved_by=ctx.actor))
        await uow.commit()
