"""Credit's facts: the customer's master data (region, type, industry, salesperson, grade),
grade changes (the downgrade warning) and holds. Profiles by revision (the highest wins),
the others once by key."""
from __future__ import annotations

from services.reporting import repository
from services.reporting.deps import ReportingDeps
from services.reporting.tables import CustomerRow, FactRow
from shared.context import Context
from shared.db import UnitOfWork
from shared.events.credit import (
    CreditGradeChangedV1, CustomerHoldPlacedV1, CustomerHoldReleasedV1, CustomerProfileChangedV1,
)


async def _customer(uow: UnitOfWork, customer_id: str) -> CustomerRow:
    row = await repository.get_customer(uow, customer_id)
    if row is None:  # a grade or hold before the profile: completed by the profile
        row = CustomerRow(customer_id=customer_id, revision=0, name="", blacklisted=False, on_hold=False)
        repository.add(uow, row)
    return row


async def profile_changed(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, e: CustomerProfileChangedV1) -> None:
    async with uow:
        row = await _customer(uow, e.customer_id)
        if e.revision > row.revision:
            row.revision, row.name, row.region, row.customer_type = e.revision, e.name, e.region, e.customer_type
            row.industry, row.salesperson, row.grade, row.blacklisted = (e.industry, e.salesperson, e.grade,
                                                                         e.blacklisted)
        await uow.commit()


async def grade_changed(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, e: CreditGradeChangedV1) -> None:
    async with uow:
        await repository.add_fact(uow, FactRow(
            kind="grade", key=f"{e.customer_id}|{e.effective_date}|{e.previous_grade}|{e.grade}",
            customer_id=e.customer_id, currency="", effective_date=e.effective_date, label=e.grade[:100],
            reference=(e.previous_grade or "")[:100] or None))
        await uow.commit()


async def hold_placed(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, e: CustomerHoldPlacedV1) -> None:
    async with uow:
        if await repository.add_fact(uow, FactRow(kind="hold", key=e.hold_id, customer_id=e.customer_id,
                                                  currency="", effective_date=e.effective_date, label=e.kind)):
            if await repository.get_fact(uow, "hold_released", e.hold_id) is None:
                (await _customer(uow, e.customer_id)).on_hold = True
        await uow.commit()


async def hold_released(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, e: CustomerHoldReleasedV1) -> None:
    async with uow:
        if await repository.add_fact(uow, FactRow(kind="hold_released", key=e.hold_id, customer_id=e.customer_id,
                                                  currency="", effective_date=e.effective_date, label=e.kind)):
            (await _customer(uow, e.customer_id)).on_hold = False
        await uow.commit()
