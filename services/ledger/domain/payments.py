"""Rules on payments beyond allocation: what a payment's explicit lines pay and what they
recover after a write-off, when a payment may be reversed, and which cash on account a
refund pays back. Amounts are integer minor units of the payment's currency.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from services.ledger.domain.allocation import ExplicitAllocation
from shared.errors import Conflict, RuleError
from shared.money import Money


@dataclass(frozen=True, slots=True)
class Recoverable:
    """An invoice named beyond what is open on it: whose it is and what its approved
    write-offs can still recover, oldest first: ((write_off_id, minor), ...)."""
    customer_id: str
    currency: str
    write_offs: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class RecoverySplit:
    explicit: tuple[ExplicitAllocation, ...]  # what the lines pay on open items (with their positions)
    recoveries: tuple[tuple[str, str, int], ...]  # (invoice_number, write_off_id, minor)

    @property
    def recovered_minor(self) -> int:
        return sum(minor for _, _, minor in self.recoveries)


def split_recoveries(customer_id: str, currency: str, lines: Sequence[tuple[str, int]],
                     open_by_invoice: Mapping[str, int],
                     recoverable: Mapping[str, Recoverable | None]) -> RecoverySplit:
    """Explicit lines → what they pay on open items, and what a line names beyond an
    invoice's open amount: a recovery against that invoice's approved write-offs (oldest
    first), or an error naming the line (`recoverable` has an entry, None when unknown, for
    every invoice a line goes beyond)."""
    explicit: list[ExplicitAllocation] = []
    recoveries: list[tuple[str, str, int]] = []
    remaining = dict(open_by_invoice)
    used: dict[str, int] = {}  # write_off_id -> recovered by earlier lines of this payment
    for i, (number, minor) in enumerate(lines):
        receivable = min(minor, remaining.get(number, 0))
        excess = minor - receivable
        if excess:
            found = recoverable.get(number)
            if found is None or found.customer_id != customer_id:
                raise RuleError(f"no invoice {number!r} for customer {customer_id!r}",
                                f"allocations[{i}].invoice_number", "allocation.unknown_invoice")
            if found.currency != currency:
                raise RuleError(f"invoice {number!r} is in {found.currency}, the payment in {currency}",
                                f"allocations[{i}].amount", "allocation.currency")
            left = sum(w_left - used.get(w_id, 0) for w_id, w_left in found.write_offs)
            if not found.write_offs or excess > left:
                what = "open" if not found.write_offs else "open or recoverable after write-off"
                could = Money.from_minor(receivable + max(left, 0), currency)
                raise RuleError(f"{Money.from_minor(minor, currency)} exceeds what is {what} on invoice "
                                f"{number!r} ({could.amount})", f"allocations[{i}].amount",
                                "allocation.exceeds_open")
            for w_id, w_left in found.write_offs:
                share = min(excess, w_left - used.get(w_id, 0))
                if share > 0:
                    recoveries.append((number, w_id, share))
                    used[w_id] = used.get(w_id, 0) + share
                    excess -= share
        remaining[number] = remaining.get(number, 0) - receivable
        if receivable:
            explicit.append(ExplicitAllocation(number, Money.from_minor(receivable, currency), position=i))
    return RecoverySplit(tuple(explicit), tuple(recoveries))


@dataclass(frozen=True, slots=True)
class PaymentState:
    reference: str
    received_date: date
    status: str  # received | reversed
    reversed_date: date | None
    refunded_minor: int


def check_reversal(payment: PaymentState, on: date) -> None:
    """A payment is reversed once, never after part of it was refunded (the cash is gone),
    and never before it was received."""
    if payment.status == "reversed":
        raise Conflict(f"payment {payment.reference!r} was already reversed on {payment.reversed_date}: a payment "
                       "is reversed once", "payment_reference", "payment.already_reversed")
    if payment.refunded_minor:
        raise Conflict(f"part of payment {payment.reference!r} was refunded; reverse the refund first: cash "
                       "already refunded cannot bounce", "payment_reference", "payment.refunded")
    if on < payment.received_date:
        raise RuleError("a payment cannot be reversed before it was received", "reversed_date",
                        "payment.reversal_date")


@dataclass(frozen=True, slots=True)
class CashSource:
    type: str  # payment | credit_note
    ref: str
    date: date
    unapplied_minor: int


def refund_sources(sources: Sequence[CashSource], amount_minor: int, on: date,
                   currency: str) -> list[tuple[CashSource, int]]:
    """Which cash or credit on account a refund pays back: what was on account by `on`,
    oldest source first."""
    available = [s for s in sources if s.date <= on and s.unapplied_minor > 0]
    total = sum(s.unapplied_minor for s in available)
    if amount_minor > total:
        raise RuleError(f"exceeds the unapplied cash on account on {on} ({Money.from_minor(total, currency)})",
                        "amount", "refund.exceeds_unapplied")
    left, taken = amount_minor, []
    for source in sorted(available, key=lambda s: (s.date, s.type != "payment", s.ref)):
        take = min(left, source.unapplied_minor)
        if take:
            taken.append((source, take))
            left -= take
    return taken
