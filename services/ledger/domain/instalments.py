"""Instalment schedules (分期): the due dates and amounts an invoice is payable in.

An invoice without a schedule is one instalment (seq 1, the whole amount, the due
date from its terms). A schedule is valid when:
- it has at least one line, every amount > 0, in the invoice's currency, with no
  more decimals than the currency allows;
- the amounts sum *exactly* to the invoice amount;
- no due date is before the issue date.
`validate_schedule` sorts lines by due date (stable, so equal dates keep their input
order) and numbers them seq 1..n; errors name the line, e.g. "instalments[2].amount".

`down_payment_schedule` builds the common shape for large orders (000: a down payment
of at least 30%): ``percent`` of the amount (rounded HALF_UP to the currency's minor
unit) due first, the rest split into equal milestones in integer minor units, the
remainder minor units on the last milestone, so the sum is always exact.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shared.money import Money, MoneyError, to_decimal
from shared.errors import RuleError


class ScheduleError(RuleError):
    default_rule = "instalments"


@dataclass(frozen=True, slots=True)
class Instalment:
    seq: int
    due_date: date
    amount: Money


def single_instalment(amount: Money, due_date: date) -> tuple[Instalment, ...]:
    """The schedule of an invoice without one: the whole amount on its due date."""
    if not amount.is_positive:
        raise ScheduleError("the invoice amount must be positive", field="amount", rule="instalments.positive")
    return (Instalment(1, due_date, amount),)


def _as_money(value: Any, currency: str, field: str) -> Money:
    if isinstance(value, Money):
        if value.currency != currency:
            raise ScheduleError(f"instalment currency {value.currency} differs from the invoice's {currency}",
                                field=field, rule="instalments.currency")
        return value
    try:
        return Money(to_decimal(value), currency)
    except MoneyError as exc:
        raise ScheduleError(str(exc), field=field, rule="instalments.scale") from None


def validate_schedule(invoice_amount: Money, issue_date: date,
                      lines: Sequence[tuple[date, Any] | Instalment]) -> tuple[Instalment, ...]:
    """Validate a schedule of (due_date, amount) lines and return it sorted and numbered.

    Amounts may be `Money` or decimal strings/Decimals in the invoice's currency.
    """
    if not lines:
        raise ScheduleError("a schedule needs at least one instalment", field="instalments",
                            rule="instalments.empty")
    parsed: list[tuple[date, Money]] = []
    total = Money.zero(invoice_amount.currency)
    for i, line in enumerate(lines):
        due, raw = (line.due_date, line.amount) if isinstance(line, Instalment) else line
        amount = _as_money(raw, invoice_amount.currency, f"instalments[{i}].amount")
        if not amount.is_positive:
            raise ScheduleError("each instalment must be greater than zero", field=f"instalments[{i}].amount",
                                rule="instalments.positive")
        if due < issue_date:
            raise ScheduleError(f"due date {due.isoformat()} is before issue date {issue_date.isoformat()}",
                                field=f"instalments[{i}].due_date", rule="instalments.due_before_issue")
        parsed.append((due, amount))
        total = total + amount
    if total != invoice_amount:
        raise ScheduleError(f"instalments sum to {total}, the invoice amount is {invoice_amount}",
                            field="instalments", rule="instalments.sum")
    parsed.sort(key=lambda pair: pair[0])
    return tuple(Instalment(seq, due, amount) for seq, (due, amount) in enumerate(parsed, start=1))


def down_payment_schedule(invoice_amount: Money, issue_date: date, down_percent: Decimal | str | int,
                          down_due: date, milestone_dues: Sequence[date], *,
                          min_down_percent: Decimal | str | int | None = None) -> tuple[Instalment, ...]:
    """Down payment of ``down_percent`` % then ``len(milestone_dues)`` equal milestones.

    ``min_down_percent`` (e.g. 30 for large orders) refuses a smaller down payment.
    """
    try:
        percent = to_decimal(down_percent)
    except MoneyError as exc:
        raise ScheduleError(str(exc), field="down_percent", rule="instalments.down_percent") from None
    if not Decimal(0) < percent <= Decimal(100):
        raise ScheduleError("the down payment percent must be in (0, 100]", field="down_percent",
                            rule="instalments.down_percent")
    if min_down_percent is not None and percent < to_decimal(min_down_percent):
        raise ScheduleError(f"the down payment must be at least {min_down_percent}%", field="down_percent",
                            rule="instalments.min_down_percent")
    if percent == 100 and milestone_dues:
        raise ScheduleError("a 100% down payment leaves nothing for milestones", field="milestone_dues",
                            rule="instalments.milestones")
    if percent < 100 and not milestone_dues:
        raise ScheduleError("the rest after the down payment needs at least one milestone",
                            field="milestone_dues", rule="instalments.milestones")
    for n, due in enumerate(milestone_dues):
        if due < down_due:
            raise ScheduleError("a milestone cannot fall due before the down payment",
                                field=f"milestone_dues[{n}]", rule="instalments.milestone_order")
    currency = invoice_amount.currency
    total_minor = invoice_amount.minor
    down_minor = int((Decimal(total_minor) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    rest_minor = total_minor - down_minor
    lines: list[tuple[date, Money]] = [(down_due, Money.from_minor(down_minor, currency))]
    if milestone_dues:
        share, remainder = divmod(rest_minor, len(milestone_dues))
        for n, due in enumerate(milestone_dues):
            minor = share + (remainder if n == len(milestone_dues) - 1 else 0)
            lines.append((due, Money.from_minor(minor, currency)))
    return validate_schedule(invoice_amount, issue_date, lines)
