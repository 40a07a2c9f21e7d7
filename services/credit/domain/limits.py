"""Suggested credit limit and term per grade (002 §2(2)).

limit = average monthly sales of the last 12 months × the grade's factor, the factor kept
within [0.5, 1.5] (上下浮50%), rounded DOWN to a step (default 1,000 of the currency).
Default factors: A 1.5, B 1.2, C 1.0, D 0.5. Default terms: A 30, B 30, C 15, D 7 days,
never above 30 (账期不超过30天). A grade that extends no credit (E) gets limit 0, term 0:
prepayment only. A configured factor outside the bounds is clamped, and the suggestion
says so. Average monthly sales = the 12-month total / 12, rounded down to the minor unit,
whatever the customer's age (a younger customer is not annualised upwards).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Mapping

from shared.money import Money, exponent
from services.credit.domain.grade_scale import DEFAULT_SCALE, GradeScale

D = Decimal


@dataclass(frozen=True, slots=True)
class LimitPolicy:
    factors: Mapping[str, Decimal] = field(default_factory=lambda: {
        "A": D("1.5"), "B": D("1.2"), "C": D("1.0"), "D": D("0.5")})
    terms_days: Mapping[str, int] = field(default_factory=lambda: {"A": 30, "B": 30, "C": 15, "D": 7})
    min_factor: Decimal = D("0.5")
    max_factor: Decimal = D("1.5")
    max_term_days: int = 30
    rounding_step: Decimal = D(1000)

    def __post_init__(self) -> None:
        if not D(0) < self.min_factor <= self.max_factor:
            raise ValueError("need 0 < min_factor <= max_factor")
        if self.rounding_step <= 0:
            raise ValueError("rounding step must be positive")
        if self.max_term_days < 0 or any(t < 0 for t in self.terms_days.values()):
            raise ValueError("terms cannot be negative")


@dataclass(frozen=True, slots=True)
class LimitSuggestion:
    grade: str
    limit: Money
    term_days: int
    prepayment_only: bool
    average_monthly_sales: Money
    factor: Decimal  # the factor applied (after clamping); 0 for prepayment only
    factor_clamped: bool
    unrounded: Money


def average_monthly_sales(sales_12m: Money, months: int = 12) -> Money:
    if months <= 0:
        raise ValueError("months must be positive")
    quantum = D(1).scaleb(-exponent(sales_12m.currency))
    return Money((sales_12m.amount / months).quantize(quantum, ROUND_FLOOR), sales_12m.currency)


def limit_bounds(average_monthly: Money, policy: LimitPolicy = LimitPolicy()) -> tuple[Money, Money]:
    """The policy's lowest and highest limit for this average (before rounding)."""
    return _times(average_monthly, policy.min_factor), _times(average_monthly, policy.max_factor)


def _times(money: Money, factor: Decimal) -> Money:
    quantum = D(1).scaleb(-exponent(money.currency))
    return Money((money.amount * factor).quantize(quantum, ROUND_FLOOR), money.currency)


def suggest_limit(grade: str, average_monthly: Money, policy: LimitPolicy = LimitPolicy(),
                  scale: GradeScale = DEFAULT_SCALE) -> LimitSuggestion:
    if average_monthly.amount < 0:
        raise ValueError("average monthly sales cannot be negative")
    zero = Money.zero(average_monthly.currency)
    if not scale.extends_credit(grade):
        return LimitSuggestion(grade, zero, 0, True, average_monthly, D(0), False, zero)
    try:
        configured = policy.factors[grade]
        term = policy.terms_days[grade]
    except KeyError:
        raise ValueError(f"no limit factor or term configured for grade {grade!r}") from None
    factor = min(max(configured, policy.min_factor), policy.max_factor)
    unrounded = _times(average_monthly, factor)
    step = policy.rounding_step
    rounded = (unrounded.amount / step).to_integral_value(ROUND_FLOOR) * step
    limit = Money(rounded, average_monthly.currency)
    return LimitSuggestion(grade, limit, min(term, policy.max_term_days), False, average_monthly,
                           factor, factor != configured, unrounded)
