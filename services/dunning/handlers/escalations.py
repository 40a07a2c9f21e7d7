"""Escalation inside the company and concessions with their approval (each one
transaction)."""
from __future__ import annotations

from decimal import Decimal

from services.dunning import repository
from services.dunning.deps import DunningDeps
from services.dunning.domain.concessions import check_concession, check_escalation, decide_concession
from services.dunning.handlers.collection import case_for, minor_units, open_total
from services.dunning.handlers.ladder import new_id
from services.dunning.tables import ConcessionRow, EscalationRow
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import NotFound


async def escalate(deps: DunningDeps, uow: UnitOfWork, ctx: Context, case_id: str, *, level: str, handed_to: str,
                   reason: str, decision: str | None) -> str:
    async with uow:
        await case_for(uow, ctx, case_id, open_only=True)
        earlier = await repository.escalations_of(uow, case_id)
        check_escalation(earlier[-1].level if earlier else None, level)
        row = EscalationRow(escalation_id=new_id("E"), case_id=case_id, position=len(earlier) + 1, level=level, handed_to=handed_to,
                            reason=reason, decision=decision, on_date=ctx.today, by=ctx.name)
        repository.add(uow, row)
        await uow.commit()
    return row.escalation_id


async def request_concession(deps: DunningDeps, uow: UnitOfWork, ctx: Context, case_id: str, *, kind: str,
                             amount: Decimal | None, currency: str | None, days: int | None, reason: str) -> str:
    async with uow:
        await case_for(uow, ctx, case_id, open_only=True)
        currency = currency or "CNY"
        minor = minor_units(amount, currency, "amount") if amount is not None else None
        check_concession(kind, amount, days, await open_total(uow, case_id, currency))
        row = ConcessionRow(concession_id=new_id("CC"), case_id=case_id, kind=kind, amount_minor=minor,
                            currency=currency if amount is not None else None, days=days, reason=reason,
                            status="requested", requested_by=ctx.name, requested_on=ctx.today)
        repository.add(uow, row)
        await uow.commit()
    return row.concession_id


async def decide(deps: DunningDeps, uow: UnitOfWork, ctx: Context, concession_id: str, *, approve: bool) -> str:
    async with uow:
        row = await repository.get(uow, ConcessionRow, concession_id)
        if row is None:
            raise NotFound(f"no concession {concession_id!r}")
        await case_for(uow, ctx, row.case_id)
        row.status, row.until = decide_concession(row.status, row.requested_by, ctx.name, approve, row.kind, row.days,
                                                  ctx.today)
        row.decided_by, row.decided_on = ctx.name, ctx.today
        await uow.commit()
    return row.case_id
