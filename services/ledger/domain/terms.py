"""Payment terms (账期) -> due date.

Three kinds of terms, written as a short code (case-insensitive, with "+", a space
or nothing between the kind and the number of days):
- ``NET30`` / ``net 30``   due N days after the issue date;
- ``EOM+15`` / ``eom 15``  due N days after the last day of the issue month
  (``EOM`` alone means EOM+0, the month end itself);
- ``SHIP+30`` / ``ship 30`` due N days after the shipment date, i.e. the date on
  the consignment note (003: terms must be exact, "within one month of shipment",
  never "when sold"), so a shipment date is required;
- ``RECEIPT+30`` / ``receipt 30`` due N days after the customer receives the invoice
  (004: 票到后N天, the receipt signed for). Until the receipt is recorded the due date is
  unknown and the invoice is not overdue; it is stored as `AWAITING_RECEIPT`, a date no
  business date reaches, and shown as none.

Monthly settlement (月结, 004) is end-of-month terms: ``EOM`` (due at the month end) or
``EOM+N`` (N days after it).

`PaymentTerms.due_date()` computes the date and checks it is not before the issue
date (`validate_due_date`), which can only happen with SHIP terms on goods shipped
long before invoicing. Errors are `TermsError` with the rule broken.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from shared.errors import RuleError

MAX_TERM_DAYS = 366
_PATTERN = re.compile(r"^\s*(NET|EOM|SHIP|RECEIPT)\s*(?:\+?\s*(\d{1,4})(?:\s*DAYS?)?)?\s*$", re.IGNORECASE)

#: the stored due date of an instalment due N days after a receipt not yet recorded: later
#: than any business date (the aging clock never reaches it, it sorts last), never shown
AWAITING_RECEIPT = date(9000, 1, 1)


def known_due(due: date) -> date | None:
    """A stored due date as the world sees it: None while it awaits the invoice's receipt."""
    return None if due >= AWAITING_RECEIPT else due


class TermsError(RuleError):
    default_rule = "terms"


class TermsKind(StrEnum):
    NET = "net"
    EOM = "eom"
    SHIP = "ship"
    RECEIPT = "receipt"


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    """A value object: the kind of terms and a number of days (0..MAX_TERM_DAYS)."""

    kind: TermsKind
    days: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", TermsKind(self.kind))
        if isinstance(self.days, bool) or not isinstance(self.days, int):
            raise TermsError("days must be an integer", field="payment_terms", rule="terms.days")
        if not 0 <= self.days <= MAX_TERM_DAYS:
            raise TermsError(f"days must be between 0 and {MAX_TERM_DAYS}, got {self.days}",
                             field="payment_terms", rule="terms.days")

    @property
    def code(self) -> str:
        """The canonical code: NET30, EOM+15, SHIP+30."""
        if self.kind is TermsKind.NET:
            return f"NET{self.days}"
        return f"{self.kind.value.upper()}+{self.days}"

    def __str__(self) -> str:
        return self.code

    @property
    def needs_shipment_date(self) -> bool:
        return self.kind is TermsKind.SHIP

    def base_date(self, issue_date: date, shipment_date: date | None = None,
                  receipt_date: date | None = None) -> date | None:
        """The date the days are counted from (None: a receipt not recorded yet)."""
        if self.kind is TermsKind.NET:
            return issue_date
        if self.kind is TermsKind.EOM:
            return end_of_month(issue_date)
        if self.kind is TermsKind.RECEIPT:
            return receipt_date
        if shipment_date is None:
            raise TermsError(f"{self.code} terms count from the shipment date, which is missing",
                             field="shipment_date", rule="terms.shipment_date_required")
        return shipment_date

    def due_date(self, issue_date: date, shipment_date: date | None = None,
                 receipt_date: date | None = None) -> date:
        """The due date under these terms, validated not to precede the issue date;
        `AWAITING_RECEIPT` for receipt terms before the receipt."""
        base = self.base_date(issue_date, shipment_date, receipt_date)
        if base is None:
            return AWAITING_RECEIPT
        due = base + timedelta(days=self.days)
        validate_due_date(issue_date, due)
        return due


def parse_terms(text: str) -> PaymentTerms:
    """Parse "NET30", "net 30", "EOM+15", "eom 15", "SHIP+30", "ship 30 days"..."""
    if not isinstance(text, str):
        raise TermsError("terms must be a string such as \"NET30\"", field="payment_terms", rule="terms.format")
    match = _PATTERN.match(text)
    if match is None:
        raise TermsError(f"unrecognised payment terms {text!r}: use NET<n>, EOM+<n>, SHIP+<n> or RECEIPT+<n>",
                         field="payment_terms", rule="terms.format")
    kind = TermsKind(match.group(1).lower())
    number = match.group(2)
    if number is None and kind is not TermsKind.EOM:
        raise TermsError(f"{kind.value.upper()} terms need a number of days, e.g. {kind.value.upper()}30",
                         field="payment_terms", rule="terms.format")
    return PaymentTerms(kind, int(number or 0))


def validate_due_date(issue_date: date, due_date: date) -> None:
    """A due date before the issue date is an error (a due date equal to it is cash terms)."""
    if due_date < issue_date:
        raise TermsError(f"due date {due_date.isoformat()} is before issue date {issue_date.isoformat()}",
                         field="due_date", rule="terms.due_before_issue")


def due_date_for(terms: str | PaymentTerms, issue_date: date, shipment_date: date | None = None) -> date:
    """Convenience: parse (if needed) and compute the due date."""
    parsed = terms if isinstance(terms, PaymentTerms) else parse_terms(terms)
    return parsed.due_date(issue_date, shipment_date)
