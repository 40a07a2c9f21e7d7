"""An injectable clock: production reads the wall clock in the business time zone;
tests and replays pin "today". Business dates never drift with the server's zone.

`AR_BUSINESS_DATE=YYYY-MM-DD` (refused when AR_ENV=prod) pins "today" for every service
and job of a process: demos, training and end-to-end tests that need another day use it
instead of sending future dates through the API."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from shared.settings import Settings


class Clock(Protocol):
    def now(self) -> datetime: ...
    def today(self) -> date: ...


class SystemClock:
    def __init__(self, business_timezone: str = "Asia/Shanghai") -> None:
        self.zone = ZoneInfo(business_timezone)

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def today(self) -> date:
        """The business date: today in the business time zone, not the server's."""
        return datetime.now(self.zone).date()


class FixedClock:
    """A clock tests move by hand."""

    def __init__(self, at: datetime, business_timezone: str = "Asia/Shanghai") -> None:
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        self._at = at
        self.zone = ZoneInfo(business_timezone)

    def now(self) -> datetime:
        return self._at

    def today(self) -> date:
        return self._at.astimezone(self.zone).date()

    def set(self, at: datetime) -> None:
        self._at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)


class PinnedClock:
    """A business date pinned by configuration; the time of day still moves, so audit
    timestamps keep their order."""

    def __init__(self, day: date, business_timezone: str = "Asia/Shanghai") -> None:
        self.day = day
        self.zone = ZoneInfo(business_timezone)

    def now(self) -> datetime:
        wall = datetime.now(self.zone).time()
        return datetime.combine(self.day, time(wall.hour, wall.minute, wall.second, wall.microsecond),
                                self.zone).astimezone(timezone.utc)

    def today(self) -> date:
        return self.day


def clock_for(settings: "Settings") -> Clock:
    if settings.business_date is not None:
        return PinnedClock(settings.business_date, settings.business_timezone)
    return SystemClock(settings.business_timezone)
