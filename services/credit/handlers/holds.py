"""Holds (冻结后续订单): placed by finance by hand, or automatically when an invoice crosses
the overdue threshold; lifted automatically (overdue holds only) once the overdue debt is
paid; blacklist after repeated overdue. Every change is published for billing and ERP."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from services.credit import repository
from services.credit.context import of
from services.credit.domain.holds import (
    Hold, HoldChanges, HoldKind, holds_after_overdue_event, holds_after_payment, place_manual_hold,
    release_by_person,
)
from services.credit.domain.receivables import OpenItem
from services.credit.handlers.common import actor_of, domain_errors, history, money
from services.credit.tables import HoldRow, ReceivableRow
from shared.auth import Principal
from shared.db import UnitOfWork
from shared.errors import Conflict, NotFound
from shared.events.credit import CustomerBlacklistedV1, CustomerHoldPlacedV1, CustomerHoldReleasedV1


def open_item(r: ReceivableRow) -> OpenItem:
    return OpenItem(r.invoice_number, r.due_date + timedelta(days=r.extended_days or 0),
                    money(r.open_minor, r.currency), disputed=r.disputed_minor > 0)


def to_hold(row: HoldRow) -> Hold:
    return Hold(HoldKind(row.kind), row.placed_on, row.placed_by, row.reason, row.hold_id,
                tuple(row.invoice_numbers or ()))


async def _place(uow: UnitOfWork, customer_id: str, hold: Hold) -> HoldRow:
    ctx = of(uow)
    row = HoldRow(hold_id=uuid.uuid4().hex, customer_id=customer_id, kind=hold.kind.value, reason=hold.reason,
                  placed_by=hold.placed_by, placed_on=hold.placed_on, invoice_numbers=list(hold.invoice_numbers))
    uow.session.add(row)
    uow.emit(CustomerHoldPlacedV1(customer_id=customer_id, hold_id=row.hold_id, kind=row.kind, reason=row.reason,
                                  placed_by=row.placed_by, effective_date=row.placed_on))
    history(uow, customer_id, ctx.clock.now(), row.placed_on, "hold_placed",
            f"{row.kind} hold placed: {row.reason}", hold_id=row.hold_id, kind=row.kind,
            placed_by=row.placed_by, invoice_numbers=row.invoice_numbers)
    return row


def _release(uow: UnitOfWork, row: HoldRow, by: str, reason: str, on: date) -> None:
    row.released_on, row.released_by, row.release_reason = on, by, reason
    uow.session.add(row)
    uow.emit(CustomerHoldReleasedV1(customer_id=row.customer_id, hold_id=row.hold_id, kind=row.kind,
                                    released_by=by, reason=reason, effective_date=on))
    history(uow, row.customer_id, of(uow).clock.now(), on, "hold_released",
            f"{row.kind} hold released: {reason}", hold_id=row.hold_id, kind=row.kind, released_by=by)


async def evaluate_overdue(uow: UnitOfWork, customer_id: str, today: date) -> HoldChanges:
    """After an overdue fact: place the automatic hold (and blacklist) if an item is beyond
    the threshold. Joins the caller's transaction."""
    ctx = of(uow)
    active = await repository.active_holds(uow, customer_id)
    items = [open_item(r) for r in await repository.receivables_of(uow, customer_id, open_only=True)]
    profile = await repository.get_profile(uow, customer_id)
    blacklisted = bool(profile and profile.blacklisted) or any(h.kind == HoldKind.BLACKLIST for h in active)
    changes = holds_after_overdue_event([to_hold(h) for h in active], items, today,
                                       await repository.overdue_hold_dates(uow, customer_id),
                                       blacklisted, ctx.policy.holds)
    for hold in changes.placed:
        await _place(uow, customer_id, hold)
    if changes.blacklisted:
        reason = next(h.reason for h in changes.placed if h.kind is HoldKind.BLACKLIST)
        if profile is not None:
            profile.blacklisted = True
            profile.updated_at = ctx.clock.now()
            uow.session.add(profile)
        uow.emit(CustomerBlacklistedV1(customer_id=customer_id, reason=reason, effective_date=today))
        history(uow, customer_id, ctx.clock.now(), today, "blacklisted", f"blacklisted: {reason}")
    return changes


async def lift_after_payment(uow: UnitOfWork, customer_id: str, today: date) -> HoldChanges:
    """After a payment, credit note or settlement: lift automatic holds once nothing is
    overdue beyond the threshold. Manual and blacklist holds stay."""
    ctx = of(uow)
    active = await repository.active_holds(uow, customer_id)
    if not any(h.kind == HoldKind.OVERDUE for h in active):
        return HoldChanges()
    items = [open_item(r) for r in await repository.receivables_of(uow, customer_id, open_only=True)]
    changes = holds_after_payment([to_hold(h) for h in active], items, today, ctx.policy.holds)
    by_id = {h.hold_id: h for h in active}
    for hold in changes.released:
        _release(uow, by_id[hold.hold_id], "system:credit", "overdue debt paid", today)
    return changes


async def place_manual(uow: UnitOfWork, customer_id: str, principal: Principal, reason: str) -> HoldRow:
    ctx = of(uow)
    today = ctx.clock.today()
    async with uow:
        if await repository.get_file(uow, customer_id) is None:
            raise NotFound(f"no credit file for customer {customer_id!r}")
        with domain_errors():
            hold = place_manual_hold(actor_of(principal), reason, today, ctx.policy.holds)
        row = await _place(uow, customer_id, hold)
        await uow.commit()
    return row


async def release_manual(uow: UnitOfWork, customer_id: str, hold_id: str, principal: Principal,
                         reason: str) -> HoldRow:
    ctx = of(uow)
    today = ctx.clock.today()
    async with uow:
        row = await repository.get_hold(uow, hold_id)
        if row is None or row.customer_id != customer_id:
            raise NotFound(f"no hold {hold_id!r} for customer {customer_id!r}")
        if row.released_on is not None:
            raise Conflict(f"hold {hold_id} was already released on {row.released_on}")
        with domain_errors():
            release_by_person(to_hold(row), actor_of(principal), reason, ctx.policy.holds)
        _release(uow, row, principal.key_id, reason, today)
        if row.kind == HoldKind.BLACKLIST:
            profile = await repository.get_profile(uow, customer_id)
            if profile is not None:
                profile.blacklisted = False
                profile.updated_at = ctx.clock.now()
                uow.session.add(profile)
        await uow.commit()
    return row
