"""An invoice as the ledger books it: its schedule and due date from what billing or a
user sent (an explicit due date, payment terms, instalments), and its status from what is
still open.

- Without instalments the invoice is one instalment, due on the given due date or the
  date its terms give (terms.py).
- With instalments each line keeps its own due date (dunning runs per stage, 000/001) and
  the invoice is due when its last instalment is; a due date that says otherwise
  contradicts the schedule and is refused. Terms sent with a schedule are validated and
  kept for the record, but the schedule decides the dates.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.ledger.domain.instalments import Instalment, ScheduleError, single_instalment, validate_schedule
from services.ledger.domain.terms import parse_terms, validate_due_date
from shared.errors import RuleError
from shared.money import Money


@dataclass(frozen=True, slots=True)
class BookedSchedule:
    due_date: date
    terms_code: str | None
    instalments: tuple[Instalment, ...]


def book_schedule(amount: Money, issue_date: date, *, due_date: date | None, payment_terms: str | None,
                  shipment_date: date | None, instalments: Sequence[tuple[date, Any]] | None) -> BookedSchedule:
    terms = parse_terms(payment_terms) if payment_terms else None
    if instalments:
        schedule = validate_schedule(amount, issue_date, instalments)
        last = max(line.due_date for line in schedule)
        if due_date is not None and due_date != last:
            raise ScheduleError(f"an instalment invoice is due when its last instalment is ({last.isoformat()}), "
                                f"not {due_date.isoformat()}", field="due_date", rule="instalments.due_date")
        return BookedSchedule(last, terms.code if terms else None, schedule)
    due = due_date
    if due is None and terms is not None:
        due = terms.due_date(issue_date, shipment_date)
    if due is None:
        raise RuleError("give due_date, payment_terms or instalments", "due_date", "required")
    validate_due_date(issue_date, due)
    return BookedSchedule(due, terms.code if terms else None, single_instalment(amount, due))


def invoice_status(amount_minor: int, open_minor: int, written_off_minor: int) -> str:
    """open | partially_paid | settled | written_off (settled by a write-off)."""
    if open_minor <= 0:
        return "written_off" if written_off_minor > 0 else "settled"
    return "open" if open_minor >= amount_minor else "partially_paid"
