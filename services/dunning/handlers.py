"""Dunning's service layer: each function is one transaction's worth of work."""
from __future__ import annotations

from services.dunning import repository
from services.dunning.deps import DunningDeps
from services.dunning.domain.escalation import ItemState, escalate
from shared.context import Context
from shared.db import UnitOfWork
from shared.events.ledger import OverdueThresholdV1, PaymentRecordedV1
from shared.money import to_minor


async def record_overdue(deps: DunningDeps, uow: UnitOfWork,
                         facts: list[tuple[OverdueThresholdV1, Context]]) -> None:
    """Open or escalate the customers' cases from a run of overdue-threshold facts (one
    sweep emits tens of thousands: read once, write what changed in bulk)."""
    states = [ItemState(e.invoice_number, e.instalment_seq, e.customer_id, e.due_date, e.threshold_days,
                        e.days_overdue, to_minor(e.open_amount, e.currency), e.currency, e.as_of) for e, _ in facts]
    async with uow:
        items = await repository.items_by_key(uow, [s.key for s in states])
        cases = await repository.cases_of(uow, sorted({s.customer_id for s in states}))
        changed_items, changed_cases = escalate(items, cases, states)
        now = facts[-1][1].now
        await repository.save_items(uow, [s for k, s in changed_items.items() if k in items],
                                    [s for k, s in changed_items.items() if k not in items])
        await repository.save_cases(uow, [c for k, c in changed_cases.items() if k in cases],
                                    [c for k, c in changed_cases.items() if k not in cases], now)
        await uow.commit()


async def record_payment(deps: DunningDeps, uow: UnitOfWork, ctx: Context, event: PaymentRecordedV1) -> None:
    async with uow:
        case = await repository.get_case(uow, event.customer_id)
        if case is not None and (case.last_payment_on is None or event.received_date > case.last_payment_on):
            case.last_payment_on = event.received_date
            case.updated_at = ctx.now
        await uow.commit()
