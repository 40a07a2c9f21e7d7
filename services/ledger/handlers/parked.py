"""Payments parked until their invoices are booked.

Billing publishes invoices and payments on separate topics, so a payment naming an
invoice can arrive first. It is parked whole (payments.record_payments) and applied in
the transaction that books its last missing invoice, as if it had arrived then, with its
own received date (allocation dates it from when both exist). If it no longer fits (the
invoice was paid meanwhile, or belongs to another customer) it stays parked with the
reason, listed for finance with its age, who can release it: booked without the lines
that name invoices it cannot pay, the rest on account."""
from __future__ import annotations

from dataclasses import replace

from services.ledger.deps import LedgerDeps
from services.ledger.handlers import payments
from services.ledger.repository import invoices as invoice_repo
from services.ledger.repository import parked as repo
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import Conflict, NotFound, RuleError
from shared.events.ledger import PaymentReceivedV1


def _context(deps: LedgerDeps, row) -> Context:
    return Context(row.actor, deps.clock.today(), deps.clock.now(), correlation_id=row.correlation_id,
                   source="event")


async def apply_waiting(deps: LedgerDeps, uow: UnitOfWork, invoice_numbers: list[str]) -> int:
    """Inside the transaction that booked `invoice_numbers`: apply the parked payments that
    no longer wait for anything. Returns how many were applied."""
    applied = 0
    for row in await repo.waiting_for(uow, invoice_numbers):
        awaited = await repo.awaited_invoices(uow, row.payment_reference)
        if len(await invoice_repo.existing(uow, awaited)) < len(awaited):
            continue  # another of its invoices is still to come
        n = payments.normalize_payment(PaymentReceivedV1.model_validate_json(row.payload), _context(deps, row))
        try:
            plan = await payments.plan_one(uow, n)  # decides without writing: a misfit leaves no trace
        except RuleError as error:
            await repo.note_error(uow, row.payment_reference, error.detail)
            continue
        await payments.write_one(deps, uow, plan)
        await repo.resolve(uow, row.payment_reference, "applied", n.ctx.now)
        applied += 1
    return applied


async def release(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, reference: str) -> None:
    """Book a parked payment now: lines naming invoices it cannot pay (not booked, another
    customer's, another currency) are dropped, so that cash stays on account."""
    async with uow:
        row = await repo.get(uow, reference)
        if row is None:
            raise NotFound(f"no parked payment {reference!r}")
        if row.status != "parked":
            raise Conflict(f"payment {reference!r} was {row.status} on {row.resolved_at:%Y-%m-%d}",
                           "payment_reference", "parked_payment.not_parked")
        payload = PaymentReceivedV1.model_validate_json(row.payload)
        booked = await invoice_repo.by_numbers(uow, [line.invoice_number for line in payload.allocations or []])
        keep = [line for line in payload.allocations or [] if (invoice := booked.get(line.invoice_number))
                and invoice.customer_id == payload.customer_id and invoice.currency == payload.currency]
        payload = payload.model_copy(update={"allocations": keep or None})
        source = Context(ctx.actor, ctx.today, ctx.now, ctx.roles, ctx.actor_name, row.correlation_id, "event")
        # the hash billing's copy has, so a resend of the original stays a no-op
        n = replace(payments.normalize_payment(payload, source), hash=row.content_hash)
        await payments.write_one(deps, uow, await payments.plan_one(uow, n))
        await repo.resolve(uow, reference, "released", ctx.now)
        await uow.commit()
