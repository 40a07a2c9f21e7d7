"""A customer's balance as of a date, from its movements (see `movements`).

`customer_balance(movements, as_of, currency)` keeps movements effective on or before
`as_of` (later ones are excluded, so back-dated movements simply count from their
date) and returns:
- `balance`        the signed sum of the movements (invoices - payments - credit notes
                   - write-offs + reversals + refunds);
- `open_amount`    the sum of the instalments' open amounts (gross receivable);
- `overdue_amount` the open amount of instalments past due (due date < as_of);
- `unapplied_cash` cash and credit on account not yet applied to instalments;
- `written_off`, `recovered` totals, and every instalment's open amount (`items`).
The identity ``balance == open_amount - unapplied_cash`` holds by construction; an
application to an unknown instalment, an instalment applied beyond its amount or
unapplied cash going negative are inconsistent data and raise `BalanceError`.
All sums are exact Decimal; a movement in another currency is an error.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from shared.money import Money
from services.ledger.domain.allocation import OpenItem
from shared.errors import RuleError
from services.ledger.domain.movements import Movement, MovementKind


class BalanceError(RuleError):
    default_rule = "balance"


@dataclass(frozen=True, slots=True)
class ItemBalance:
    invoice_number: str
    seq: int
    issue_date: date
    due_date: date
    amount: Money
    open_amount: Money

    @property
    def key(self) -> tuple[str, int]:
        return (self.invoice_number, self.seq)


@dataclass(frozen=True, slots=True)
class CustomerBalance:
    as_of: date
    balance: Money
    open_amount: Money
    overdue_amount: Money
    unapplied_cash: Money
    written_off: Money
    recovered: Money
    items: tuple[ItemBalance, ...]

    def open_items(self) -> tuple[OpenItem, ...]:
        """Instalments still open, ready for `allocation` (disputes are not known here)."""
        return tuple(OpenItem(i.invoice_number, i.seq, i.issue_date, i.due_date, i.open_amount)
                     for i in self.items if i.open_amount.is_positive)


def signed_total(movements: Iterable[Movement], as_of: date, currency: str) -> Money:
    """The balance as a plain signed sum of the movements effective on or before `as_of`."""
    total = Money.zero(currency)
    for m in movements:
        if m.effective_date <= as_of:
            total = total + m.signed
    return total


def customer_balance(movements: Iterable[Movement], as_of: date, currency: str) -> CustomerBalance:
    zero = Money.zero(currency)
    balance = unapplied = written_off = recovered = zero
    items: dict[tuple[str, int], list] = {}  # key -> [issue, due, amount, open]
    effective = []
    for i, m in enumerate(movements):
        if m.amount.currency != currency:
            raise BalanceError(f"movement in {m.amount.currency}, balance in {currency}",
                               field=f"movements[{i}].amount", rule="balance.currency")
        if m.effective_date <= as_of:
            effective.append((i, m))
    for i, m in effective:  # invoices first: applications on the same day may name them
        if m.kind is MovementKind.INVOICE:
            for line in m.instalments:
                if (m.reference, line.seq) in items:
                    raise BalanceError(f"invoice {m.reference!r} instalment {line.seq} appears twice",
                                       field=f"movements[{i}].reference", rule="balance.duplicate_invoice")
                items[(m.reference, line.seq)] = [m.effective_date, line.due_date, line.amount, line.amount]
    for i, m in effective:
        balance = balance + m.signed
        unapplied = unapplied + m.unapplied_delta
        if m.kind is MovementKind.WRITE_OFF:
            written_off = written_off + m.amount
        elif m.kind is MovementKind.WRITE_OFF_RECOVERY:
            recovered = recovered + m.amount
        direction = 1 if m.kind is MovementKind.PAYMENT_REVERSAL else -1
        for j, app in enumerate(m.applications):
            row = items.get(app.key)
            if row is None:
                raise BalanceError(f"no instalment {app.key} as of {as_of.isoformat()}",
                                   field=f"movements[{i}].applications[{j}]", rule="balance.unknown_item")
            row[3] = row[3] + app.amount if direction > 0 else row[3] - app.amount
    out = []
    for (number, seq), (issue, due, amount, open_amount) in items.items():
        if open_amount.amount < 0 or open_amount > amount:
            raise BalanceError(f"instalment {(number, seq)} is open {open_amount} of {amount}",
                               field="movements", rule="balance.over_applied")
        out.append(ItemBalance(number, seq, issue, due, amount, open_amount))
    if unapplied.amount < 0:
        raise BalanceError(f"unapplied cash would be {unapplied}", field="movements",
                           rule="balance.unapplied_negative")
    open_total = sum((it.open_amount for it in out), zero)
    overdue = sum((it.open_amount for it in out if it.due_date < as_of), zero)
    return CustomerBalance(as_of, balance, open_total, overdue, unapplied, written_off, recovered, tuple(out))
