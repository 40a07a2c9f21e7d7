"""Holds (冻结后续订单): placed by finance by hand, or automatically when an instalment
crosses the overdue threshold; lifted automatically (overdue holds only) once the overdue
debt is paid; blacklist after repeated overdue. Every change is published for billing and
ERP (and the blacklist flag in the customer's profile)."""
from __future__ import annotations

import uuid
from datetime import date

from services.credit import repository
from services.credit.deps import CreditDeps
from services.credit.domain.holds import (
    has_overdue_hold,
    Hold, HoldChanges, HoldKind, holds_after_overdue_event, holds_after_payment, is_blacklisted, place_manual_hold,
    release_by_person,
)
from services.credit.handlers.common import SYSTEM, actor_of, history, open_items
from services.credit.handlers.profile import publish_profile
from services.credit.tables import HoldRow
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import Conflict, NotFound
from shared.events.credit import CustomerBlacklistedV1, CustomerHoldPlacedV1, CustomerHoldReleasedV1


def to_hold(row: HoldRow) -> Hold:
    return Hold(HoldKind(row.kind), row.placed_on, row.placed_by, row.reason, row.hold_id,
                tuple(row.invoice_numbers or ()))


def _place(uow: UnitOfWork, ctx: Context, customer_id: str, hold: Hold) -> HoldRow:
    row = HoldRow(hold_id=uuid.uuid4().hex, customer_id=customer_id, kind=hold.kind.value, reason=hold.reason,
                  placed_by=hold.placed_by, placed_on=hold.placed_on, invoice_numbers=list(hold.invoice_numbers))
    repository.add(uow, row)
    uow.emit(CustomerHoldPlacedV1(customer_id=customer_id, hold_id=row.hold_id, kind=row.kind, reason=row.reason,
                                  placed_by=row.placed_by, effective_date=row.placed_on))
    history(uow, customer_id, ctx.now, row.placed_on, "hold_placed",
            f"{row.kind} hold placed: {row.reason}", hold_id=row.hold_id, kind=row.kind,
            placed_by=row.placed_by, invoice_numbers=row.invoice_numbers)
    return row


def _release(uow: UnitOfWork, ctx: Context, row: HoldRow, by: str, reason: str, on: date) -> None:
    row.released_on, row.released_by, row.release_reason = on, by, reason
    uow.emit(CustomerHoldReleasedV1(customer_id=row.customer_id, hold_id=row.hold_id, kind=row.kind,
                                    released_by=by, reason=reason, effective_date=on))
    history(uow, row.customer_id, ctx.now, on, "hold_released",
            f"{row.kind} hold released: {reason}", hold_id=row.hold_id, kind=row.kind, released_by=by)


async def evaluate_overdue(deps: CreditDeps, uow: UnitOfWork, ctx: Context, customer_id: str,
                           today: date) -> HoldChanges:
    """After an overdue fact: place the automatic hold (and blacklist) if an open instalment
    is beyond the threshold. Joins the caller's transaction."""
    active = await repository.active_holds(uow, customer_id)
    if has_overdue_hold([to_hold(h) for h in active]):  # a sweep's later facts: nothing to read or change
        return HoldChanges()
    profile = await repository.get_profile(uow, customer_id)
    blacklisted = is_blacklisted(bool(profile and profile.blacklisted), [to_hold(h) for h in active])
    changes = holds_after_overdue_event([to_hold(h) for h in active], await open_items(uow, customer_id), today,
                                       await repository.overdue_hold_dates(uow, customer_id),
                                       blacklisted, deps.policy.holds)
    for hold in changes.placed:
        _place(uow, ctx, customer_id, hold)
    if changes.blacklisted:
        reason = next(h.reason for h in changes.placed if h.kind is HoldKind.BLACKLIST)
        if profile is not None:
            profile.blacklisted = True
            profile.updated_at = ctx.now
        uow.emit(CustomerBlacklistedV1(customer_id=customer_id, reason=reason, effective_date=today))
        history(uow, customer_id, ctx.now, today, "blacklisted", f"blacklisted: {reason}")
        await publish_profile(deps, uow, ctx, customer_id, today)
    return changes


async def lift_after_payment(deps: CreditDeps, uow: UnitOfWork, ctx: Context, customer_id: str,
                             today: date) -> HoldChanges:
    """After a payment, credit note, settlement or extension: lift automatic holds once
    nothing is overdue beyond the threshold. Manual and blacklist holds stay."""
    active = await repository.active_holds(uow, customer_id)
    if not any(h.kind == HoldKind.OVERDUE for h in active):
        return HoldChanges()
    changes = holds_after_payment([to_hold(h) for h in active], await open_items(uow, customer_id), today,
                                  deps.policy.holds)
    by_id = {h.hold_id: h for h in active}
    for hold in changes.released:
        _release(uow, ctx, by_id[hold.hold_id], SYSTEM, "overdue debt paid", today)
    return changes


async def place_manual(deps: CreditDeps, uow: UnitOfWork, ctx: Context, customer_id: str, reason: str) -> str:
    async with uow:
        if await repository.get_file(uow, customer_id) is None:
            raise NotFound(f"no credit file for customer {customer_id!r}")
        hold = place_manual_hold(actor_of(ctx), reason, ctx.today, deps.policy.holds)
        row = _place(uow, ctx, customer_id, hold)
        await uow.commit()
    return row.hold_id


async def release_manual(deps: CreditDeps, uow: UnitOfWork, ctx: Context, customer_id: str, hold_id: str,
                         reason: str) -> None:
    async with uow:
        row = await repository.get_hold(uow, hold_id)
        if row is None or row.customer_id != customer_id:
            raise NotFound(f"no hold {hold_id!r} for customer {customer_id!r}")
        if row.released_on is not None:
            raise Conflict(f"hold {hold_id} was already released on {row.released_on}")
        release_by_person(to_hold(row), actor_of(ctx), reason, deps.policy.holds)
        _release(uow, ctx, row, ctx.actor, reason, ctx.today)
        if row.kind == HoldKind.BLACKLIST:
            profile = await repository.get_profile(uow, customer_id)
            if profile is not None:
                profile.blacklisted = False
                profile.updated_at = ctx.now
            await publish_profile(deps, uow, ctx, customer_id, ctx.today)
        await uow.commit()
