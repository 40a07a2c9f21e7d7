"""How customers pay (seed 003) and the warning signals (seeds 001, 000)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Sequence

ONE_DP = Decimal("0.1")


@dataclass(frozen=True)
class Applied:
    """Cash applied to an instalment."""
    payment: str
    amount_minor: int
    issue_date: date
    due_date: date
    paid_on: date
    method: str


def _weighted(pairs: Sequence[tuple[int, int]]) -> Decimal | None:
    total = sum(a for a, _ in pairs)
    return None if total <= 0 else (Decimal(sum(a * d for a, d in pairs)) / total).quantize(ONE_DP, ROUND_HALF_UP)


def cycle_days(lines: Sequence[Applied]) -> Decimal | None:
    """Collection cycle 回款周期 (001): amount-weighted days from the invoice to the payment."""
    return _weighted([(x.amount_minor, (x.paid_on - x.issue_date).days) for x in lines])


def days_late(lines: Sequence[Applied]) -> Decimal | None:
    """Recovery cycle (ours): amount-weighted days paid after the due date (0 when on time)."""
    return _weighted([(x.amount_minor, max(0, (x.paid_on - x.due_date).days)) for x in lines])


def weighted_days(amount_minor: int, weighted_minor_days: int) -> Decimal | None:
    """Σ amount × days ÷ Σ amount (the same average as `days_late`, from SQL sums)."""
    return None if amount_minor <= 0 else (Decimal(weighted_minor_days) / amount_minor).quantize(ONE_DP,
                                                                                                ROUND_HALF_UP)


def trend(lines: Sequence[Applied], start: date, end: date, tolerance_days: int) -> str:
    """`slower`, `faster` or `steady`: days late in the second half of [start, end] against
    the first (`unknown` without payments in both)."""
    middle = start.fromordinal((start.toordinal() + end.toordinal()) // 2)
    first = days_late([x for x in lines if x.paid_on <= middle])
    second = days_late([x for x in lines if x.paid_on > middle])
    if first is None or second is None:
        return "unknown"
    if second - first > tolerance_days:
        return "slower"
    if first - second > tolerance_days:
        return "faster"
    return "steady"


def methods(lines: Sequence[Applied]) -> dict[str, int]:
    out: dict[str, int] = {}
    for x in lines:
        out[x.method] = out.get(x.method, 0) + x.amount_minor
    return dict(sorted(out.items()))


GRADE_ORDER = ("AAA", "AA", "A", "B", "C", "D", "E")


def is_downgrade(previous: str | None, grade: str) -> bool:
    """A later letter (or one more of fewer A's) is worse; an unknown grade is no signal."""
    if previous is None or previous not in GRADE_ORDER or grade not in GRADE_ORDER:
        return False
    return GRADE_ORDER.index(grade) > GRADE_ORDER.index(previous)


def buying_more_paying_slower(sales_before: int, sales_now: int, late_before: Decimal | None,
                              late_now: Decimal | None, growth: Decimal, slower_days: int) -> bool:
    """Seed 000's warning: sales in the recent window above the previous one by more than
    `growth`, and days late up by at least `slower_days`."""
    if sales_before <= 0 or late_before is None or late_now is None:
        return False
    return (Decimal(sales_now) > Decimal(sales_before) * (1 + growth)
            and late_now - late_before >= slower_days)
