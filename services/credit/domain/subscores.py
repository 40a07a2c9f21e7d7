"""Repayment (到期货款偿还状况) and purchases (采购状况) sub-scores from the customer's own
history, by transparent band tables. Points are whole numbers, always rounded down.

Repayment, over receivables due in the 12 months up to the rating date:
  1. days late per item = (paid date, or the rating date while still open) − due date, ≥ 0;
  2. the amount-weighted average of those days picks a band (defaults, points of 40):
       ≤ 0 days 100 % (40) | ≤ 7 90 % (36) | ≤ 15 75 % (30) | ≤ 30 62.5 % (25)
       ≤ 60 50 % (20) | ≤ 90 25 % (10) | more 0 %
     so an on-time payer meets the A floor, ≤ 15 days the B floor, ≤ 30 the C floor,
     ≤ 60 the D floor;
  3. each broken promise to pay in the window costs 12.5 % of the weight (5 of 40); not < 0;
  4. a write-off (bad debt) is the worst repayment: its amount weighs in the average as paid
     never, at least as late as the worst band (91 days), and while one is in the window the
     score is at most `written_off_max_fraction` (75 %: 30 of 40, below the A floor), however
     small it is, even when its red flag is excused (our own fault). Before, a write-off took
     the debt out of the history, so the score rose.
  Without any due item there is no history: a person-entered score from the credit
  investigation is used if given, else 62.5 % (the C floor, 25 of 40).

Purchases: the amount bought in the last 12 months (for a customer with less history, the
larger of that and the contracted volume, 签约销售量 002 §2(2)) against bands (defaults, CNY,
points of 30): ≥ 1,000,000 100 % (30) | ≥ 500,000 90 % (27) | ≥ 200,000 80 % (24) |
≥ 100,000 70 % (21) | ≥ 50,000 60 % (18) | ≥ 20,000 40 % (12) | > 0 20 % (6) | none 0.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from typing import Iterable

from shared.money import Money, MoneyError
from services.credit.domain._dates import add_months
from services.credit.domain.receivables import OpenItem
from services.credit.domain.scorecard import PURCHASES, REPAYMENT, check_points

D = Decimal


@dataclass(frozen=True, slots=True)
class SubScore:
    """A computed criterion score and the facts it came from (for the explanation)."""

    criterion_id: str
    points: int
    max_points: int
    rule: str
    inputs: tuple[tuple[str, str], ...] = ()


def _points(weight: int, fraction: Decimal) -> int:
    return int((D(weight) * fraction).to_integral_value(ROUND_FLOOR))


# --- repayment ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RepaymentRecord:
    """A due amount and when it was paid; or, `written_off`, an amount written off on
    `due_date` (the write-off's effective date)."""
    due_date: date
    amount: Money
    paid_on: date | None = None
    written_off: bool = False

    def days_late(self, as_of: date) -> int:
        end = self.paid_on if self.paid_on is not None and self.paid_on <= as_of else as_of
        return max(0, (end - self.due_date).days)


@dataclass(frozen=True, slots=True)
class LatenessBand:
    max_days_late: Decimal | None  # inclusive upper bound; None = anything later
    fraction: Decimal


@dataclass(frozen=True, slots=True)
class RepaymentPolicy:
    window_months: int = 12
    bands: tuple[LatenessBand, ...] = (
        LatenessBand(D(0), D(1)), LatenessBand(D(7), D("0.9")), LatenessBand(D(15), D("0.75")),
        LatenessBand(D(30), D("0.625")), LatenessBand(D(60), D("0.5")),
        LatenessBand(D(90), D("0.25")), LatenessBand(None, D(0)),
    )
    broken_promise_penalty: Decimal = D("0.125")
    no_history_fraction: Decimal = D("0.625")
    written_off_max_fraction: Decimal = D("0.75")

    def __post_init__(self) -> None:
        if not self.bands or self.bands[-1].max_days_late is not None:
            raise ValueError("the last lateness band must be open-ended (max_days_late=None)")
        bounds = [b.max_days_late for b in self.bands[:-1]]
        if any(x is None for x in bounds) or bounds != sorted(bounds):
            raise ValueError("lateness bands must be in increasing order of days")
        if any(not D(0) <= b.fraction <= D(1) for b in self.bands):
            raise ValueError("band fractions must lie within 0..1")
        if not D(0) <= self.written_off_max_fraction <= D(1):
            raise ValueError("written_off_max_fraction must lie within 0..1")

    @property
    def worst_days(self) -> int:
        """Days late that land in the worst (open-ended) band."""
        return int(self.bands[-2].max_days_late) + 1 if len(self.bands) > 1 else 0

    def fraction_for(self, days: Decimal) -> Decimal:
        for band in self.bands:
            if band.max_days_late is None or days <= band.max_days_late:
                return band.fraction
        raise AssertionError("unreachable: last band is open-ended")


def _in_window(records: Iterable[RepaymentRecord], as_of: date, window_months: int) -> list[RepaymentRecord]:
    start = add_months(as_of, -window_months)
    return [r for r in records if start < r.due_date <= as_of and r.amount.is_positive]


def weighted_days_late(records: Iterable[RepaymentRecord], as_of: date, window_months: int = 12,
                       written_off_days: int = 0) -> Decimal | None:
    """Amount-weighted average days late of items due in (as_of − window, as_of]; None if none.
    A write-off counts at least `written_off_days` late."""
    due = _in_window(records, as_of, window_months)
    if not due:
        return None
    total = sum((r.amount.amount for r in due), D(0))
    if len({r.amount.currency for r in due}) > 1:
        raise MoneyError("repayment history mixes currencies: convert before scoring")
    weighted = sum((r.amount.amount * (max(r.days_late(as_of), written_off_days) if r.written_off
                                       else r.days_late(as_of)) for r in due), D(0))
    return weighted / total


def score_repayment(records: Iterable[RepaymentRecord], broken_promises: int, as_of: date,
                    weight: int = 40, policy: RepaymentPolicy = RepaymentPolicy(),
                    investigated_points: int | None = None) -> SubScore:
    if broken_promises < 0:
        raise ValueError("broken promises cannot be negative")
    records = list(records)
    avg = weighted_days_late(records, as_of, policy.window_months, policy.worst_days)
    penalty = _points(weight, policy.broken_promise_penalty) * broken_promises
    inputs = [("broken_promises", str(broken_promises)), ("penalty_points", str(penalty))]
    written_off = [r.amount for r in _in_window(records, as_of, policy.window_months) if r.written_off]
    if avg is None:
        if investigated_points is not None:
            check_points(REPAYMENT, investigated_points, weight)
            base, rule = investigated_points, "no own history: score from the credit investigation"
        else:
            base, rule = _points(weight, policy.no_history_fraction), "no own history: default score"
    else:
        fraction = policy.fraction_for(avg)
        rule = "weighted average days late -> band"
        if written_off and fraction > policy.written_off_max_fraction:
            fraction = policy.written_off_max_fraction
            rule += f"; capped at {fraction:%}: a write-off in the window (the worst repayment)"
        base = _points(weight, fraction)
        inputs = [("weighted_days_late", str(avg.quantize(D("0.01")))),
                  ("band_fraction", str(fraction))] + inputs
        if written_off:
            inputs.append(("written_off", str(sum(written_off[1:], written_off[0]))))
    points = max(0, base - penalty)
    return SubScore(REPAYMENT, points, weight, rule, tuple([("base_points", str(base))] + inputs))


# --- purchases ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PurchaseBand:
    min_amount: Decimal  # inclusive, in the policy currency
    fraction: Decimal


@dataclass(frozen=True, slots=True)
class PurchasesPolicy:
    currency: str = "CNY"
    bands: tuple[PurchaseBand, ...] = field(default=(
        PurchaseBand(D(1_000_000), D(1)), PurchaseBand(D(500_000), D("0.9")),
        PurchaseBand(D(200_000), D("0.8")), PurchaseBand(D(100_000), D("0.7")),
        PurchaseBand(D(50_000), D("0.6")), PurchaseBand(D(20_000), D("0.4")),
        PurchaseBand(D(0), D("0.2")),
    ))

    def __post_init__(self) -> None:
        mins = [b.min_amount for b in self.bands]
        if not mins or mins != sorted(mins, reverse=True):
            raise ValueError("purchase bands must be in decreasing order of amount")
        if any(not D(0) <= b.fraction <= D(1) for b in self.bands):
            raise ValueError("band fractions must lie within 0..1")

    def fraction_for(self, amount: Money) -> Decimal:
        if amount.currency != self.currency:
            raise MoneyError(f"purchase bands are in {self.currency}, not {amount.currency}")
        if not amount.is_positive:
            return D(0)  # no purchases, no points
        for band in self.bands:
            if amount.amount >= band.min_amount:
                return band.fraction
        return D(0)


def score_purchases(purchases_12m: Money, weight: int = 30,
                    policy: PurchasesPolicy = PurchasesPolicy(),
                    contracted_12m: Money | None = None) -> SubScore:
    basis, rule = purchases_12m, "purchases in the last 12 months -> band"
    if contracted_12m is not None and contracted_12m > purchases_12m:
        basis, rule = contracted_12m, "contracted 12-month volume (above actual) -> band"
    fraction = policy.fraction_for(basis)
    inputs = (("purchases_12m", str(purchases_12m)), ("basis", str(basis)),
              ("band_fraction", str(fraction)))
    return SubScore(PURCHASES, _points(weight, fraction), weight, rule, inputs)


def open_records(items: Iterable[OpenItem]) -> list[RepaymentRecord]:
    """Open instalments count in the repayment history as late up to the rating date, each
    from its own due date (as the ledger has it now); one without a due date is not due."""
    return [RepaymentRecord(i.due_date, i.open_amount, None) for i in items
            if i.open_amount.is_positive and i.due_date is not None]
