"""Dunning's service layer: each function is one transaction's worth of work."""
from __future__ import annotations

from services.dunning import repository
from services.dunning.deps import DunningDeps
from services.dunning.domain.severity import severity
from services.dunning.tables import CollectionCase, OverdueItem
from shared.context import Context
from shared.db import UnitOfWork
from shared.events.ledger import OverdueThresholdV1, PaymentRecordedV1
from shared.money import to_minor


async def record_overdue(deps: DunningDeps, uow: UnitOfWork, ctx: Context, event: OverdueThresholdV1) -> None:
    """Open or escalate the customer's case. Thresholds only grow, so an older event
    arriving late never lowers what is recorded."""
    async with uow:
        item = await repository.get_item(uow, event.invoice_number, event.instalment_seq)
        if item is None:
            repository.add(uow, OverdueItem(
                invoice_number=event.invoice_number, instalment_seq=event.instalment_seq,
                customer_id=event.customer_id, due_date=event.due_date, threshold_days=event.threshold_days,
                days_overdue=event.days_overdue, open_minor=to_minor(event.open_amount, event.currency),
                currency=event.currency, as_of=event.as_of))
        elif event.threshold_days > item.threshold_days:
            item.threshold_days, item.days_overdue, item.as_of = event.threshold_days, event.days_overdue, event.as_of
            item.open_minor = to_minor(event.open_amount, event.currency)
        case = await repository.get_case(uow, event.customer_id)
        if case is None:
            repository.add(uow, CollectionCase(customer_id=event.customer_id, opened_on=event.as_of,
                                               highest_threshold=event.threshold_days,
                                               severity=severity(event.threshold_days).value, updated_at=ctx.now))
        elif event.threshold_days > case.highest_threshold:
            case.highest_threshold = event.threshold_days
            case.severity = severity(event.threshold_days).value
            case.updated_at = ctx.now
        await uow.commit()


async def record_payment(deps: DunningDeps, uow: UnitOfWork, ctx: Context, event: PaymentRecordedV1) -> None:
    async with uow:
        case = await repository.get_case(uow, event.customer_id)
        if case is not None and (case.last_payment_on is None or event.received_date > case.last_payment_on):
            case.last_payment_on = event.received_date
            case.updated_at = ctx.now
        await uow.commit()
