"""Yearly re-rating and customer visits (002 §2(4)).

Re-rating: every July by default. A customer is due when it was never rated, or its last
rating is before the start of the most recent cycle (July 1 of this year once that date is
reached, else July 1 of last year: a rating missed last July is still due in March).
Re-rating after a change of behaviour is event-driven and decided by the caller.

Visits: a customer with limit >= 30,000 (3万元) and term >= 30 days (1 个月) is visited at
least once per calendar year by the sales manager; with limit >= 50,000 (5万) also by the
department head. A visit is due when the role has no visit in the current calendar year;
it is due by December 31. Thresholds are money in their currency: convert first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Mapping

from shared.money import Money
from services.credit.domain import roles


@dataclass(frozen=True, slots=True)
class ReratingPolicy:
    month: int = 7
    day: int = 1


def cycle_start(today: date, policy: ReratingPolicy = ReratingPolicy()) -> date:
    this_year = date(today.year, policy.month, policy.day)
    return this_year if today >= this_year else date(today.year - 1, policy.month, policy.day)


def is_due_for_rerating(last_rated_on: date | None, today: date,
                        policy: ReratingPolicy = ReratingPolicy()) -> bool:
    return last_rated_on is None or last_rated_on < cycle_start(today, policy)


def needs_new_assessment(grade: str, total: int, previous_grade: str | None, previous_total: int | None,
                         always: bool = False) -> bool:
    """A re-rating is stored when it changes the grade or the total (or always, e.g. the
    yearly cycle, whose date counts even when nothing changed)."""
    return always or grade != previous_grade or total != previous_total


@dataclass(frozen=True, slots=True)
class RatedCustomer:
    customer_id: str
    last_rated_on: date | None


def customers_due_for_rerating(customers: Iterable[RatedCustomer], today: date,
                               policy: ReratingPolicy = ReratingPolicy()) -> list[str]:
    return sorted(c.customer_id for c in customers if is_due_for_rerating(c.last_rated_on, today, policy))


@dataclass(frozen=True, slots=True)
class VisitRule:
    min_limit: Money
    min_term_days: int
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VisitPolicy:
    rules: tuple[VisitRule, ...] = (
        VisitRule(Money.of("30000", "CNY"), 30, (roles.SALES_MANAGER,)),
        VisitRule(Money.of("50000", "CNY"), 30, (roles.SALES_MANAGER, roles.DEPARTMENT_HEAD)),
    )


@dataclass(frozen=True, slots=True)
class VisitCandidate:
    customer_id: str
    limit: Money
    term_days: int
    last_visits: Mapping[str, date] = field(default_factory=dict)  # role -> last visit


@dataclass(frozen=True, slots=True)
class DueVisit:
    customer_id: str
    role: str
    last_visit: date | None
    due_by: date


def required_visitors(candidate: VisitCandidate, policy: VisitPolicy = VisitPolicy()) -> tuple[str, ...]:
    needed: list[str] = []
    for rule in policy.rules:
        if candidate.limit >= rule.min_limit and candidate.term_days >= rule.min_term_days:
            needed.extend(r for r in rule.roles if r not in needed)
    return tuple(needed)


def visits_due(candidates: Iterable[VisitCandidate], today: date,
               policy: VisitPolicy = VisitPolicy()) -> list[DueVisit]:
    year_start, due_by = date(today.year, 1, 1), date(today.year, 12, 31)
    due = []
    for c in candidates:
        for role in required_visitors(c, policy):
            last = c.last_visits.get(role)
            if last is None or last < year_start:
                due.append(DueVisit(c.customer_id, role, last, due_by))
    return sorted(due, key=lambda v: (v.customer_id, v.role))


def last_visits(visits: Iterable[tuple[str, str, date]]) -> dict[str, dict[str, date]]:
    """(customer_id, role, visited_on) → customer_id → role → the latest visit."""
    last: dict[str, dict[str, date]] = {}
    for customer_id, role, on in visits:
        seen = last.setdefault(customer_id, {})
        if role not in seen or seen[role] < on:
            seen[role] = on
    return last
