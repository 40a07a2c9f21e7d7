"""Dunning's service layer: each function is one transaction's worth of work."""
from __future__ import annotations

from datetime import datetime, timezone

from services.dunning import repository
from services.dunning.domain.severity import severity
from services.dunning.tables import CollectionCase, OverdueItem
from shared.db import UnitOfWork
from shared.events.ledger import OverdueThresholdV1, PaymentReceivedV1
from shared.money import to_minor


async def record_overdue(uow: UnitOfWork, event: OverdueThresholdV1) -> None:
    """Open or escalate the customer's case. Thresholds only grow, so an older event
    arriving late never lowers what is recorded."""
    async with uow:
        item = await repository.get_item(uow, event.invoice_number, event.instalment_seq)
        if item is None:
            item = OverdueItem(invoice_number=event.invoice_number, instalment_seq=event.instalment_seq,
                               customer_id=event.customer_id, due_date=event.due_date,
                               threshold_days=event.threshold_days, days_overdue=event.days_overdue,
                               open_minor=to_minor(event.open_amount, event.currency),
                               currency=event.currency, as_of=event.as_of)
            uow.session.add(item)
        elif event.threshold_days > item.threshold_days:
            item.threshold_days, item.days_overdue, item.as_of = event.threshold_days, event.days_overdue, event.as_of
            item.open_minor = to_minor(event.open_amount, event.currency)
        case = await repository.get_case(uow, event.customer_id)
        now = datetime.now(timezone.utc)
        if case is None:
            uow.session.add(CollectionCase(customer_id=event.customer_id, opened_on=event.as_of,
                                           highest_threshold=event.threshold_days,
                                           severity=severity(event.threshold_days).value, updated_at=now))
        elif event.threshold_days > case.highest_threshold:
            case.highest_threshold = event.threshold_days
            case.severity = severity(event.threshold_days).value
            case.updated_at = now
        await uow.commit()


async def record_payment(uow: UnitOfWork, event: PaymentReceivedV1) -> None:
    async with uow:
        case = await repository.get_case(uow, event.customer_id)
        if case is not None and (case.last_payment_on is None or event.received_date > case.last_payment_on):
            case.last_payment_on = event.received_date
            case.updated_at = datetime.now(timezone.utc)
        await uow.commit()
