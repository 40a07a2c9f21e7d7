"""Concessions (001, 003) and escalation inside the company (003, 002 §3.1.2): each
concession is approved by someone other than who asked; an escalation goes up the chain,
never down."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from shared.errors import Conflict, Forbidden, RuleError

KINDS = ("grace_period", "interest_waiver", "partial_payment", "discount", "interest_free_instalments",
         "debt_reduction")
#: kinds that carry an amount, and those that carry days
WITH_AMOUNT = ("interest_waiver", "partial_payment", "discount", "debt_reduction")
WITH_DAYS = ("grace_period", "interest_free_instalments")
LEVELS = ("finance", "sales_management", "management")
DECISIONS = ("continue", "negotiate_waiver", "new_plan", "legal_action", "joint_team")


def check_concession(kind: str, amount: Decimal | None, days: int | None, open_total: Decimal) -> None:
    if kind in WITH_AMOUNT:
        if amount is None or amount <= 0:
            raise RuleError(f"a {kind} names an amount greater than zero", "amount", "concession.amount")
        if amount > open_total:
            raise RuleError(f"the {kind} ({amount}) is larger than the open debt ({open_total})", "amount",
                            "concession.larger_than_debt")
    if kind in WITH_DAYS and (days is None or days < 1):
        raise RuleError(f"a {kind} names its days", "days", "concession.days")


def decide_concession(status: str, requested_by: str, decided_by: str, approve: bool, kind: str, days: int | None,
                      today: date) -> tuple[str, date | None]:
    """(new status, until) — an approved grace period pauses the ladder for its days."""
    if status != "requested":
        raise Conflict(f"the concession is already {status}", "decision", "concession.decided")
    if requested_by == decided_by:
        raise Forbidden("a concession is approved by someone other than who asked", "decision",
                        "concession.same_person")
    if not approve:
        return "rejected", None
    return "approved", today + timedelta(days=days) if kind == "grace_period" and days else None


def check_escalation(previous: str | None, level: str) -> None:
    if previous is not None and LEVELS.index(level) < LEVELS.index(previous):
        raise RuleError(f"a case goes up the chain: {previous} → {level} goes down", "level",
                        "escalation.downwards")
