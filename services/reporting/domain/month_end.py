"""The month-end pack's calendar (月结): which month end a pack reports on, and when the
scheduled one is due. Pure; the job and the request handler apply it.

The scheduled pack for a month end is due from the configured day of the following month
(default the 5th, seed 002: "within 5 days after month end") and is built once per period:
its id is the period's, so a job run twice, or on two workers, finds it already there.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

from services.reporting.domain.kpis import parse_month as month_bounds
from shared.errors import RuleError


def period_of(on: date) -> str:
    return f"{on.year:04d}-{on.month:02d}"


def previous_month_end(today: date) -> date:
    return today.replace(day=1) - timedelta(days=1)


def parse_month(month: str, today: date, field: str = "month") -> date:
    """A requested period (YYYY-MM) to its month end; a month not yet ended is refused."""
    end = month_bounds(month, today, field)[1]
    if end >= today:
        raise RuleError(f"{month} has not ended yet: a month-end pack reports on a past month end",
                        field, "month.not_ended")
    return end


def scheduled_due(today: date, day_of_month: int) -> date | None:
    """The month end whose scheduled pack is due today: the previous one from `day_of_month`
    on (a day past the month's last counts as its last day), none before."""
    last = calendar.monthrange(today.year, today.month)[1]
    return previous_month_end(today) if today.day >= min(day_of_month, last) else None


def scheduled_pack_id(as_of: date) -> str:
    return f"month-end-{period_of(as_of)}"
