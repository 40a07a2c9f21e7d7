"""Summing Money for the credit rules, cheaply: the credit check (the sales hot path) sums a
customer's open items on every call, and each Money built is validated again."""
from __future__ import annotations

import functools
from decimal import Decimal
from typing import Iterable

from shared.money import Money, MoneyError


@functools.cache
def zero(currency: str) -> Money:
    """Money is immutable: one zero per currency serves every caller."""
    return Money.zero(currency)


def total(amounts: Iterable[Money], currency: str) -> Money:
    """The sum as one Money (`sum(amounts, zero)` would build one per addition). Every amount
    must be in `currency`."""
    value, count = Decimal(0), 0
    for money in amounts:
        if money.currency != currency:
            raise MoneyError(f"currency mismatch: {currency} and {money.currency}")
        value += money.amount
        count += 1
    return Money(value, currency) if count else zero(currency)
