"""The receivables measures (docs/reporting.md has each formula and says which are ours).
Amounts are integer minor units; ratios Decimal, rounded where they are shown."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Sequence

from shared.errors import RuleError

ONE_DP, FOUR_DP = Decimal("0.1"), Decimal("0.0001")


def ratio(part: int, whole: int) -> Decimal | None:
    """part ÷ whole to 4 places; None when there is nothing to divide by."""
    return None if whole == 0 else (Decimal(part) / Decimal(whole)).quantize(FOUR_DP, ROUND_HALF_UP)


def days(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(ONE_DP, ROUND_HALF_UP)


def standard_dso(receivable: int, sales: int, window_days: int) -> Decimal | None:
    """Receivables open at D ÷ credit sales in (D−N, D] × N."""
    return None if sales <= 0 else days(Decimal(receivable) / Decimal(sales) * window_days)


def countback_dso(receivable: int, periods: Sequence[tuple[int, int]]) -> Decimal | None:
    """Walk back through (sales, days) periods, newest first, until the receivable is used up:
    the whole days of each period it covers, then the used share of the last one. None if
    the periods' sales do not cover it (not enough history)."""
    left, total = Decimal(receivable), Decimal(0)
    if left <= 0:
        return Decimal("0.0")
    for sales, length in periods:
        if sales <= 0:
            total += length
            continue
        if left > sales:
            total += length
            left -= sales
        else:
            return days(total + left / Decimal(sales) * length)
    return None


def best_possible_dso(current: int, sales: int, window_days: int) -> Decimal | None:
    """Current (not yet due) receivables ÷ credit sales × N."""
    return standard_dso(current, sales, window_days)


def add(dso: Decimal | None, best: Decimal | None) -> Decimal | None:
    """Average days delinquent = DSO − best possible DSO."""
    return None if dso is None or best is None else days(dso - best)


def turnover(sales: int, opening: int, closing: int) -> Decimal | None:
    """AR turnover over the window = credit sales ÷ average AR ((opening + closing) ÷ 2)."""
    average = Decimal(opening + closing) / 2
    return None if average == 0 else (Decimal(sales) / average).quantize(Decimal("0.01"), ROUND_HALF_UP)


def cei(opening: int, sales: int, closing: int, closing_current: int) -> Decimal | None:
    """(opening AR + credit sales − closing AR) ÷ (opening AR + credit sales − closing
    current AR) × 100."""
    denominator = opening + sales - closing_current
    if denominator <= 0:
        return None
    return (Decimal(opening + sales - closing) / Decimal(denominator) * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


def collection_rate(collected: int, to_collect: int) -> Decimal | None:
    """回款率 (ours) = collected in the period ÷ (overdue at its start + falling due in it)."""
    return ratio(max(collected, 0), to_collect)


class Rag(str, Enum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class RagThresholds:
    overdue_amber: Decimal
    overdue_red: Decimal
    progress_amber: Decimal
    progress_red: Decimal


def rag(overdue_rate: Decimal | None, progress: Decimal | None, t: RagThresholds) -> Rag:
    """The worse of two flags: the overdue rate at or above amber/red, the collection
    progress below amber/red (no figure: no flag raised by it)."""
    level = 0
    if overdue_rate is not None:
        level = max(level, 2 if overdue_rate >= t.overdue_red else 1 if overdue_rate >= t.overdue_amber else 0)
    if progress is not None:
        level = max(level, 2 if progress < t.progress_red else 1 if progress < t.progress_amber else 0)
    return (Rag.GREEN, Rag.AMBER, Rag.RED)[level]


# --- periods ---------------------------------------------------------------------------------

def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str, today: date, field: str = "month") -> tuple[date, date]:
    """`YYYY-MM` → its first and last day; a month after today's is refused."""
    try:
        year, month = (int(p) for p in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise RuleError("a month is YYYY-MM", field, "month.format") from None
    if first > today:
        raise RuleError(f"{text} has not begun (today is {today})", field, "month.in_the_future")
    return first, month_end(year, month)


def month_ends(on: date, count: int) -> list[date]:
    """The rolling curve's points, oldest first: `on` (its month so far, or its end) and the
    `count` − 1 month ends before it."""
    return sorted(last for _, last in months_back(on, count))


def months_back(on: date, count: int) -> list[tuple[date, date]]:
    """The month of `on` (to `on`) and the `count` − 1 whole months before, newest first."""
    out, first = [], date(on.year, on.month, 1)
    out.append((first, on))
    for _ in range(count - 1):
        last = first - timedelta(days=1)
        first = date(last.year, last.month, 1)
        out.append((first, last))
    return out


def check_range(start: date, end: date, max_days: int, today: date) -> None:
    if end < start:
        raise RuleError("must not be before from", "to", "date_order")
    if (end - start).days + 1 > max_days:
        raise RuleError(f"a range spans at most {max_days} days", "to", "range.too_long")
    if start > today:
        raise RuleError(f"from is after today ({today})", "from", "date.in_the_future")


def check_as_of(on: date, today: date, field: str = "as_of") -> None:
    if on > today:
        raise RuleError(f"reports are as of today ({today}) or earlier", field, "date.in_the_future")


def period_kind(start: date, end: date) -> str:
    """`quarter` or `year` when [start, end] is one calendar quarter or year, else `custom`."""
    if start.day == 1 and end == month_end(end.year, end.month) and start.year == end.year:
        if start.month == 1 and end.month == 12:
            return "year"
        if start.month in (1, 4, 7, 10) and end.month == start.month + 2:
            return "quarter"
    return "custom"
