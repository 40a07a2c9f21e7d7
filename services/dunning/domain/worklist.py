"""The collectors' prioritised worklist (003, 000): a score from the amount overdue, the
days, the grade, broken promises, the term, the collectability class and cooperation, with
its parts shown so a collector sees why a case comes first."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

GRADE_POINTS = {"A": 0, "B": 5, "C": 10, "D": 15, "E": 20}
#: 000's collectability and cooperation: a deliberate defaulter first, a cooperative customer last
COOPERATION_POINTS = {"cooperative": 0, "unknown": 5, "evasive": 10, "refuses": 15}


@dataclass(frozen=True)
class CaseFacts:
    overdue_amount: Decimal  # in the case's currency
    max_days_overdue: int
    grade: str | None
    broken_promises: int
    cooperation: str = "unknown"  # from the contact log's last outcome


def score(f: CaseFacts) -> tuple[int, dict[str, int]]:
    """Points out of 100: amount ≤ 30 (one per 10,000 overdue), days ≤ 30 (one per 6 days),
    grade ≤ 20, broken promises ≤ 10 (5 each), cooperation ≤ 10."""
    parts = {
        "amount": min(30, int(f.overdue_amount // 10_000)),
        "days": min(30, max(0, f.max_days_overdue) // 6),
        "grade": GRADE_POINTS.get(f.grade or "", 10),
        "broken_promises": min(10, 5 * f.broken_promises),
        "cooperation": min(10, COOPERATION_POINTS.get(f.cooperation, 5)),
    }
    return sum(parts.values()), parts


def cooperation_of(outcome: str | None) -> str:
    """A contact's outcome read as the customer's cooperation."""
    return {"promised": "cooperative", "paid": "cooperative", "agreed_plan": "cooperative",
            "no_answer": "evasive", "refused": "refuses", "disputed": "unknown"}.get(outcome or "", "unknown")


@dataclass(frozen=True)
class AssignmentRule:
    collector: str
    region: str | None = None
    salesperson: str | None = None
    min_amount: Decimal = Decimal(0)


def assign(rules: list[AssignmentRule], region: str | None, salesperson: str | None, amount: Decimal) -> str | None:
    """The first rule whose region, salesperson (when given) and minimum amount match."""
    for r in rules:
        if r.region is not None and r.region != region:
            continue
        if r.salesperson is not None and r.salesperson != salesperson:
            continue
        if amount >= r.min_amount:
            return r.collector
    return None
