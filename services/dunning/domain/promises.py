"""Promises to pay (承诺付款, 000: recorded per debt) and repayment agreements (还款协议, 003).
A promise is kept when what the customer paid since it was made reaches its amount, broken
when its date plus the grace period passed without that; a plan's instalments are met in
order by what was paid since it was made, and a missed one (after the grace) breaches it
and resumes the ladder."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from shared.errors import RuleError

MAX_INSTALMENTS = 60


def check_promise(amount: Decimal, promised_date: date, open_total: Decimal, today: date) -> None:
    if amount <= 0:
        raise RuleError("a promise is for an amount greater than zero", "amount", "promise.amount")
    if promised_date < today:
        raise RuleError(f"a promise cannot be dated in the past (today is {today})", "promised_date",
                        "promise.in_the_past")
    if amount > open_total:
        raise RuleError(f"the promise ({amount}) is larger than the open debt ({open_total})", "amount",
                        "promise.larger_than_debt")


def promise_outcome(amount: Decimal, paid: Decimal, promised_date: date, grace_days: int, today: date) -> str:
    """open | kept | broken."""
    if paid >= amount:
        return "kept"
    if today > promised_date + timedelta(days=grace_days):
        return "broken"
    return "open"


@dataclass(frozen=True)
class Instalment:
    due_date: date
    amount: Decimal


def check_plan(amount: Decimal, instalments: list[Instalment], open_total: Decimal, today: date) -> None:
    """The instalments add up to the plan's amount, are dated from today on in order, and the
    plan covers no more than the open debt."""
    if not instalments:
        raise RuleError("a plan has at least one instalment", "instalments", "plan.no_instalments")
    if amount <= 0:
        raise RuleError("a plan covers an amount greater than zero", "amount", "plan.amount")
    if amount > open_total:
        raise RuleError(f"the plan ({amount}) covers more than the open debt ({open_total})", "amount",
                        "plan.larger_than_debt")
    total = sum((i.amount for i in instalments), Decimal(0))
    if total != amount:
        raise RuleError(f"the instalments add up to {total}, not the plan's {amount}", "instalments",
                        "plan.instalments_do_not_add_up")
    for n, i in enumerate(instalments):
        if i.amount <= 0:
            raise RuleError("each instalment is greater than zero", f"instalments[{n}].amount", "plan.instalment")
        if i.due_date < today:
            raise RuleError(f"an instalment cannot be due in the past (today is {today})",
                            f"instalments[{n}].due_date", "plan.in_the_past")
        if n and i.due_date <= instalments[n - 1].due_date:
            raise RuleError("instalments are in date order, one per date", f"instalments[{n}].due_date",
                            "plan.unordered")


def plan_outcome(instalments: list[Instalment], paid: Decimal, grace_days: int, today: date) -> str:
    """current | completed | breached: breached when, after an instalment's date plus the
    grace, the payments since the plan do not cover every instalment due by then."""
    owed = Decimal(0)
    total = sum((i.amount for i in instalments), Decimal(0))
    if paid >= total:
        return "completed"
    for i in instalments:
        owed += i.amount
        if today > i.due_date + timedelta(days=grace_days) and paid < owed:
            return "breached"
    return "current"
