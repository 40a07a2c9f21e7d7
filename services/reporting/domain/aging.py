"""Aging buckets (账龄): slabs of days past the due date (or since the invoice date), any
number of them, their labels, and which bucket an amount falls in on a date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Iterable, Sequence

from shared.errors import RuleError

DEFAULT_BOUNDS = (30, 60, 90, 180)
MAX_BUCKETS = 12
GROUPS = ("customer", "region", "product_line", "customer_type", "industry", "size", "salesperson", "collector",
          "grade", "currency")


class Basis(str, Enum):
    DUE_DATE = "due_date"
    INVOICE_DATE = "invoice_date"


def parse_bounds(text: str | None, default: Sequence[int] = DEFAULT_BOUNDS, field: str = "buckets") -> tuple[int, ...]:
    """`30,60,90,180` → the upper bounds (in days) of every slab but the last; strictly
    ascending, positive."""
    if text is None or text == "":
        return tuple(default)
    try:
        bounds = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise RuleError("buckets are whole days separated by commas, e.g. 30,60,90,180", field,
                        "buckets.format") from None
    check_bounds(bounds, field)
    return bounds


def check_bounds(bounds: Sequence[int], field: str = "buckets") -> tuple[int, ...]:
    if not bounds or len(bounds) > MAX_BUCKETS:
        raise RuleError(f"give 1 to {MAX_BUCKETS} bounds", field, "buckets.count")
    if bounds[0] < 1 or bounds[-1] > 36_500:
        raise RuleError("bounds run from 1 to 36500 days", field, "buckets.range")
    if any(b <= a for a, b in zip(bounds, bounds[1:])):
        raise RuleError("bounds must be strictly ascending", field, "buckets.not_ascending")
    return tuple(bounds)


@dataclass(frozen=True)
class Slab:
    label: str
    low: int | None   # days, inclusive; None: no lower limit (not yet due)
    high: int | None  # days, inclusive; None: no upper limit


def slabs(bounds: Sequence[int], basis: Basis = Basis.DUE_DATE) -> tuple[Slab, ...]:
    """By due date: `current` (not overdue), then 1–30, 31–60, …, 181+.
    By invoice date: 0–30, 31–60, …, 181+ days since the invoice."""
    out: list[Slab] = []
    if basis is Basis.DUE_DATE:
        out.append(Slab("current", None, 0))
        low = 1
    else:
        low = 0
    for b in bounds:
        out.append(Slab(f"{low}-{b}", low, b))
        low = b + 1
    out.append(Slab(f"{low}+", low, None))
    if basis is Basis.INVOICE_DATE:
        out[0] = Slab(out[0].label, None, out[0].high)
    return tuple(out)


def days_on(on: date, due_date: date | None, issue_date: date, basis: Basis) -> int | None:
    """Days past due (or since the invoice) on `on`; None: no due date yet (current)."""
    ref = due_date if basis is Basis.DUE_DATE else issue_date
    return None if ref is None else (on - ref).days


def bucket_of(days: int | None, table: Sequence[Slab]) -> int:
    if days is None:
        return 0
    for i, slab in enumerate(table):
        if slab.high is None or days <= slab.high:
            return i
    return len(table) - 1


def split_disputed(open_by_bucket: Iterable[tuple[int, int]], disputed_minor: int) -> dict[int, int]:
    """A dispute names an invoice, not an instalment: the disputed amount (at most what is
    open) is taken from its oldest buckets first. (bucket, open) pairs → bucket → disputed."""
    left, out = disputed_minor, {}
    for bucket, minor in sorted(open_by_bucket, key=lambda p: -p[0]):
        take = min(left, minor)
        if take:
            out[bucket] = out.get(bucket, 0) + take
            left -= take
    return out
