"""Which steps of its ladder an item takes today. Each step runs at most once per (item,
step, due date); a late start (an item first seen long after due, after downtime or after
a pause) runs only the step that fits the item's current age and records the earlier ones
as skipped, so the customer never gets a burst of stale messages. A request to stop
supply or hold credit is a state, not a message: it is still made on a late start."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.dunning.domain.policies import REQUEST_ACTIONS, Policy, Step
from shared.errors import Conflict, RuleError


@dataclass(frozen=True)
class ItemAge:
    due_date: date
    open_amount: Decimal
    established: bool = False  # an established customer in good standing: gentler pre-due timing


@dataclass(frozen=True)
class Decision:
    step: Step
    status: str  # "execute" | "skipped"
    reason: str = ""


def step_day(step: Step, established: bool) -> int:
    return step.day_established if established and step.day_established is not None else step.day


def is_established(grade: str | None, onboarded_on: date | None, today: date, overdue_before: int) -> bool:
    """004: the pre-due reminder comes 3 days before due (not 7) for a customer of grade A or
    B, with us for a year or more and never overdue before."""
    return (grade in ("A", "B") and onboarded_on is not None and (today - onboarded_on).days >= 365
            and overdue_before == 0)


def decide(policy: Policy, item: ItemAge, today: date, done: set[str]) -> list[Decision]:
    """The steps to record today for one item: those whose day has come and that are not
    yet `done` (executed or skipped for this due date). The latest one executes; earlier
    ones are skipped (requests still execute). Optional steps are never run by the ladder."""
    age = (today - item.due_date).days
    due = [s for s in policy.steps if not s.optional and s.key not in done and step_day(s, item.established) <= age]
    if not due:
        return []
    out = []
    for step in due[:-1]:
        if step.action in REQUEST_ACTIONS:
            out.append(_below_minimum(step, item) or Decision(step, "execute"))
        else:
            out.append(Decision(step, "skipped", f"late start: the item was {age} days from due, past this step"))
    last = due[-1]
    out.append(_below_minimum(last, item) or Decision(last, "execute"))
    return out


def _below_minimum(step: Step, item: ItemAge) -> Decision | None:
    if item.open_amount < step.min_amount:
        return Decision(step, "skipped", f"open amount {item.open_amount} below the step's minimum {step.min_amount}")
    return None


@dataclass(frozen=True)
class Pauses:
    disputed: bool = False
    promise_until: date | None = None  # an open promise's date plus its grace
    plan_current: bool = False
    grace_until: date | None = None  # an approved grace-period concession


def pause_reason(p: Pauses, today: date) -> str | None:
    """Why an item's ladder waits today, or None: a dispute, an unexpired promise to pay, a
    current repayment plan, an approved grace period. (A term extension moves the due date:
    the ladder starts again against the new one, so nothing is due while it runs.)"""
    if p.disputed:
        return "disputed"
    if p.promise_until is not None and today <= p.promise_until:
        return "promise_to_pay"
    if p.plan_current:
        return "repayment_plan"
    if p.grace_until is not None and today <= p.grace_until:
        return "grace_period"
    return None


def script_level(days_overdue: int) -> int:
    """001's escalating scripts, our mapping: level 1 up to 30 days, 2 from 31 to 60, 3 after."""
    return 1 if days_overdue <= 30 else 2 if days_overdue <= 60 else 3


TASKS_TO_CLOSE = ("open",)


def check_follow_up(status: str, action: str, done: bool, receipt_returned_on: date | None, on_date: date,
                    today: date) -> None:
    """A task (phone call, internal check, visit) is marked done once; a letter's signed
    receipt comes back after the letter and not after today."""
    if done and status not in TASKS_TO_CLOSE:
        raise Conflict(f"only an open task is marked done (this action is {status})", "done", "action.not_open")
    if receipt_returned_on is not None:
        if action not in ("letter", "lawyer_letter"):
            raise Conflict("only a letter has a receipt to return", "receipt_returned_on", "action.not_a_letter")
        if not on_date <= receipt_returned_on <= today:
            raise RuleError(f"the receipt comes back between the letter ({on_date}) and today ({today})",
                            "receipt_returned_on", "action.receipt_date")
