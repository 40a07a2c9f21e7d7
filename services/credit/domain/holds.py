"""Credit holds (冻结后续订单) and the blacklist.

Kinds (as on the customer-hold events): MANUAL (placed and lifted only by a person with a
hold role, default finance), OVERDUE (automatic: an open, undisputed item is at least
`overdue_threshold_days` overdue, default 30 — the dunning ladder's "further supply
suspended"), BLACKLIST (after repeated overdue; only a person lifts it).

A customer has at most one active OVERDUE hold; it is lifted when no item is overdue by the
threshold any more (`holds_after_payment`). Blacklisting: the OVERDUE holds placed within
the last `blacklist_window_months` (default 12), counting the one placed now, reach
`blacklist_after` (default 3). The functions return the changes for the caller to store
and publish; placed holds have no id yet (the repository assigns one).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Iterable, Sequence

from services.credit.domain import roles
from services.credit.domain._dates import add_months
from services.credit.domain.errors import HoldForbidden, ReasonRequired
from services.credit.domain.receivables import OpenItem, overdue_items
from services.credit.domain.roles import Actor

SYSTEM_ACTOR = "system:credit"


class HoldKind(StrEnum):
    MANUAL = "manual"
    OVERDUE = "overdue"
    BLACKLIST = "blacklist"


@dataclass(frozen=True, slots=True)
class Hold:
    kind: HoldKind
    placed_on: date
    placed_by: str
    reason: str
    hold_id: str | None = None
    invoice_numbers: tuple[str, ...] = ()

    @property
    def automatic(self) -> bool:
        return self.kind is HoldKind.OVERDUE


@dataclass(frozen=True, slots=True)
class HoldPolicy:
    overdue_threshold_days: int = 30
    blacklist_after: int | None = 3  # None: never blacklist automatically
    blacklist_window_months: int = 12
    disputed_items_trigger: bool = False
    manual_hold_roles: frozenset[str] = frozenset({roles.FINANCE})


@dataclass(frozen=True, slots=True)
class HoldChanges:
    placed: tuple[Hold, ...] = ()
    released: tuple[Hold, ...] = ()
    blacklisted: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.placed or self.released or self.blacklisted)


def items_beyond_threshold(open_items: Iterable[OpenItem], today: date,
                           policy: HoldPolicy = HoldPolicy()) -> tuple[OpenItem, ...]:
    return overdue_items(open_items, today, policy.overdue_threshold_days, policy.disputed_items_trigger)


def has_overdue_hold(active_holds: Sequence[Hold]) -> bool:
    """An automatic hold is in place: a further overdue fact changes nothing until it lifts."""
    return any(h.kind is HoldKind.OVERDUE for h in active_holds)


def holds_after_overdue_event(active_holds: Sequence[Hold], open_items: Iterable[OpenItem],
                              today: date, automatic_hold_dates: Sequence[date] = (),
                              already_blacklisted: bool = False,
                              policy: HoldPolicy = HoldPolicy()) -> HoldChanges:
    """`automatic_hold_dates`: when earlier OVERDUE holds were placed (active or lifted)."""
    if has_overdue_hold(active_holds):
        return HoldChanges()
    beyond = items_beyond_threshold(open_items, today, policy)
    if not beyond:
        return HoldChanges()
    placed = [Hold(HoldKind.OVERDUE, today, SYSTEM_ACTOR,
                   f"debt overdue {policy.overdue_threshold_days}+ days",
                   invoice_numbers=tuple(sorted({i.invoice_number for i in beyond})))]
    blacklisted = False
    if policy.blacklist_after is not None and not already_blacklisted:
        since = add_months(today, -policy.blacklist_window_months)
        count = 1 + sum(1 for d in automatic_hold_dates if since <= d <= today)
        if count >= policy.blacklist_after:
            blacklisted = True
            placed.append(Hold(HoldKind.BLACKLIST, today, SYSTEM_ACTOR,
                               f"{count} overdue holds within {policy.blacklist_window_months} months"))
    return HoldChanges(placed=tuple(placed), blacklisted=blacklisted)


def holds_after_payment(active_holds: Sequence[Hold], open_items: Iterable[OpenItem],
                        today: date, policy: HoldPolicy = HoldPolicy()) -> HoldChanges:
    """Lift OVERDUE holds once nothing is overdue by the threshold; never MANUAL or BLACKLIST."""
    if items_beyond_threshold(open_items, today, policy):
        return HoldChanges()
    return HoldChanges(released=tuple(h for h in active_holds if h.kind is HoldKind.OVERDUE))


def _authorise(actor: Actor, reason: str, policy: HoldPolicy) -> None:
    if not any(actor.has(r) for r in policy.manual_hold_roles):
        raise HoldForbidden(f"{actor.user_id} holds none of {sorted(policy.manual_hold_roles)}")
    if not reason.strip():
        raise ReasonRequired("a manual hold or release needs a reason")


def place_manual_hold(actor: Actor, reason: str, today: date,
                      policy: HoldPolicy = HoldPolicy()) -> Hold:
    _authorise(actor, reason, policy)
    return Hold(HoldKind.MANUAL, today, actor.user_id, reason)


def release_by_person(hold: Hold, actor: Actor, reason: str,
                      policy: HoldPolicy = HoldPolicy()) -> HoldChanges:
    """A person lifts any hold (manual, blacklist, or an overdue one early)."""
    _authorise(actor, reason, policy)
    return HoldChanges(released=(hold,))


def is_blacklisted(flag: bool, active_holds: Iterable[Hold]) -> bool:
    """Blacklisted by the profile's flag or an active blacklist hold (either is enough)."""
    return flag or any(h.kind is HoldKind.BLACKLIST for h in active_holds)


def places_overdue_hold(threshold_days: int, policy: HoldPolicy = HoldPolicy()) -> bool:
    """An overdue threshold at or beyond the hold threshold is worth evaluating the holds."""
    return threshold_days >= policy.overdue_threshold_days
