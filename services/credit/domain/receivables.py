"""Open receivables as the credit rules see them: one item per open instalment, with its
own open amount, its own due date and a dispute mark.

Days overdue at D = D − due date (never negative). Disputed items count as overdue only if
the caller asks: a genuine dispute under investigation (000: 15 working days of
fact-finding) should not by itself stop a customer's supply.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

from services.credit.domain._money import total
from shared.money import Money


@dataclass(frozen=True, slots=True)
class OpenItem:
    invoice_number: str
    due_date: date
    open_amount: Money
    disputed: bool = False
    instalment_seq: int = 1

    def days_overdue(self, as_of: date) -> int:
        return max(0, (as_of - self.due_date).days)


def open_item(invoice_number: str, due_date: date, extended_days: int, open_amount: Money, disputed: bool,
              seq: int = 1) -> OpenItem:
    """An open instalment as the rules see it: its own due date, moved by any term
    extension (展期) approved for its invoice; disputed when its invoice is."""
    return OpenItem(invoice_number, due_date + timedelta(days=extended_days or 0), open_amount, disputed, seq)


@dataclass(frozen=True, slots=True)
class OverdueSummary:
    amount: Money
    max_days_overdue: int
    items: tuple[OpenItem, ...]


def overdue_items(items: Iterable[OpenItem], as_of: date, min_days: int = 1,
                  include_disputed: bool = False) -> tuple[OpenItem, ...]:
    """Items with an open amount and at least `min_days` overdue."""
    return tuple(i for i in items if i.open_amount.is_positive
                 and i.days_overdue(as_of) >= max(min_days, 1)
                 and (include_disputed or not i.disputed))


def summarize_overdue(items: Iterable[OpenItem], as_of: date, currency: str,
                      min_days: int = 1, include_disputed: bool = False) -> OverdueSummary:
    due = overdue_items(items, as_of, min_days, include_disputed)
    amount = total((i.open_amount for i in due), currency)
    return OverdueSummary(amount, max((i.days_overdue(as_of) for i in due), default=0), due)
