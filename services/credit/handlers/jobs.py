"""The scheduled job (also run on demand by finance): reservations past their expiry are
released, and every July (by default) each assessed customer is re-rated with its latest
entered scores, one transaction per customer so one failure does not undo the others."""
from __future__ import annotations

from dataclasses import dataclass

from services.credit import repository
from services.credit.deps import CreditDeps
from services.credit.domain.rerating import RatedCustomer, customers_due_for_rerating
from services.credit.handlers import grading
from services.credit.handlers.common import history
from shared.context import Context
from shared.db import UnitOfWork


@dataclass
class JobReport:
    reservations_expired: int = 0
    customers_rerated: int = 0


async def expire_reservations(deps: CreditDeps, uow: UnitOfWork, ctx: Context) -> int:
    today = ctx.today
    async with uow:
        lapsed = await repository.lapsed_reservations(uow, today)
        for r in lapsed:
            r.released_on, r.release_reason = today, "expired"
            history(uow, r.customer_id, ctx.now, today, "reservation_released",
                    f"reservation {r.order_ref} expired on {r.expires_on}", order_ref=r.order_ref)
        await uow.commit()
    return len(lapsed)


async def rerating_cycle(deps: CreditDeps, uow: UnitOfWork, ctx: Context) -> int:
    async with uow:
        profiles = await repository.profiles_with_assessment(uow)
    due = customers_due_for_rerating([RatedCustomer(p.customer_id, p.last_rated_on) for p in profiles], ctx.today,
                                     deps.policy.rerating)
    count = 0
    for customer_id in due:  # the unit of work is entered anew for each: its own transaction
        if await grading.rerate(deps, uow, ctx, customer_id, "schedule") is not None:
            count += 1
    return count


async def run(deps: CreditDeps, uow: UnitOfWork, ctx: Context) -> JobReport:
    expired = await expire_reservations(deps, uow, ctx)
    return JobReport(expired, await rerating_cycle(deps, uow, ctx))
