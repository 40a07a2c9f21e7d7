"""The month-end calendar: month ends, the scheduled pack's due date, requested months."""
from datetime import date

import pytest

from services.reporting.domain.month_end import (
    parse_month, period_of, previous_month_end, scheduled_due, scheduled_pack_id)
from shared.errors import RuleError


def test_the_previous_month_end_and_a_period():
    assert previous_month_end(date(2028, 3, 5)) == date(2028, 2, 29)
    assert previous_month_end(date(2026, 1, 5)) == date(2025, 12, 31)
    assert period_of(date(2026, 3, 31)) == "2026-03"


@pytest.mark.parametrize("today,day,due", [
    (date(2026, 12, 4), 5, None),
    (date(2026, 12, 5), 5, date(2026, 11, 30)),
    (date(2026, 12, 28), 5, date(2026, 11, 30)),  # late (service down on the 5th): still due
    (date(2026, 1, 5), 5, date(2025, 12, 31)),
    (date(2026, 3, 1), 1, date(2026, 2, 28)),
    (date(2026, 2, 28), 31, date(2026, 1, 31)),  # day 31 in February is its last day
    (date(2026, 2, 27), 31, None),
])
def test_the_scheduled_pack_is_due_from_the_configured_day(today, day, due):
    assert scheduled_due(today, day) == due


def test_the_scheduled_pack_id_is_the_period():
    assert scheduled_pack_id(date(2026, 11, 30)) == "month-end-2026-11"


def test_a_requested_month_is_its_month_end():
    assert parse_month("2026-10", date(2026, 12, 2)) == date(2026, 10, 31)
    assert parse_month("2026-11", date(2026, 12, 1)) == date(2026, 11, 30)


@pytest.mark.parametrize("month,rule", [("2026-12", "month.not_ended"), ("2027-01", "month.in_the_future"),
                                        ("2026-13", "month.format"), ("2026", "month.format"), ("", "month.format")])
def test_a_month_not_ended_or_malformed_is_refused(month, rule):
    with pytest.raises(RuleError) as refused:
        parse_month(month, date(2026, 12, 2))
    assert refused.value.rule == rule and refused.value.field == "month"
