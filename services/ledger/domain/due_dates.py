"""Due dates that move after booking, and where the aging clock picks up again.

Two things move an instalment's due date (004):
- the customer's receipt of an invoice on RECEIPT+N terms (票到后N天): the instalments
  waiting for it (`AWAITING_RECEIPT`) fall due N days after the date it was signed for;
- a term extension (展期) approved in credit: every open instalment of the named invoices
  is due `extra_days` later. An instalment still awaiting its receipt has no date to move.

The aging clock's rule is unchanged (threshold t is crossed when ``as_of - due >= t``),
so after a move an instalment's emitted prefix of the ladder is cut back to what the new
date has reached (`relaunch_index`): a 60-day extension of an item 31 days overdue sends
it back before the pre-due reminders; a 10-day one keeps the 15-day step and the sweep
emits 30 again, from the new date. It never moves forward: thresholds the new date has
passed but that were never emitted are emitted by the next sweep, as for a late sweep.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from services.ledger.domain.sweep import next_threshold_date, reached_index
from services.ledger.domain.terms import AWAITING_RECEIPT, PaymentTerms, TermsKind, known_due
from shared.errors import RuleError

MAX_EXTRA_DAYS = 366


@dataclass(frozen=True, slots=True)
class DueItem:
    """An instalment as a due-date move sees it."""
    id: int
    seq: int
    due_date: date
    open_minor: int
    disputed_minor: int
    last_index: int


@dataclass(frozen=True, slots=True)
class DueMove:
    id: int
    seq: int
    previous: date | None  # None: it awaited the receipt
    due_date: date
    last_index: int
    next_threshold: date | None


def check_receipt_date(received: date, issue_date: date, field: str = "receipt_date") -> None:
    if received < issue_date:
        raise RuleError(f"an invoice cannot be received ({received.isoformat()}) before it is issued "
                        f"({issue_date.isoformat()})", field, "receipt.before_issue")


def relaunch_index(last_index: int, due: date, today: date, ladder: Sequence[int]) -> int:
    """The highest threshold index still counted as emitted after the due date moved to `due`."""
    return min(last_index, reached_index((today - due).days, ladder))


def _move(item: DueItem, due: date, today: date, ladder: Sequence[int]) -> DueMove:
    last = relaunch_index(item.last_index, due, today, ladder)
    live = item.open_minor > item.disputed_minor  # settled / fully disputed items are silent
    return DueMove(item.id, item.seq, known_due(item.due_date), due, last,
                   next_threshold_date(due, last, ladder) if live else None)


def on_receipt(terms: PaymentTerms | None, received: date, items: Sequence[DueItem], today: date,
               ladder: Sequence[int]) -> list[DueMove]:
    """The instalments awaiting the receipt fall due N days after it; none under other terms."""
    if terms is None or terms.kind is not TermsKind.RECEIPT:
        return []
    due = received + timedelta(days=terms.days)
    return [_move(i, due, today, ladder) for i in items if i.due_date == AWAITING_RECEIPT]


def extend(extra_days: int, items: Sequence[DueItem], today: date, ladder: Sequence[int]) -> list[DueMove]:
    """Every open instalment with a due date is due `extra_days` later."""
    if not 1 <= extra_days <= MAX_EXTRA_DAYS:
        raise RuleError(f"an extension is 1 to {MAX_EXTRA_DAYS} days, not {extra_days}", "extra_days",
                        "extension.days")
    return [_move(i, i.due_date + timedelta(days=extra_days), today, ladder)
            for i in items if i.open_minor > 0 and known_due(i.due_date) is not None]
