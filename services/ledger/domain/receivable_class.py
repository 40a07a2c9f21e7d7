"""Receivable classes by collectability (003).

| class           | 中文   | default rule                                   |
|-----------------|--------|------------------------------------------------|
| not_yet_due     | 未收款 | not overdue (days overdue <= 0)                 |
| in_collection   | 催收款 | 1-180 days overdue                              |
| quasi_doubtful  | 准呆账 | 181-365 days overdue                            |
| doubtful        | 呆账   | 366-730 days overdue                            |
| dead            | 死账   | > 730 days overdue, or a "dead" legal status,   |
|                 |        | or written off                                  |

The day limits and the set of legal statuses that make a debt dead are configuration
(`ClassThresholds`). The class describes an open (or written-off) item; a settled item
has no class and callers should not ask.

Written-off items (decision): `dead`. A write-off is the confirmation that the debt
is uncollectible (001, 003: bad debts are confirmed, then written off through an
approval), so its class is the last one, whatever its age. The written-off amount has
left the open balance (a write_off movement); recovery continues against the
write-off (write_offs.record_recovery) without re-opening the item.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from services.ledger.domain.aging import days_overdue
from shared.errors import RuleError


class ReceivableClass(StrEnum):
    NOT_YET_DUE = "not_yet_due"
    IN_COLLECTION = "in_collection"
    QUASI_DOUBTFUL = "quasi_doubtful"
    DOUBTFUL = "doubtful"
    DEAD = "dead"

    @property
    def chinese(self) -> str:
        return _CHINESE[self]


_CHINESE = {
    ReceivableClass.NOT_YET_DUE: "未收款",
    ReceivableClass.IN_COLLECTION: "催收款",
    ReceivableClass.QUASI_DOUBTFUL: "准呆账",
    ReceivableClass.DOUBTFUL: "呆账",
    ReceivableClass.DEAD: "死账",
}


class ClassConfigError(RuleError):
    default_rule = "receivable_class.config"


@dataclass(frozen=True, slots=True)
class ClassThresholds:
    """First day overdue of each class (inclusive)."""

    in_collection_from: int = 1
    quasi_doubtful_from: int = 181
    doubtful_from: int = 366
    dead_from: int = 731
    dead_legal_statuses: frozenset[str] = field(default_factory=lambda: frozenset({"uncollectible"}))

    def __post_init__(self) -> None:
        limits = (self.in_collection_from, self.quasi_doubtful_from, self.doubtful_from, self.dead_from)
        if limits[0] < 1 or any(b <= a for a, b in zip(limits, limits[1:])):
            raise ClassConfigError("class thresholds must be strictly increasing, starting at >= 1",
                                   field="thresholds")
        object.__setattr__(self, "dead_legal_statuses",
                           frozenset(s.lower() for s in self.dead_legal_statuses))


DEFAULT_THRESHOLDS = ClassThresholds()


def classify(overdue_days: int, *, legal_status: str | None = None, written_off: bool = False,
             thresholds: ClassThresholds = DEFAULT_THRESHOLDS) -> ReceivableClass:
    """The class of an item `overdue_days` past due, given its legal status and write-off."""
    if written_off or (legal_status is not None and legal_status.lower() in thresholds.dead_legal_statuses):
        return ReceivableClass.DEAD
    if overdue_days >= thresholds.dead_from:
        return ReceivableClass.DEAD
    if overdue_days >= thresholds.doubtful_from:
        return ReceivableClass.DOUBTFUL
    if overdue_days >= thresholds.quasi_doubtful_from:
        return ReceivableClass.QUASI_DOUBTFUL
    if overdue_days >= thresholds.in_collection_from:
        return ReceivableClass.IN_COLLECTION
    return ReceivableClass.NOT_YET_DUE


def receivable_class(due_date: date, as_of: date, *, legal_status: str | None = None,
                     written_off: bool = False,
                     thresholds: ClassThresholds = DEFAULT_THRESHOLDS) -> ReceivableClass:
    """`classify` from a due date at a business date."""
    return classify(days_overdue(due_date, as_of), legal_status=legal_status, written_off=written_off,
                    thresholds=thresholds)

