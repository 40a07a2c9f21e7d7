"""Summing Money for the credit rules."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from shared.money import Money, MoneyError


def total(amounts: Iterable[Money], currency: str) -> Money:
    """The sum as one Money. `sum(amounts, Money.zero(...))` builds and validates a Money per
    addition, which shows on the credit check's hot path and grows with a customer's items."""
    value = Decimal(0)
    for money in amounts:
        if money.currency != currency:
            raise MoneyError(f"currency mismatch: {currency} and {money.currency}")
        value += money.amount
    return Money(value, currency)
