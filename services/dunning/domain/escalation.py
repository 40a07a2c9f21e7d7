"""What a run of overdue-threshold facts changes: each item and each customer's case only
ever escalate (a late or redelivered fact for a lower threshold changes nothing)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from services.dunning.domain.severity import severity


@dataclass(frozen=True, slots=True)
class ItemState:
    invoice_number: str
    instalment_seq: int
    customer_id: str
    due_date: date
    threshold_days: int
    days_overdue: int
    open_minor: int
    currency: str
    as_of: date

    @property
    def key(self) -> tuple[str, int]:
        return (self.invoice_number, self.instalment_seq)


@dataclass(frozen=True, slots=True)
class CaseState:
    customer_id: str
    severity: str
    highest_threshold: int
    opened_on: date


def escalate(items: dict[tuple[str, int], ItemState], cases: dict[str, CaseState],
             facts: list[ItemState]) -> tuple[dict[tuple[str, int], ItemState], dict[str, CaseState]]:
    """The items and cases that change (new or escalated) after `facts`, in order."""
    items, cases = dict(items), dict(cases)
    changed_items: dict[tuple[str, int], ItemState] = {}
    changed_cases: dict[str, CaseState] = {}
    for fact in facts:
        item = items.get(fact.key)
        if item is None or fact.threshold_days > item.threshold_days:
            items[fact.key] = changed_items[fact.key] = fact if item is None else replace(
                item, threshold_days=fact.threshold_days, days_overdue=fact.days_overdue, as_of=fact.as_of,
                open_minor=fact.open_minor)
        case = cases.get(fact.customer_id)
        if case is None:
            case = CaseState(fact.customer_id, severity(fact.threshold_days).value, fact.threshold_days, fact.as_of)
        elif fact.threshold_days > case.highest_threshold:
            case = replace(case, highest_threshold=fact.threshold_days, severity=severity(fact.threshold_days).value)
        else:
            continue
        cases[fact.customer_id] = changed_cases[fact.customer_id] = case
    return changed_items, changed_cases
