"""Aging (账龄): days overdue, aging buckets and dunning severity tiers.

- Days overdue at date D = D - due date (negative before the due date, 0 on it).
- Aging buckets are given by their inclusive upper bounds in days overdue; the
  default bounds (0, 30, 60, 90) make the buckets of the reports (000, 002):
  "not_due" (<= 0), "1-30", "31-60", "61-90", "90+" (> 90). Any strictly increasing
  bounds starting at 0 work, e.g. (0, 30, 60, 90, 180, 365).
- Dunning severity (000): 1-30 days mild, 31-90 moderate, > 90 severe; not overdue
  has no severity (None). The two limits are configuration (`SeverityTiers`).
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.money import Money
from shared.errors import RuleError


class AgingConfigError(RuleError):
    default_rule = "aging.config"


def days_overdue(due_date: date, as_of: date) -> int:
    """D - due date, in days; <= 0 means not yet overdue."""
    return (as_of - due_date).days


NOT_DUE = "not_due"


@dataclass(frozen=True, slots=True)
class AgingBuckets:
    """Buckets from inclusive upper bounds; the first bound (0) is the not-due bucket."""

    bounds: tuple[int, ...] = (0, 30, 60, 90)

    def __post_init__(self) -> None:
        bounds = tuple(self.bounds)
        object.__setattr__(self, "bounds", bounds)
        if not bounds or bounds[0] != 0:
            raise AgingConfigError("aging bounds must start at 0 (the not-due bucket)", field="bounds")
        if any(b <= a for a, b in zip(bounds, bounds[1:])):
            raise AgingConfigError("aging bounds must be strictly increasing", field="bounds")

    @property
    def labels(self) -> tuple[str, ...]:
        ranges = [f"{lo + 1}-{hi}" for lo, hi in zip(self.bounds, self.bounds[1:])]
        return (NOT_DUE, *ranges, f"{self.bounds[-1]}+")

    def index_for(self, overdue_days: int) -> int:
        return bisect_left(self.bounds, overdue_days)

    def label_for(self, overdue_days: int) -> str:
        return self.labels[self.index_for(overdue_days)]


DEFAULT_BUCKETS = AgingBuckets()


def aging_bucket(due_date: date, as_of: date, buckets: AgingBuckets = DEFAULT_BUCKETS) -> str:
    """The bucket label of an item due on `due_date`, at `as_of`."""
    return buckets.label_for(days_overdue(due_date, as_of))


def bucket_totals(items: Iterable[tuple[date, Money]], as_of: date, currency: str,
                  buckets: AgingBuckets = DEFAULT_BUCKETS) -> dict[str, Money]:
    """Sum open amounts (due_date, open_amount) per bucket; every bucket present, in order."""
    totals = {label: Money.zero(currency) for label in buckets.labels}
    for due, amount in items:
        label = aging_bucket(due, as_of, buckets)
        totals[label] = totals[label] + amount
    return totals


class DunningSeverity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


@dataclass(frozen=True, slots=True)
class SeverityTiers:
    mild_max: int = 30
    moderate_max: int = 90

    def __post_init__(self) -> None:
        if not 1 <= self.mild_max < self.moderate_max:
            raise AgingConfigError("tiers need 1 <= mild_max < moderate_max", field="tiers")


DEFAULT_TIERS = SeverityTiers()


def dunning_severity(overdue_days: int, tiers: SeverityTiers = DEFAULT_TIERS) -> DunningSeverity | None:
    """mild (1..mild_max), moderate (..moderate_max), severe (beyond); None if not overdue."""
    if overdue_days <= 0:
        return None
    if overdue_days <= tiers.mild_max:
        return DunningSeverity.MILD
    if overdue_days <= tiers.moderate_max:
        return DunningSeverity.MODERATE
    return DunningSeverity.SEVERE


def disputed_part(open_minor: int, disputed_minor: int) -> int:
    """What of an open amount is disputed: never overdue, never aged, shown apart. (A
    payment may have taken the item below its disputed amount: the dispute covers what is
    left.)"""
    return max(0, min(open_minor, disputed_minor))
