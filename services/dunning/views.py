"""The read side of dunning's GET routes."""
from __future__ import annotations

from services.dunning import repository
from services.dunning.deps import DunningDeps
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import NotFound
from shared.money import from_minor


def _case(case, items=()) -> dict:
    return {"customer_id": case.customer_id, "severity": case.severity, "highest_threshold": case.highest_threshold,
            "opened_on": case.opened_on, "last_payment_on": case.last_payment_on,
            "items": [{"invoice_number": i.invoice_number, "instalment_seq": i.instalment_seq, "due_date": i.due_date,
                       "threshold_days": i.threshold_days, "days_overdue": i.days_overdue, "currency": i.currency,
                       "open_amount": from_minor(i.open_minor, i.currency)} for i in items]}


async def cases(deps: DunningDeps, uow: UnitOfWork, ctx: Context, limit: int, offset: int) -> list[dict]:
    async with uow:
        return [_case(c) for c in await repository.list_cases(uow, limit, offset)]


async def case(deps: DunningDeps, uow: UnitOfWork, ctx: Context, customer_id: str) -> dict:
    async with uow:
        found = await repository.get_case(uow, customer_id)
        if found is None:
            raise NotFound(f"no collection case for customer {customer_id!r}")
        return _case(found, await repository.items_of(uow, customer_id))
