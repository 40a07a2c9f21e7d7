"""The scheduled job: reservations past their expiry are released, and every July (by
default) each assessed customer is re-rated with its latest entered scores."""
from __future__ import annotations

from dataclasses import dataclass

from services.credit import repository
from services.credit.context import of
from services.credit.domain.rerating import RatedCustomer, customers_due_for_rerating
from services.credit.handlers import grading
from services.credit.handlers.common import history
from shared.db import UnitOfWork


@dataclass
class JobReport:
    reservations_expired: int = 0
    customers_rerated: int = 0


async def expire_reservations(uow: UnitOfWork) -> int:
    ctx = of(uow)
    today = ctx.clock.today()
    async with uow:
        lapsed = await repository.lapsed_reservations(uow, today)
        for r in lapsed:
            r.released_on, r.release_reason = today, "expired"
            uow.session.add(r)
            history(uow, r.customer_id, ctx.clock.now(), today, "reservation_released",
                    f"reservation {r.order_ref} expired on {r.expires_on}", order_ref=r.order_ref)
        await uow.commit()
    return len(lapsed)


async def rerating_cycle(runtime) -> int:
    """One transaction per customer, so one failure does not undo the others."""
    uow = runtime.uow()
    ctx = of(uow)
    today = ctx.clock.today()
    async with uow:
        profiles = await repository.profiles_with_assessment(uow)
    due = customers_due_for_rerating([RatedCustomer(p.customer_id, p.last_rated_on) for p in profiles], today,
                                     ctx.policy.rerating)
    count = 0
    for customer_id in due:
        if await grading.rerate(runtime.uow(), customer_id, "schedule") is not None:
            count += 1
    return count


async def run(runtime) -> JobReport:
    expired = await expire_reservations(runtime.uow())
    return JobReport(expired, await rerating_cycle(runtime))
