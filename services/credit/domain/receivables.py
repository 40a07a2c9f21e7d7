"""Open receivables as the credit rules see them: one item per open instalment, with its
own open amount, its own due date and the part of it in dispute.

Days overdue at D = D − due date (never negative). An instalment without a due date (an
invoice on RECEIPT+N terms the customer has not received) is open and counts in exposure,
but is never overdue until the ledger dates it. Disputed amounts count as overdue only if
the caller asks: a genuine dispute under investigation (000: 15 working days of
fact-finding) should not by itself stop a customer's supply. A dispute is opened on an
invoice for an amount; like the ledger (`spread_dispute`), the amount covers the invoice's
open instalments oldest due first, so a partly disputed invoice still has an undisputed
part that can be overdue.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from services.credit.domain._money import total
from shared.money import Money


@dataclass(frozen=True, slots=True)
class OpenItem:
    invoice_number: str
    due_date: date | None  # None: not due until the ledger dates it (RECEIPT+N, not received)
    open_amount: Money
    disputed_amount: Money | None = None  # the part of open_amount in dispute (None: none)
    instalment_seq: int = 1

    @property
    def disputed(self) -> bool:
        return self.disputed_amount is not None and self.disputed_amount.is_positive

    @property
    def undisputed_amount(self) -> Money:
        return self.open_amount - self.disputed_amount if self.disputed else self.open_amount

    def days_overdue(self, as_of: date) -> int:
        return 0 if self.due_date is None else max(0, (as_of - self.due_date).days)


def due_order(due_date: date | None, seq: int) -> tuple:
    """Oldest due first; instalments without a due date last."""
    return (due_date is None, due_date or date.min, seq)


@dataclass(frozen=True, slots=True)
class OpenInstalment:
    """An open instalment as stored: its invoice's disputed amount (in minor units) is
    spread over the invoice's instalments by `open_items`."""
    invoice_number: str
    seq: int
    due_date: date | None
    open_amount: Money
    invoice_disputed_minor: int = 0


def open_items(instalments: Iterable[OpenInstalment]) -> list[OpenItem]:
    """The items in the order given, each with its share of its invoice's disputed amount:
    the invoice's open instalments are covered oldest due first."""
    rows = list(instalments)
    disputed: dict[tuple[str, int], int] = {}
    left: dict[str, int] = {}
    for i in sorted(rows, key=lambda i: due_order(i.due_date, i.seq)):
        remaining = left.setdefault(i.invoice_number, max(0, i.invoice_disputed_minor))
        take = min(remaining, i.open_amount.minor)
        disputed[(i.invoice_number, i.seq)] = take
        left[i.invoice_number] = remaining - take
    return [OpenItem(i.invoice_number, i.due_date, i.open_amount,
                     Money.from_minor(disputed[(i.invoice_number, i.seq)], i.open_amount.currency)
                     if disputed[(i.invoice_number, i.seq)] else None, i.seq) for i in rows]


@dataclass(frozen=True, slots=True)
class OverdueSummary:
    amount: Money
    max_days_overdue: int
    items: tuple[OpenItem, ...]


def _counted(item: OpenItem, include_disputed: bool) -> Money:
    return item.open_amount if include_disputed else item.undisputed_amount


def overdue_items(items: Iterable[OpenItem], as_of: date, min_days: int = 1,
                  include_disputed: bool = False) -> tuple[OpenItem, ...]:
    """Items with an open (by default: undisputed) amount and at least `min_days` overdue."""
    return tuple(i for i in items if _counted(i, include_disputed).is_positive
                 and i.days_overdue(as_of) >= max(min_days, 1))


def summarize_overdue(items: Iterable[OpenItem], as_of: date, currency: str,
                      min_days: int = 1, include_disputed: bool = False) -> OverdueSummary:
    """What is overdue: the undisputed parts of the overdue items (all of them if asked)."""
    due = overdue_items(items, as_of, min_days, include_disputed)
    amount = total((_counted(i, include_disputed) for i in due), currency)
    return OverdueSummary(amount, max((i.days_overdue(as_of) for i in due), default=0), due)
