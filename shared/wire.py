"""What a client may send, declared once: the field types of every request body, query
and billing event, each with its bounds in the OpenAPI and JSON Schemas so clients and
fuzzers see them, and enforced exactly as declared. Nothing a client sends can reach the
database unbounded (a too-large amount used to break the nightly aging sweep for every
customer) or produce a 5xx.

- Amounts (`AmountIn`): a decimal string, at most 12 digits before the point and 3 after
  (the most any currency has; the currency's own minor unit is checked where the currency
  is known). 999,999,999,999.999 in minor units is 10^15, so sums over thousands of such
  documents still fit the 64-bit columns. No exponent (`1E+2`), no spaces, no float.
- Dates (`DateIn`): `YYYY-MM-DD` only (never the integer 0, never a datetime), between
  2000-01-01 and 2099-12-31. How far into the future a business date may go is a rule of
  each use (a payment is not received next month): `not_after`.
- Currencies (`CurrencyIn`): three capital letters of a currency we know, as the schema
  states (not "cny", not " CNY ").
- Free text (`Text(n)`): at most n characters, no control characters but tabs and line breaks.
- Identifiers: shared/ids.py. Booleans: `StrictBool` (true/false, not "yes" or 1).

And what every service answers: `Timestamp` (always with its zone), `OffsetQuery` (paging).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Query
from pydantic import AfterValidator, BeforeValidator, PlainSerializer, StringConstraints, WithJsonSchema

from shared.errors import RuleError
from shared.money import AMOUNT_PATTERN, AMOUNT_RULE, CURRENCY_EXPONENTS, MoneyError

MAX_AMOUNT_DIGITS = 12
MAX_AMOUNT = Decimal(10) ** MAX_AMOUNT_DIGITS - Decimal("0.001")
_AMOUNT_TEXT = re.compile(rf"-?(0|[1-9][0-9]{{0,{MAX_AMOUNT_DIGITS - 1}}})(\.[0-9]{{1,3}})?")

EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2099, 12, 31)
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_amount(value: Any) -> Decimal:
    """A wire amount: the string form the schema states. (A sign is let through to the
    field's own rule, which names it: "must be greater than zero".)"""
    if isinstance(value, Decimal) and value.is_finite():
        text = format(value, "f")
    elif isinstance(value, str):
        text = value
    else:
        raise MoneyError("amounts are decimal strings such as \"1234.50\", not numbers")
    if not _AMOUNT_TEXT.fullmatch(text):
        raise MoneyError(f"{text[:40]!r} is not an amount: a decimal string such as \"1234.50\", at most "
                         f"{MAX_AMOUNT_DIGITS} digits before the point and 3 after, no exponent or spaces")
    return Decimal(text)


AmountIn = Annotated[
    Decimal,
    BeforeValidator(parse_amount),
    PlainSerializer(lambda v: format(v, "f"), return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "pattern": AMOUNT_PATTERN, "maxLength": MAX_AMOUNT_DIGITS + 4,
                    "description": f"{AMOUNT_RULE}; at most {MAX_AMOUNT:,f}", "examples": ["1234.50"]}),
]


def parse_date(value: Any) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        day = value
    elif isinstance(value, str) and _DATE_TEXT.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date") from None
    else:
        raise ValueError("a date is a string YYYY-MM-DD")
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(f"dates run from {EARLIEST_DATE} to {LATEST_DATE}")
    return day


DateIn = Annotated[
    date,
    BeforeValidator(parse_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$",
                    "formatMinimum": EARLIEST_DATE.isoformat(), "formatMaximum": LATEST_DATE.isoformat(),
                    "description": f"YYYY-MM-DD, from {EARLIEST_DATE} to {LATEST_DATE}"}),
]


def parse_currency(value: Any) -> str:
    if not isinstance(value, str) or value not in CURRENCY_EXPONENTS:
        raise MoneyError(f"{str(value)[:10]!r} is not a currency we know: an ISO 4217 code such as \"CNY\"")
    return value


CurrencyIn = Annotated[
    str,
    BeforeValidator(parse_currency),
    WithJsonSchema({"type": "string", "enum": sorted(CURRENCY_EXPONENTS), "examples": ["CNY"]}),
]


#: free text: tabs and line breaks, no other control characters (PostgreSQL refuses NUL in
#: text: it would be a 500)
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def Text(max_length: int, min_length: int = 0):  # noqa: N802 (a type, as pydantic's constr)
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length, pattern=TEXT_PATTERN)]


def not_after(day: date | None, today: date, days: int, field: str, what: str) -> None:
    """A business date no later than `days` after today (a tolerance for time zones and
    paperwork dated ahead): a payment received next month is a typing error."""
    if day is not None and day > today + timedelta(days=days):
        raise RuleError(f"{what} cannot be more than {days} day(s) after today ({today})", field,
                        "date.in_the_future")


# Paging: an offset past what any list holds is still a page (empty), but an unbounded
# one overflowed the database's 64-bit OFFSET (a 500).
MAX_OFFSET = 10_000_000
OffsetQuery = Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"rows to skip, at most {MAX_OFFSET:,}")]


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)


# What we answer: a timestamp always with its zone (RFC 3339, as the schema's date-time
# says). SQLite gives stored UTC timestamps back without one.
Timestamp = Annotated[datetime, AfterValidator(_utc)]
