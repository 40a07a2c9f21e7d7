"""Working days: China's public holidays and make-up working days (调休), overrides, and
weekends only where the public calendar does not reach."""
from datetime import date

import pytest

from services.ledger.domain.working_days import WEEKENDS_ONLY, WorkCalendar
from shared.errors import RuleError

MON = date(2024, 3, 4)


def test_weekends_only_counts_five_days_a_week():
    assert WEEKENDS_ONLY.add_working_days(MON, 15) == date(2024, 3, 25)
    assert WEEKENDS_ONLY.add_working_days(date(2024, 3, 8), 1) == date(2024, 3, 11)  # Friday -> Monday
    assert WEEKENDS_ONLY.add_working_days(date(2024, 3, 9), 1) == date(2024, 3, 11)  # from a Saturday
    assert WEEKENDS_ONLY.add_working_days(MON, 0) == MON
    with pytest.raises(RuleError):
        WEEKENDS_ONLY.add_working_days(MON, -1)


def test_the_public_calendar_skips_holidays_and_counts_make_up_days():
    china = WorkCalendar()
    assert not china.is_working_day(date(2026, 10, 1))  # National Day, a Thursday
    assert china.is_working_day(date(2026, 10, 10))  # a Saturday worked in lieu
    assert not china.is_working_day(date(2026, 2, 17))  # Spring Festival
    assert china.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert WEEKENDS_ONLY.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 1)  # the bug this fixes


def test_overrides_win_and_cover_a_year_the_package_does_not_know():
    company = WorkCalendar.of(days_off={date(2026, 9, 28)}, days_on={date(2026, 10, 3)})
    assert not company.is_working_day(date(2026, 9, 28)) and company.is_working_day(date(2026, 10, 3))
    year = max(y for y in range(2024, 2100) if WorkCalendar.covers(y)) + 1
    later = WorkCalendar.of(days_off={date(year, 1, 1)})
    assert not later.is_working_day(date(year, 1, 1))
    first_monday = next(date(year, 1, d) for d in range(2, 9) if date(year, 1, d).weekday() == 0)
    assert later.is_working_day(first_monday)  # weekends only beyond the public calendar's years
