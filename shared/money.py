"""Money: Decimal in code, integer minor units in storage, decimal strings on the wire.

Floats never touch an amount. Each ISO 4217 currency has its own number of decimals;
an amount with more decimals than its currency allows is refused, not rounded, because a
silently rounded invoice is a reconciliation difference waiting to happen.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

# Minor-unit exponents of the currencies we expect; anything else is refused at the edge.
CURRENCY_EXPONENTS: dict[str, int] = {
    "CNY": 2, "USD": 2, "EUR": 2, "GBP": 2, "HKD": 2, "JPY": 0, "KRW": 0, "SGD": 2,
    "AUD": 2, "CAD": 2, "CHF": 2, "INR": 2, "TWD": 2, "MYR": 2, "THB": 2, "VND": 0,
    "IDR": 2, "PHP": 2, "BRL": 2, "MXN": 2, "RUB": 2, "ZAR": 2, "AED": 2, "SAR": 2,
    "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3, "NZD": 2, "SEK": 2, "NOK": 2,
    "DKK": 2, "PLN": 2, "CZK": 2, "HUF": 2, "TRY": 2, "ILS": 2, "CLP": 0, "ISK": 0,
}


# 10**-exponent per currency, the quantum every amount in it is a multiple of.
_QUANTA: dict[str, Decimal] = {code: Decimal(1).scaleb(-exp) for code, exp in CURRENCY_EXPONENTS.items()}


class MoneyError(ValueError):
    """An amount or currency that cannot be represented exactly."""


def exponent(currency: str) -> int:
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise MoneyError(f"unknown currency {currency!r}: use an ISO 4217 code") from None


def to_decimal(value: Any) -> Decimal:
    """Parse a wire value into a Decimal. Floats are refused: they are already inexact."""
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError("amounts must be decimal strings such as \"1234.50\", not floats")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (int, str)):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            raise MoneyError(f"{value!r} is not a decimal amount") from None
    else:
        raise MoneyError(f"{value!r} is not a decimal amount")
    if not result.is_finite():
        raise MoneyError("amounts must be finite")
    return result


def check_scale(amount: Decimal, currency: str) -> Decimal:
    """Refuse more decimals than the currency has; return the amount quantized to its scale."""
    exp = exponent(currency)
    quantized = amount.quantize(_QUANTA[currency])
    if amount != quantized:
        raise MoneyError(f"{currency} allows at most {exp} decimals")
    return quantized


def to_minor(amount: Decimal, currency: str) -> int:
    """Exact integer minor units for storage."""
    return int(check_scale(amount, currency).scaleb(exponent(currency)))


def from_minor(minor: int, currency: str) -> Decimal:
    exp = exponent(currency)
    return Decimal(minor).scaleb(-exp).quantize(_QUANTA[currency])


def format_amount(amount: Decimal, currency: str | None = None) -> str:
    if currency is not None:
        amount = amount.quantize(Decimal(1).scaleb(-exponent(currency)))
    return format(amount, "f")


def _serialize(value: Decimal) -> str:
    return format(value, "f")


# What a client or a producer may send as an amount (validation mode of the JSON Schema,
# the published event schemas and request bodies): no sign, no exponent, at most 3
# decimals, the most any currency has. The exact bound is the currency's minor unit
# (CURRENCY_EXPONENTS: CNY 2, JPY 0, BHD 3); the event schemas state it per currency
# (shared/events/export.py), and more decimals are refused, never rounded. Zero passes
# here; whether a field must be positive is the field's own rule. What the services send
# (serialization mode: responses) may be negative, e.g. a balance with unapplied cash.
AMOUNT_PATTERN = r"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,3})?$"  # at most 12 digits before the point (shared/wire.py)
AMOUNT_RULE = ("a decimal string, no sign and no exponent, with at most as many decimals as the "
               "currency's minor unit (ISO 4217: 2 for CNY, USD, EUR; 0 for JPY, KRW; 3 for BHD, KWD)")

# A pydantic field type: accepts "12.30" or 12 (never 12.3 as float), emits "12.30".
DecimalAmount = Annotated[
    Decimal,
    BeforeValidator(to_decimal),
    PlainSerializer(_serialize, return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "examples": ["1234.50"]}, mode="serialization"),
    WithJsonSchema({"type": "string", "pattern": AMOUNT_PATTERN, "description": AMOUNT_RULE,
                    "examples": ["1234.50"]}, mode="validation"),
]


def _currency(value: Any) -> str:
    if not isinstance(value, str):
        raise MoneyError("currency must be an ISO 4217 code such as \"CNY\"")
    code = value.strip().upper()
    exponent(code)
    return code


CurrencyCode = Annotated[
    str,
    BeforeValidator(_currency),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{3}$", "examples": ["CNY"]}),
]


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency. Arithmetic across currencies is an error."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", check_scale(to_decimal(self.amount), self.currency))

    @classmethod
    def zero(cls, currency: str) -> "Money":
        return cls(Decimal(0), currency)

    @classmethod
    def of(cls, amount: Any, currency: str) -> "Money":
        return cls(to_decimal(amount), currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> "Money":
        return cls._exact(from_minor(minor, currency), currency)

    @classmethod
    def _exact(cls, amount: Decimal, currency: str) -> "Money":
        """An amount known to be at the currency's scale (from minor units, or a sum or
        difference of such): skips re-validation, which is most of the cost of a Money
        on the credit check's path."""
        money = object.__new__(cls)
        object.__setattr__(money, "amount", amount)
        object.__setattr__(money, "currency", currency)
        return money

    @property
    def minor(self) -> int:
        return to_minor(self.amount, self.currency)

    def _same(self, other: "Money") -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise MoneyError(f"currency mismatch: {self.currency} and {other.currency}")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money._exact(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money._exact(self.amount - other.amount, self.currency)

    def __neg__(self) -> "Money":
        return Money._exact(-self.amount, self.currency)

    def __lt__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount >= other.amount

    def min(self, other: "Money") -> "Money":
        return self if self <= other else other

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    @property
    def is_positive(self) -> bool:
        return self.amount > 0

    def __str__(self) -> str:
        return f"{format_amount(self.amount)} {self.currency}"
