"""A customer's instalments in memory for one transaction: what allocation reads, what
payments, credits, write-offs and reversals change, and one flush that writes the
instalments, the allocation rows and the invoices' open amounts and statuses back.

Effective dates: an allocation takes effect when both sides exist, i.e. on the later of
its source's date (payment received, credit note issued...) and the instalment's
`effective_from` (the invoice's issue date). So "open at D" and "unapplied cash at D"
stay exact for any D even for back-dated documents.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from services.ledger.domain.allocation import AllocationResult, OpenItem, reduce_open
from services.ledger.domain.invoices import invoice_status
from services.ledger.domain.sweep import next_threshold_date
from services.ledger.repository import book as repo
from services.ledger.repository import invoices as invoice_repo
from shared.db import UnitOfWork
from shared.money import Money

Key = tuple[str, int]


@dataclass
class Item:
    id: int
    invoice_number: str
    seq: int
    customer_id: str
    currency: str
    issue_date: date
    effective_from: date
    due_date: date
    amount: int
    open: int
    disputed: int
    last_index: int
    was_open: int = 0
    was_disputed: int = 0
    disputed_on: date | None = None  # when the disputed amount last moved in this unit of work

    @classmethod
    def from_row(cls, r) -> "Item":
        return cls(r.id, r.invoice_number, r.seq, r.customer_id, r.currency, r.issue_date, r.effective_from,
                   r.due_date, r.amount_minor, r.open_minor, r.disputed_minor, r.last_threshold_index,
                   r.open_minor, r.disputed_minor)

    @property
    def key(self) -> Key:
        return (self.invoice_number, self.seq)

    @property
    def undisputed(self) -> int:
        return self.open - self.disputed

    def open_item(self) -> OpenItem:
        return OpenItem(self.invoice_number, self.seq, self.issue_date, self.due_date,
                        Money.from_minor(self.open, self.currency), Money.from_minor(self.disputed, self.currency))


@dataclass(frozen=True)
class Applied:
    item: Item
    minor: int
    effective: date


@dataclass
class InvoiceChange:
    row: object  # the invoice row after the flush
    old_status: str
    new_status: str
    settled_date: date | None


@dataclass
class Book:
    customer_id: str | None  # None: a batch over several customers
    items: dict[Key, Item] = field(default_factory=dict)
    by_customer: dict[str, list[Item]] = field(default_factory=dict)
    by_invoice: dict[str, list[Item]] = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)  # allocation rows to insert
    touched_on: dict[str, date] = field(default_factory=dict)  # invoice -> latest effective date

    def add(self, rows: Iterable) -> list[Item]:
        out = []
        for r in rows:
            item = self.items.get((r.invoice_number, r.seq))
            if item is None:
                item = self.items[(r.invoice_number, r.seq)] = Item.from_row(r)
                self.by_customer.setdefault(item.customer_id, []).append(item)
                self.by_invoice.setdefault(item.invoice_number, []).append(item)
            out.append(item)
        return out

    async def load_open(self, uow: UnitOfWork, customers=None) -> "Book":
        if customers is None:
            self.add(await repo.open_instalments(uow, self.customer_id))
        else:
            self.add(await repo.open_instalments_of(uow, customers))
        return self

    async def load_invoice(self, uow: UnitOfWork, number: str) -> list[Item]:
        items = self.add(await invoice_repo.instalments_of(uow, [number]))
        return sorted(items, key=lambda it: (it.due_date, it.seq))

    async def load_ids(self, uow: UnitOfWork, ids) -> None:
        self.add(await repo.by_ids(uow, ids))

    def open_items(self, currency: str | None = None, invoice: str | None = None,
                   customer: str | None = None) -> list[OpenItem]:
        customer = customer or self.customer_id
        if invoice is not None:
            pool = self.by_invoice.get(invoice, ())
        elif customer is not None:
            pool = self.by_customer.get(customer, ())
        else:
            pool = self.items.values()
        return [it.open_item() for it in pool if it.open > 0
                and (currency is None or it.currency == currency)
                and (customer is None or it.customer_id == customer)]

    def open_of(self, invoice: str, customer: str | None = None) -> int:
        customer = customer or self.customer_id
        return sum(it.open for it in self.by_invoice.get(invoice, ())
                   if customer is None or it.customer_id == customer)

    def _row(self, item: Item, minor: int, effective: date, kind: str, source_type: str, source_ref: str,
             journal_id: int | None, now: datetime) -> None:
        self.rows.append({"instalment_id": item.id, "invoice_number": item.invoice_number, "seq": item.seq,
                          "customer_id": item.customer_id, "currency": item.currency, "amount_minor": minor,
                          "effective_date": effective, "kind": kind, "source_type": source_type,
                          "source_ref": source_ref, "journal_entry_id": journal_id, "created_at": now})
        previous = self.touched_on.get(item.invoice_number)
        self.touched_on[item.invoice_number] = effective if previous is None else max(previous, effective)

    def reduce(self, key: Key, minor: int, on: date, *, kind: str, source_type: str, source_ref: str,
               journal_id: int | None, now: datetime, disputed_part: bool = False) -> Applied:
        """Lower an instalment's open amount: its undisputed part first (the allocation
        rule), or its disputed part when a dispute's own credit settles it."""
        item = self.items[key]
        effective = max(on, item.effective_from)
        disputed = item.disputed
        item.open, item.disputed = reduce_open(item.open, item.disputed, minor, disputed_part=disputed_part)
        if item.disputed != disputed:
            item.disputed_on = effective
        self._row(item, minor, effective, kind, source_type, source_ref, journal_id, now)
        return Applied(item, minor, effective)

    def apply(self, result: AllocationResult, on: date, **kw) -> list[Applied]:
        return [self.reduce(a.key, a.amount.minor, on, **kw) for a in result.allocations]

    def reopen(self, key: Key, minor: int, on: date, *, kind: str, source_type: str, source_ref: str,
               journal_id: int | None, now: datetime) -> Applied:
        item = self.items[key]
        assert 0 < minor <= item.amount - item.open, (key, minor)
        item.open += minor
        self._row(item, -minor, on, kind, source_type, source_ref, journal_id, now)
        return Applied(item, minor, on)

    def set_disputed(self, key: Key, minor: int, on: date) -> None:
        item = self.items[key]
        assert 0 <= minor <= item.open
        item.disputed, item.disputed_on = minor, max(on, item.effective_from)
        self.touched_on.setdefault(item.invoice_number, item.effective_from)

    async def flush(self, uow: UnitOfWork, ladder: tuple[int, ...], now: datetime) -> list[InvoiceChange]:
        """Write what changed; returns the invoices whose status changed."""
        changed = [it for it in self.items.values() if (it.open, it.disputed) != (it.was_open, it.was_disputed)]
        await repo.update_instalments(uow, [
            {"i": it.id, "open": it.open, "disputed": it.disputed,
             "next": next_threshold_date(it.due_date, it.last_index, ladder) if it.undisputed > 0 else None}
            for it in changed])
        await repo.insert_allocations(uow, self.rows)
        await repo.insert_disputed_changes(uow, [
            {"instalment_id": it.id, "invoice_number": it.invoice_number, "customer_id": it.customer_id,
             "delta_minor": it.disputed - it.was_disputed, "effective_date": it.disputed_on or it.effective_from,
             "created_at": now} for it in changed if it.disputed != it.was_disputed])
        deltas: dict[str, int] = {}
        for it in changed:
            deltas[it.invoice_number] = deltas.get(it.invoice_number, 0) + it.open - it.was_open
            it.was_open, it.was_disputed, it.disputed_on = it.open, it.disputed, None
        self.rows = []
        await invoice_repo.add_open(uow, deltas)
        numbers = sorted(self.touched_on)
        touched_on, self.touched_on = self.touched_on, {}
        if not numbers:
            return []
        changes, updates = [], []
        for row in (await invoice_repo.by_numbers(uow, numbers)).values():
            status = invoice_status(row.amount_minor, row.open_minor, row.written_off_minor)
            settled = row.settled_date
            if status in ("settled", "written_off") and row.status not in ("settled", "written_off"):
                settled = touched_on[row.invoice_number]
            elif status not in ("settled", "written_off"):
                settled = None
            if status != row.status or settled != row.settled_date:
                updates.append({"n": row.invoice_number, "status": status, "settled_date": settled})
                changes.append(InvoiceChange(row, row.status, status, settled))
        await invoice_repo.set_status(uow, updates)
        return changes

