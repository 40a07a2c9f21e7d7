"""An injectable clock: production reads the wall clock in the business time zone;
tests and replays pin "today". Business dates never drift with the server's zone."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Protocol
from zoneinfo import ZoneInfo


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
