"""Payment allocation (核销): which instalments a payment pays, and what stays unapplied.

Open items are instalments with an open amount, keyed by (invoice_number, seq).
`allocate_payment(payment, open_items, explicit)`:
1. explicit allocations (the customer's remittance advice: [(invoice_number, amount)])
   are applied first, in the order given; inside an invoice the oldest due instalment
   first. Each line is checked: known invoice, same currency, amount > 0, amount <=
   what is still open on that invoice, and the explicit total <= the payment;
2. the rest (the whole payment when no explicit lines are given) is applied oldest due
   first; ties broken by issue date, then invoice number, then seq;
3. whatever is left is unapplied cash (预收/未核销), applied later by
   `apply_unapplied_cash` when a new invoice arrives (same oldest-due-first rule).

Disputed amounts (decision): automatic allocation never pays the disputed part of an
item; it pays the undisputed parts of all items oldest due first and leaves the rest as
unapplied cash. Paying a disputed amount with the customer's cash would silently
decide the dispute against them before fact-finding; the cash stays on account and is
applied once the dispute is resolved (invalid -> collection resumes). An explicit
allocation is the customer's own instruction, so it may pay a disputed amount; within
the invoice it pays undisputed parts first (oldest due first), then disputed parts.
Paying an item always reduces its undisputed part first (see `apply_allocations`).

Items in another currency than the payment are ignored by the automatic rule.
Allocations to the same item are merged into one `Allocation` (explicit if any part
was). Errors are `AllocationError` naming the field, e.g. "allocations[1].amount".
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from shared.money import Money
from shared.errors import RuleError

ItemKey = tuple[str, int]


class AllocationError(RuleError):
    default_rule = "allocation"


@dataclass(frozen=True, slots=True)
class OpenItem:
    invoice_number: str
    seq: int
    issue_date: date
    due_date: date
    open_amount: Money
    disputed_amount: Money | None = None  # None means nothing disputed

    def __post_init__(self) -> None:
        disputed = self.disputed_amount or Money.zero(self.open_amount.currency)
        object.__setattr__(self, "disputed_amount", disputed)
        if self.open_amount.amount < 0:
            raise AllocationError("an open amount cannot be negative", field="open_amount",
                                  rule="allocation.open_negative")
        if disputed.amount < 0 or disputed > self.open_amount:
            raise AllocationError("the disputed amount must be between 0 and the open amount",
                                  field="disputed_amount", rule="allocation.disputed_range")

    @property
    def key(self) -> ItemKey:
        return (self.invoice_number, self.seq)

    @property
    def undisputed(self) -> Money:
        return self.open_amount - self.disputed_amount  # type: ignore[operator]

    @property
    def order(self) -> tuple[date, date, str, int]:
        """Oldest due first; ties: issue date, invoice number, seq."""
        return (self.due_date, self.issue_date, self.invoice_number, self.seq)


@dataclass(frozen=True, slots=True)
class ExplicitAllocation:
    invoice_number: str
    amount: Money
    position: int | None = None  # the line's index in the caller's request, for error fields


@dataclass(frozen=True, slots=True)
class Allocation:
    invoice_number: str
    seq: int
    amount: Money
    explicit: bool = False

    @property
    def key(self) -> ItemKey:
        return (self.invoice_number, self.seq)


@dataclass(frozen=True, slots=True)
class AllocationResult:
    payment: Money
    allocations: tuple[Allocation, ...]
    unapplied: Money

    @property
    def applied(self) -> Money:
        return sum((a.amount for a in self.allocations), Money.zero(self.payment.currency))


class _Book:
    """Working state: what is still open (and undisputed) per item, and what was paid."""

    def __init__(self, items: Iterable[OpenItem], currency: str) -> None:
        self.items: dict[ItemKey, OpenItem] = {}
        for item in items:
            if item.key in self.items:
                raise AllocationError(f"open item {item.key} appears twice", field="open_items",
                                      rule="allocation.duplicate_item")
            self.items[item.key] = item
        self.ordered = sorted(self.items.values(), key=lambda it: it.order)
        self.undisputed = {k: it.undisputed for k, it in self.items.items()}
        self.disputed = {k: it.disputed_amount for k, it in self.items.items()}
        self.paid: dict[ItemKey, Money] = {}
        self.explicit: set[ItemKey] = set()
        self.currency = currency

    def take(self, item: OpenItem, pool: dict[ItemKey, Money], left: Money, explicit: bool) -> Money:
        amount = left.min(pool[item.key])
        if amount.is_positive:
            pool[item.key] = pool[item.key] - amount
            self.paid[item.key] = self.paid.get(item.key, Money.zero(self.currency)) + amount
            if explicit:
                self.explicit.add(item.key)
        return left - amount

    def auto(self, left: Money) -> Money:
        for item in self.ordered:
            if not left.is_positive:
                break
            if item.open_amount.currency == self.currency:
                left = self.take(item, self.undisputed, left, explicit=False)
        return left

    def result(self, payment: Money, unapplied: Money) -> AllocationResult:
        allocations = tuple(Allocation(key[0], key[1], amount, key in self.explicit)
                            for key, amount in self.paid.items())
        return AllocationResult(payment, allocations, unapplied)


def _explicit(book: _Book, payment: Money, lines: Sequence[ExplicitAllocation | tuple[str, Money]]) -> Money:
    by_invoice: dict[str, list[OpenItem]] = {}
    for item in book.ordered:
        by_invoice.setdefault(item.invoice_number, []).append(item)
    total = Money.zero(payment.currency)
    for i, raw in enumerate(lines):
        line = raw if isinstance(raw, ExplicitAllocation) else ExplicitAllocation(*raw)
        field = f"allocations[{i if line.position is None else line.position}]"
        items = by_invoice.get(line.invoice_number)
        if not items:
            raise AllocationError(f"invoice {line.invoice_number!r} has no open items for this customer",
                                  field=f"{field}.invoice_number", rule="allocation.unknown_invoice")
        if not isinstance(line.amount, Money) or line.amount.currency != payment.currency:
            raise AllocationError(f"the allocation must be in the payment currency {payment.currency}",
                                  field=f"{field}.amount", rule="allocation.currency")
        if items[0].open_amount.currency != payment.currency:
            raise AllocationError(f"invoice {line.invoice_number!r} is in {items[0].open_amount.currency}, "
                                  f"the payment in {payment.currency}", field=f"{field}.amount",
                                  rule="allocation.currency")
        if not line.amount.is_positive:
            raise AllocationError("an allocation must be greater than zero", field=f"{field}.amount",
                                  rule="allocation.non_positive")
        still_open = sum((book.undisputed[it.key] + book.disputed[it.key] for it in items),
                         Money.zero(payment.currency))
        if line.amount > still_open:
            raise AllocationError(f"{line.amount} exceeds the open amount {still_open} of invoice "
                                  f"{line.invoice_number!r}", field=f"{field}.amount",
                                  rule="allocation.exceeds_open")
        total = total + line.amount
        if total > payment:
            raise AllocationError(f"explicit allocations total {total}, more than the payment {payment}",
                                  field="allocations", rule="allocation.exceeds_payment")
        left = line.amount
        for pool in (book.undisputed, book.disputed):  # undisputed parts first, then disputed
            for item in items:
                left = book.take(item, pool, left, explicit=True)
    return payment - total


def allocate_payment(payment: Money, open_items: Iterable[OpenItem],
                     explicit: Sequence[ExplicitAllocation | tuple[str, Money]] | None = None) -> AllocationResult:
    """Allocate a payment: explicit lines first, then oldest due first; the rest is unapplied."""
    if not payment.is_positive:
        raise AllocationError("a payment must be greater than zero", field="amount",
                              rule="allocation.payment_positive")
    book = _Book(open_items, payment.currency)
    left = _explicit(book, payment, explicit) if explicit else payment
    left = book.auto(left)
    return book.result(payment, left)


def apply_unapplied_cash(unapplied: Money, open_items: Iterable[OpenItem]) -> AllocationResult:
    """Apply cash on account to open items (e.g. a new invoice), oldest due first."""
    if unapplied.amount < 0:
        raise AllocationError("unapplied cash cannot be negative", field="unapplied",
                              rule="allocation.unapplied_negative")
    book = _Book(open_items, unapplied.currency)
    return book.result(unapplied, book.auto(unapplied))


def apply_allocations(open_items: Iterable[OpenItem], result: AllocationResult) -> tuple[OpenItem, ...]:
    """The open items after the allocations: paid amounts reduce the undisputed part first."""
    paid = {a.key: a.amount for a in result.allocations}
    items = tuple(open_items)
    unknown = set(paid) - {item.key for item in items}
    if unknown:
        raise AllocationError(f"allocations to items not given: {sorted(unknown)}", field="open_items",
                              rule="allocation.unknown_item")
    out = []
    for item in items:
        amount = paid.get(item.key)
        if amount is None:
            out.append(item)
            continue
        new_open = item.open_amount - amount
        out.append(replace(item, open_amount=new_open, disputed_amount=item.disputed_amount.min(new_open)))  # type: ignore[union-attr]
    return tuple(out)


def reduce_open(open_minor: int, disputed_minor: int, minor: int, *, disputed_part: bool = False) -> tuple[int, int]:
    """An item's (open, disputed) minor units after `minor` is taken off it: the
    undisputed part first (the rule above), or, for a dispute's own credit settling the
    disputed amount, the disputed part first."""
    if not 0 < minor <= open_minor:
        raise AllocationError(f"cannot take {minor} off an item with {open_minor} open", field="amount",
                              rule="allocation.exceeds_open")
    left = open_minor - minor
    return left, (max(0, disputed_minor - minor) if disputed_part else min(disputed_minor, left))
