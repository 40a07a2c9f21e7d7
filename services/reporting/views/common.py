"""What the views share: the currency asked for, money from minor units, keys of groups."""
from __future__ import annotations

from decimal import Decimal

from services.reporting.deps import ReportingDeps
from shared.money import from_minor

UNASSIGNED = "unassigned"


def currency_of(deps: ReportingDeps, currency: str | None) -> str:
    return currency or deps.config.default_currency


def money(minor: int | None, currency: str) -> Decimal | None:
    return None if minor is None else from_minor(int(minor), currency)


def key(value) -> str:
    return UNASSIGNED if value in (None, "") else str(value)
