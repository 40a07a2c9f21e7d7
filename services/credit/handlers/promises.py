"""Dunning's broken promises to pay (经常不兑现承诺): they lower the repayment sub-score and,
repeated, raise a red flag. Idempotent by promise id."""
from __future__ import annotations

from services.credit import repository
from services.credit.deps import CreditDeps
from services.credit.handlers import grading
from services.credit.handlers.common import history
from services.credit.tables import BrokenPromiseRow
from shared.context import Context
from shared.db import UnitOfWork
from shared.events.dunning import PromiseToPayBrokenV1
from shared.money import to_minor


async def promise_broken(deps: CreditDeps, uow: UnitOfWork, ctx: Context, e: PromiseToPayBrokenV1) -> None:
    async with uow:
        if await repository.get_broken_promise(uow, e.promise_id) is not None:
            return
        repository.add(uow, BrokenPromiseRow(promise_id=e.promise_id, customer_id=e.customer_id,
                                             promised_date=e.promised_date, amount_minor=to_minor(e.amount, e.currency),
                                             currency=e.currency, broken_on=e.broken_on))
        history(uow, e.customer_id, ctx.now, e.broken_on, "promise_broken",
                f"promise {e.promise_id} to pay {e.amount} {e.currency} by {e.promised_date} broken",
                promise_id=e.promise_id)
        await repository.flush(uow)
        await grading.rerate(deps, uow, ctx, e.customer_id, f"event:{PromiseToPayBrokenV1.topic}")
        await uow.commit()
