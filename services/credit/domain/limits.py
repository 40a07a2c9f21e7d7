"""Suggested credit limit and term per grade (002 §2(2)).

limit = average monthly sales × the grade's factor, the factor kept within [0.5, 1.5]
(上下浮50%), rounded DOWN to a step (default 1,000 of the currency).

The basis (`limit_basis`): the average monthly sales of the whole previous calendar year
(上年全年, the default), or of the rolling 12 months up to the rating date (an option); for a
new customer, the contracted 12-month volume (签约销售量) / 12 when one is given, and also
for a customer who bought nothing in the basis period. The band: a limit above the basis ×
the highest factor (1.5) is beyond the policy and needs a justification (`max_limit`).
Default factors: A 1.5, B 1.2, C 1.0, D 0.5. Default terms: A 30, B 30, C 15, D 7 days,
never above 30 (账期不超过30天). A grade that extends no credit (E) gets limit 0, term 0:
prepayment only. A configured factor outside the bounds is clamped, and the suggestion
says so. Average monthly sales = the 12-month total / 12, rounded down to the minor unit,
whatever the customer's age (a younger customer is not annualised upwards).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from typing import Mapping

from shared.errors import RuleError
from shared.money import Money, exponent
from services.credit.domain._dates import add_months
from services.credit.domain.grade_scale import DEFAULT_SCALE, GradeScale

D = Decimal


class LimitBasis(StrEnum):
    PREVIOUS_YEAR = "previous_year"  # 上年全年
    ROLLING_12_MONTHS = "rolling_12_months"
    CONTRACTED_VOLUME = "contracted_volume"  # 签约销售量, for a new customer


@dataclass(frozen=True, slots=True)
class LimitPolicy:
    factors: Mapping[str, Decimal] = field(default_factory=lambda: {
        "A": D("1.5"), "B": D("1.2"), "C": D("1.0"), "D": D("0.5")})
    terms_days: Mapping[str, int] = field(default_factory=lambda: {"A": 30, "B": 30, "C": 15, "D": 7})
    min_factor: Decimal = D("0.5")
    max_factor: Decimal = D("1.5")
    max_term_days: int = 30
    rounding_step: Decimal = D(1000)
    basis: LimitBasis = LimitBasis.PREVIOUS_YEAR

    def __post_init__(self) -> None:
        if self.basis is LimitBasis.CONTRACTED_VOLUME:
            raise ValueError("the sales basis is the previous year or the rolling 12 months")
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


def sales_period(as_of: date, basis: LimitBasis) -> tuple[date, date]:
    """The first and last day of the sales the basis averages."""
    if basis is LimitBasis.PREVIOUS_YEAR:
        return date(as_of.year - 1, 1, 1), date(as_of.year - 1, 12, 31)
    return date.fromordinal(add_months(as_of, -12).toordinal() + 1), as_of


@dataclass(frozen=True, slots=True)
class SuggestionBasis:
    kind: LimitBasis
    average_monthly: Money
    period: tuple[date, date] | None  # None for the contracted volume


def limit_basis(policy: "LimitPolicy", as_of: date, sales: Money, is_new: bool,
                contracted_12m: Money | None) -> SuggestionBasis:
    """What the suggestion and the band stand on: `sales` bought in `sales_period`, or the
    contracted volume of a new customer (or of one who bought nothing in the period)."""
    if contracted_12m is not None and (is_new or not sales.is_positive):
        return SuggestionBasis(LimitBasis.CONTRACTED_VOLUME, average_monthly_sales(contracted_12m), None)
    return SuggestionBasis(policy.basis, average_monthly_sales(sales), sales_period(as_of, policy.basis))


def max_limit(average_monthly: Money, policy: "LimitPolicy") -> Money:
    """The highest limit the policy allows on this basis (上下浮50%): beyond it, an exception
    that needs a justification."""
    return limit_bounds(average_monthly, policy)[1]


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


@dataclass(frozen=True, slots=True)
class PolicyException:
    """Where an application goes beyond the policy (002 §2(2)): it needs a justification."""
    rule: str  # limit.above_policy | term.over_policy
    detail: str


def beyond_policy(basis: SuggestionBasis, policy: LimitPolicy, limit: Money | None = None,
                  term_days: int | None = None, what: str = "") -> tuple[PolicyException, ...]:
    """A limit above the basis × the highest factor (上下浮50%), a term over the maximum
    (账期不超过30天): each an exception."""
    out = []
    top = max_limit(basis.average_monthly, policy)
    if limit is not None and limit.currency == top.currency and limit > top:
        out.append(PolicyException("limit.above_policy",
                                   f"{what}limit {limit} above the policy's {top} (average monthly sales "
                                   f"{basis.average_monthly} × {policy.max_factor}, {basis.kind})"))
    if term_days is not None and term_days > policy.max_term_days:
        out.append(PolicyException("term.over_policy", f"{what}term {term_days} days over the policy's "
                                                       f"{policy.max_term_days}"))
    return tuple(out)


def check_justification(exceptions: tuple[PolicyException, ...], justification: str | None) -> None:
    """An application beyond the policy is refused without a written justification."""
    if exceptions and not (justification or "").strip():
        raise RuleError("beyond the policy, a written justification is needed: "
                        + "; ".join(e.detail for e in exceptions), "justification",
                        "application.justification_required")
