"""Late fees and interest (滞纳金/逾期利息, 003): a computed figure for demand letters.

Simple interest at a configured daily rate (a Decimal such as 0.0005 = 0.05%/day)
on the open amount for each day overdue. Nothing here is booked: the result is the
figure a demand letter states, rounded once, HALF_UP, to the currency's minor unit.

- Day counting follows "days overdue at D = D - due date": at due+1 one day has
  accrued. A payment effective on date p lowers the balance from p on, so the old
  balance accrues for the days in [start, p) and the new one from p.
- Grace days (decision): interest starts at due date + grace days; a debt paid within
  the grace period pays nothing, and after it the first grace days stay free.
- Cap: optional, as a fraction of the invoice amount (`cap_rate`) and/or an amount
  (`cap_amount`); the lower one applies.
- Basis (`AccrualBasis`):
  * SEGMENTED (default): from the accrual start, segment by segment between payment
    dates, each segment on the balance open during it (partial payment history).
  * SINCE_LAST_PAYMENT: only the balance open now, from the accrual start or the last
    payment date if later (for letters where earlier interest was already claimed).
Payments after `as_of` are ignored; payments beyond the balance floor it at zero.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from shared.money import Money, exponent, to_decimal
from shared.errors import RuleError


class LateFeeError(RuleError):
    default_rule = "late_fee"


class AccrualBasis(StrEnum):
    SEGMENTED = "segmented"
    SINCE_LAST_PAYMENT = "since_last_payment"


@dataclass(frozen=True, slots=True)
class LateFeePolicy:
    daily_rate: Decimal
    grace_days: int = 0
    cap_rate: Decimal | None = None
    cap_amount: Money | None = None
    basis: AccrualBasis = AccrualBasis.SEGMENTED

    def __post_init__(self) -> None:
        object.__setattr__(self, "daily_rate", to_decimal(self.daily_rate))  # refuses floats
        if self.daily_rate < 0:
            raise LateFeeError("the daily rate cannot be negative", field="daily_rate")
        if isinstance(self.grace_days, bool) or not isinstance(self.grace_days, int) or self.grace_days < 0:
            raise LateFeeError("grace days must be a whole number >= 0", field="grace_days")
        if self.cap_rate is not None:
            object.__setattr__(self, "cap_rate", to_decimal(self.cap_rate))
            if self.cap_rate < 0:  # type: ignore[operator]
                raise LateFeeError("the cap rate cannot be negative", field="cap_rate")
        if self.cap_amount is not None and self.cap_amount.amount < 0:
            raise LateFeeError("the cap amount cannot be negative", field="cap_amount")
        object.__setattr__(self, "basis", AccrualBasis(self.basis))


@dataclass(frozen=True, slots=True)
class FeeSegment:
    start: date
    end: date  # exclusive
    balance: Money
    interest: Decimal  # exact, unrounded

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True, slots=True)
class LateFee:
    amount: Money  # rounded HALF_UP to the currency scale, after the cap
    segments: tuple[FeeSegment, ...]
    uncapped: Decimal  # exact sum of the segments
    capped: bool


def _checked(amount: Money, payments: Sequence[tuple[date, Money]]) -> list[tuple[date, Money]]:
    if amount.amount < 0:
        raise LateFeeError("the amount cannot be negative", field="amount")
    for i, (_, paid) in enumerate(payments):
        if paid.currency != amount.currency:
            raise LateFeeError(f"payment in {paid.currency}, invoice in {amount.currency}",
                               field=f"payments[{i}].amount", rule="late_fee.currency")
        if not paid.is_positive:
            raise LateFeeError("a payment must be greater than zero", field=f"payments[{i}].amount",
                               rule="late_fee.payment_positive")
    return sorted(payments, key=lambda p: p[0])


def _segments(amount: Money, start: date, as_of: date, payments: list[tuple[date, Money]],
              policy: LateFeePolicy) -> list[FeeSegment]:
    zero = Money.zero(amount.currency)
    if policy.basis is AccrualBasis.SINCE_LAST_PAYMENT:
        paid = [p for p in payments if p[0] <= as_of]
        balance = max(amount - sum((m for _, m in paid), zero), zero, key=lambda m: m.amount)
        if paid:
            start = max(start, paid[-1][0])
        cuts: list[tuple[date, Money]] = []
    else:
        balance = amount
        cuts = []
        for when, paid_amount in payments:
            if when <= start:
                balance = balance - paid_amount
            elif when <= as_of:
                cuts.append((when, paid_amount))
        balance = balance if balance.amount > 0 else zero
    out: list[FeeSegment] = []
    cursor = start
    for when, paid_amount in [*cuts, (as_of, zero)]:
        if when > cursor and balance.is_positive:
            days = (when - cursor).days
            out.append(FeeSegment(cursor, when, balance, balance.amount * policy.daily_rate * days))
        cursor = max(cursor, when)
        balance = balance - paid_amount if paid_amount < balance else zero
    return out


def late_fee(amount: Money, due_date: date, as_of: date, policy: LateFeePolicy,
             payments: Sequence[tuple[date, Money]] = ()) -> LateFee:
    """The late fee on an instalment of `amount` due on `due_date`, at `as_of`.

    `payments` are (effective date, amount paid) against this instalment, any order.
    """
    ordered = _checked(amount, payments)
    start = due_date + timedelta(days=policy.grace_days)
    segments = _segments(amount, start, as_of, ordered, policy) if as_of > start else []
    uncapped = sum((s.interest for s in segments), Decimal(0))
    limits = [uncapped]
    if policy.cap_rate is not None:
        limits.append(amount.amount * policy.cap_rate)
    if policy.cap_amount is not None:
        if policy.cap_amount.currency != amount.currency:
            raise LateFeeError("the cap is in another currency", field="cap_amount", rule="late_fee.currency")
        limits.append(policy.cap_amount.amount)
    fee = min(limits)
    quantum = Decimal(1).scaleb(-exponent(amount.currency))
    rounded = fee.quantize(quantum, rounding=ROUND_HALF_UP)
    return LateFee(Money(rounded, amount.currency), tuple(segments), uncapped, fee < uncapped)
