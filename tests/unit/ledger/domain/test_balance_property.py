"""Property: for any history built by the rules, the balance identity holds exactly.

A small simulator plays random operations through the domain functions (allocation
for payments and for unapplied cash on each new invoice, credit notes, write-offs,
payment reversals, refunds), records the movements and its own running state, and
checks `customer_balance` against both at every date.
"""
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from shared.money import Money
from services.ledger.domain.allocation import OpenItem, allocate_payment, apply_allocations, apply_unapplied_cash
from services.ledger.domain.balance import customer_balance
from services.ledger.domain.instalments import validate_schedule
from services.ledger.domain.movements import Application, Movement, MovementKind as K

CUR = "CNY"
ZERO = Money.zero(CUR)
START = date(2024, 1, 1)


def money(minor: int) -> Money:
    return Money.from_minor(minor, CUR)


@dataclass
class Sim:
    today: date = START
    movements: list = field(default_factory=list)
    items: dict = field(default_factory=dict)  # key -> OpenItem
    unapplied: Money = ZERO
    payments: list = field(default_factory=list)  # [movement, reversed?]
    totals: dict = field(default_factory=lambda: {k: ZERO for k in K})
    snapshots: dict = field(default_factory=dict)  # date -> (items, unapplied, expected balance)

    def book(self, m: Movement) -> None:
        self.movements.append(m)
        self.totals[m.kind] = self.totals[m.kind] + m.amount

    def expected_balance(self) -> Money:
        t = self.totals
        return (t[K.INVOICE] - t[K.PAYMENT] - t[K.CREDIT_NOTE] - t[K.WRITE_OFF] + t[K.PAYMENT_REVERSAL]
                + t[K.REFUND])

    def open_items(self) -> list[OpenItem]:
        return [i for i in self.items.values() if i.open_amount.is_positive]

    def settle(self, result, kind: K, amount: Money, ref: str) -> Movement:
        apps = tuple(Application(a.invoice_number, a.seq, a.amount) for a in result.allocations)
        m = Movement(kind, self.today, amount, ref, apps)
        for item in apply_allocations(list(self.items.values()), result):
            self.items[item.key] = item
        self.book(m)
        return m

    def invoice(self, minor: int, parts: int, due_in: int) -> None:
        number = f"INV-{len(self.movements)}"
        parts = min(parts, minor)
        share, rest = divmod(minor, parts)
        lines = [(self.today + timedelta(days=due_in + 15 * n), money(share + (rest if n == parts - 1 else 0)))
                 for n in range(parts)]
        schedule = validate_schedule(money(minor), self.today, lines)
        self.book(Movement.invoice(number, self.today, schedule))
        for line in schedule:
            self.items[(number, line.seq)] = OpenItem(number, line.seq, self.today, line.due_date, line.amount)
        if self.unapplied.is_positive:
            result = apply_unapplied_cash(self.unapplied, self.open_items())
            if result.applied.is_positive:
                self.settle(result, K.CASH_APPLICATION, result.applied, "")
                self.unapplied = result.unapplied

    def payment(self, minor: int) -> None:
        result = allocate_payment(money(minor), self.open_items())
        m = self.settle(result, K.PAYMENT, money(minor), f"P-{len(self.movements)}")
        self.unapplied = self.unapplied + result.unapplied
        self.payments.append([m, False])

    def credit_note(self, pick: int, percent: int, extra: int) -> None:
        items = self.open_items()
        if not items:
            return
        item = items[pick % len(items)]
        applied = money(max(1, item.open_amount.minor * percent // 100))
        m = Movement(K.CREDIT_NOTE, self.today, applied + money(extra), f"CN-{len(self.movements)}",
                     (Application(item.invoice_number, item.seq, applied),))
        self.items[item.key] = replace(item, open_amount=item.open_amount - applied)
        self.unapplied = self.unapplied + money(extra)
        self.book(m)

    def write_off(self, pick: int, percent: int) -> None:
        items = self.open_items()
        if not items:
            return
        item = items[pick % len(items)]
        amount = money(max(1, item.open_amount.minor * percent // 100))
        self.book(Movement(K.WRITE_OFF, self.today, amount, "", (Application(item.invoice_number, item.seq, amount),)))
        self.items[item.key] = replace(item, open_amount=item.open_amount - amount)

    def reversal(self, pick: int) -> None:
        candidates = [p for p in self.payments if not p[1] and p[0].amount - p[0].applied <= self.unapplied]
        if not candidates:
            return
        entry = candidates[pick % len(candidates)]
        paid: Movement = entry[0]
        for app in paid.applications:
            item = self.items[app.key]
            self.items[app.key] = replace(item, open_amount=item.open_amount + app.amount)
        self.unapplied = self.unapplied - (paid.amount - paid.applied)
        self.book(Movement(K.PAYMENT_REVERSAL, self.today, paid.amount, paid.reference, paid.applications))
        entry[1] = True

    def refund(self, percent: int) -> None:
        amount = money(self.unapplied.minor * percent // 100)
        if amount.is_positive:
            self.book(Movement(K.REFUND, self.today, amount))
            self.unapplied = self.unapplied - amount

    def snapshot(self) -> None:
        opens = {k: i.open_amount for k, i in self.items.items()}
        self.snapshots[self.today] = (opens, self.unapplied, self.expected_balance())


minor = st.integers(min_value=1, max_value=500_000)
percent = st.integers(min_value=1, max_value=100)
pick = st.integers(min_value=0, max_value=1000)
invoice_op = st.tuples(st.just("invoice"), minor, st.integers(min_value=1, max_value=4),
                       st.integers(min_value=0, max_value=60))
payment_op = st.tuples(st.just("payment"), minor)
operation = st.one_of(
    invoice_op, invoice_op, payment_op, payment_op,
    st.tuples(st.just("credit_note"), pick, percent, st.sampled_from([0, 0, 0, 1, 2500])),
    st.tuples(st.just("write_off"), pick, percent),
    st.tuples(st.just("reversal"), pick),
    st.tuples(st.just("refund"), percent),
)
history = st.lists(st.tuples(st.integers(min_value=0, max_value=3), operation), min_size=8, max_size=60)


@settings(database=None, max_examples=250, deadline=None)
@given(ops=history)
def test_balance_identity_holds_for_any_history(ops):
    sim = Sim()
    for gap, (name, *args) in ops:
        sim.today += timedelta(days=gap)
        getattr(sim, name)(*args)
        sim.snapshot()
    for as_of, (opens, unapplied, expected) in sim.snapshots.items():
        b = customer_balance(sim.movements, as_of, CUR)
        # invoices - payments - credit notes - write-offs + reversals (+ refunds), exactly
        assert b.balance == expected
        # open items and unapplied cash are consistent with the balance
        assert sum(opens.values(), ZERO) - unapplied == b.balance
        assert b.open_amount - b.unapplied_cash == b.balance
        assert b.unapplied_cash == unapplied
        assert {i.key: i.open_amount for i in b.items} == opens
        assert b.overdue_amount <= b.open_amount
    final = customer_balance(sim.movements, sim.today, CUR)
    assert final.written_off == sim.totals[K.WRITE_OFF]
    assert all(i.open_amount.amount >= 0 for i in final.items)
    # auto-allocation never leaves cash unapplied while items are open, unless a credit
    # note put credit on account or a reversal re-opened items
    if not any(m.kind in (K.PAYMENT_REVERSAL, K.CREDIT_NOTE) for m in sim.movements):
        assert not (final.unapplied_cash.is_positive and final.open_items())
    event(f"movements >= 10: {len(sim.movements) >= 10}")
    for kind in K:
        if sim.totals[kind].is_positive:
            event(f"has {kind}")
