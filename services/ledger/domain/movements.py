"""Ledger movements: the journal-like facts a customer balance is computed from.

Every movement has a kind, a business `effective_date`, a positive `amount` (the sign
comes from the kind), a document `reference`, and where relevant the instalments it
touches (`applications`) or, for an invoice, its schedule (`instalments`).

| kind             | balance | open items        | unapplied (cash/credit on account) |
|------------------|---------|-------------------|------------------------------------|
| invoice          | +amount | + its instalments | -                                  |
| payment          | -amount | - applications    | + (amount - applied)               |
| credit_note      | -amount | - applications    | + (amount - applied)               |
| write_off        | -amount | - applications    | - (must be fully applied)          |
| payment_reversal | +amount | + applications    | - (amount - re-opened)             |
| refund           | +amount | -                 | - amount (refund of unapplied cash)|
| cash_application | 0       | - applications    | - amount (unapplied cash applied)  |
| write_off_recovery | 0     | -                 | -                                  |

So at every date: balance == sum(open items) - unapplied, and balance == invoices
- payments - credit notes - write-offs + reversals + refunds.
`cash_application` is the one kind added to the list of the brief: it records
`allocation.apply_unapplied_cash` when a new invoice arrives. `write_off_recovery`
(decision) does not change the balance: the written-off amount left the receivable
for good; a recovery is cash against the write-off, tracked on the write-off
(`write_offs.record_recovery`) and as `recovered` in the customer balance.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.money import Money
from shared.errors import RuleError
from services.ledger.domain.instalments import Instalment


class MovementError(RuleError):
    default_rule = "movement"


class MovementKind(StrEnum):
    INVOICE = "invoice"
    PAYMENT = "payment"
    CREDIT_NOTE = "credit_note"
    WRITE_OFF = "write_off"
    PAYMENT_REVERSAL = "payment_reversal"
    REFUND = "refund"
    CASH_APPLICATION = "cash_application"
    WRITE_OFF_RECOVERY = "write_off_recovery"

    @property
    def sign(self) -> int:
        """+1 raises the customer's balance, -1 lowers it, 0 leaves it."""
        return _SIGN[self]


_SIGN = {
    MovementKind.INVOICE: 1, MovementKind.PAYMENT: -1, MovementKind.CREDIT_NOTE: -1,
    MovementKind.WRITE_OFF: -1, MovementKind.PAYMENT_REVERSAL: 1, MovementKind.REFUND: 1,
    MovementKind.CASH_APPLICATION: 0, MovementKind.WRITE_OFF_RECOVERY: 0,
}
_APPLYING = {MovementKind.PAYMENT, MovementKind.CREDIT_NOTE, MovementKind.WRITE_OFF,
             MovementKind.PAYMENT_REVERSAL, MovementKind.CASH_APPLICATION}
_FULLY_APPLIED = {MovementKind.WRITE_OFF, MovementKind.CASH_APPLICATION}


@dataclass(frozen=True, slots=True)
class Application:
    """Part of a movement applied to (or, for a reversal, re-opened on) one instalment."""

    invoice_number: str
    seq: int
    amount: Money

    @property
    def key(self) -> tuple[str, int]:
        return (self.invoice_number, self.seq)


@dataclass(frozen=True, slots=True)
class Movement:
    kind: MovementKind
    effective_date: date
    amount: Money
    reference: str = ""
    applications: tuple[Application, ...] = ()
    instalments: tuple[Instalment, ...] = ()  # invoices only

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", MovementKind(self.kind))
        object.__setattr__(self, "applications", tuple(self.applications))
        object.__setattr__(self, "instalments", tuple(self.instalments))
        if not self.amount.is_positive:
            raise MovementError("a movement amount must be greater than zero", field="amount",
                                rule="movement.positive")
        if self.kind is MovementKind.INVOICE:
            self._check_invoice()
        elif self.applications and self.kind not in _APPLYING:
            raise MovementError(f"a {self.kind} is not applied to instalments", field="applications",
                                rule="movement.applications")
        for j, app in enumerate(self.applications):
            if app.amount.currency != self.amount.currency or not app.amount.is_positive:
                raise MovementError("applications are positive amounts in the movement's currency",
                                    field=f"applications[{j}].amount", rule="movement.application_amount")
        applied = self.applied
        if applied > self.amount:
            raise MovementError(f"applications total {applied}, more than {self.amount}", field="applications",
                                rule="movement.over_applied")
        if self.kind in _FULLY_APPLIED and applied != self.amount:
            raise MovementError(f"a {self.kind} must be applied in full", field="applications",
                                rule="movement.fully_applied")

    def _check_invoice(self) -> None:
        if not self.reference:
            raise MovementError("an invoice needs its invoice number", field="reference", rule="movement.reference")
        if self.applications or not self.instalments:
            raise MovementError("an invoice carries its instalments, not applications", field="instalments",
                                rule="movement.instalments")
        total = sum((i.amount for i in self.instalments), Money.zero(self.amount.currency))
        if total != self.amount:
            raise MovementError(f"instalments sum to {total}, not {self.amount}", field="instalments",
                                rule="movement.instalments")

    @property
    def applied(self) -> Money:
        return sum((a.amount for a in self.applications), Money.zero(self.amount.currency))

    @property
    def signed(self) -> Money:
        """The movement's effect on the customer balance."""
        return Money(self.amount.amount * self.kind.sign, self.amount.currency)

    @property
    def unapplied_delta(self) -> Money:
        """The movement's effect on unapplied cash/credit on account."""
        rest = self.amount - self.applied
        if self.kind in (MovementKind.PAYMENT, MovementKind.CREDIT_NOTE):
            return rest
        if self.kind is MovementKind.PAYMENT_REVERSAL:
            return -rest
        if self.kind in (MovementKind.REFUND, MovementKind.CASH_APPLICATION):
            return -self.amount
        return Money.zero(self.amount.currency)

    @classmethod
    def invoice(cls, invoice_number: str, issue_date: date, instalments: Sequence[Instalment]) -> "Movement":
        if not instalments:
            raise MovementError("an invoice needs at least one instalment", field="instalments",
                                rule="movement.instalments")
        total = instalments[0].amount
        for line in instalments[1:]:
            total = total + line.amount
        return cls(MovementKind.INVOICE, issue_date, total, invoice_number, (), tuple(instalments))
