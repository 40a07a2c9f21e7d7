"""Working days in China, for deadlines such as the 15 working days of dispute
fact-finding (000): weekends and public holidays are off, make-up working days (调休, a
Saturday or Sunday worked in lieu) are on. The public calendar is the State Council's
yearly announcement as maintained in the `chinese-calendar` package; configuration adds a
company's own days off and on, and covers a year the package does not know yet (it is
updated once the next year's holidays are announced, each December). A year it does not
cover counts weekends only, plus the overrides."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

from shared.errors import RuleError


@dataclass(frozen=True)
class WorkCalendar:
    days_off: frozenset[date] = field(default_factory=frozenset)  # e.g. a company holiday
    days_on: frozenset[date] = field(default_factory=frozenset)  # e.g. a make-up day the package lacks
    official: bool = True  # False: weekends only, plus the overrides

    @classmethod
    def of(cls, days_off: Collection[date] = (), days_on: Collection[date] = (), *,
           official: bool = True) -> "WorkCalendar":
        return cls(frozenset(days_off), frozenset(days_on), official)

    def is_working_day(self, day: date) -> bool:
        if day in self.days_on:
            return True
        if day in self.days_off:
            return False
        if self.official and self.covers(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    @staticmethod
    def covers(year: int) -> bool:
        """Whether the public calendar knows the holidays of `year`."""
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
        except NotImplementedError:
            return False
        return True

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (start itself does not count)."""
        if days < 0:
            raise RuleError("working days cannot be negative", "days", "working_days.negative")
        day, counted = start, 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day


WEEKENDS_ONLY = WorkCalendar(official=False)
