from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.money import Money
from services.ledger.domain.allocation import (
    reduce_open,
    Allocation, AllocationError, ExplicitAllocation, OpenItem, allocate_payment, apply_allocations,
    apply_unapplied_cash,
)


def cny(value: str) -> Money:
    return Money.of(value, "CNY")


def item(inv: str, seq: int, due: date, amount: str, issue: date = date(2024, 1, 1), disputed: str = "0",
         currency: str = "CNY") -> OpenItem:
    return OpenItem(inv, seq, issue, due, Money.of(amount, currency), Money.of(disputed, currency))


def paid(result) -> dict:
    return {a.key: a.amount for a in result.allocations}


ITEMS = [
    item("INV-2", 1, date(2024, 3, 1), "200"),
    item("INV-1", 2, date(2024, 2, 15), "50"),
    item("INV-1", 1, date(2024, 1, 31), "100"),
]


def test_oldest_due_first_across_invoices_and_instalments():
    result = allocate_payment(cny("170"), ITEMS)
    assert [a.key for a in result.allocations] == [("INV-1", 1), ("INV-1", 2), ("INV-2", 1)]
    assert paid(result) == {("INV-1", 1): cny("100"), ("INV-1", 2): cny("50"), ("INV-2", 1): cny("20")}
    assert result.unapplied == cny("0")
    assert result.applied == cny("170")
    assert not any(a.explicit for a in result.allocations)


def test_partial_payment_pays_part_of_the_oldest_item():
    result = allocate_payment(cny("30.50"), ITEMS)
    assert result.allocations == (Allocation("INV-1", 1, cny("30.50")),)
    assert result.unapplied == cny("0")


def test_overpayment_leaves_unapplied_cash():
    result = allocate_payment(cny("400"), ITEMS)
    assert result.applied == cny("350")
    assert result.unapplied == cny("50")


def test_no_open_items_means_all_unapplied():
    result = allocate_payment(cny("10"), [])
    assert result.allocations == () and result.unapplied == cny("10")


def test_ties_break_on_issue_date_then_invoice_number_then_seq():
    due = date(2024, 2, 1)
    items = [item("B", 1, due, "10", issue=date(2024, 1, 2)), item("C", 1, due, "10", issue=date(2024, 1, 1)),
             item("A", 2, due, "10", issue=date(2024, 1, 2)), item("A", 1, due, "10", issue=date(2024, 1, 2))]
    result = allocate_payment(cny("40"), items)
    assert [a.key for a in result.allocations] == [("C", 1), ("A", 1), ("A", 2), ("B", 1)]


def test_explicit_allocations_first_then_oldest_due_for_the_rest():
    result = allocate_payment(cny("250"), ITEMS, [("INV-2", cny("200"))])
    assert paid(result) == {("INV-2", 1): cny("200"), ("INV-1", 1): cny("50")}
    assert [a.explicit for a in result.allocations] == [True, False]
    assert result.unapplied == cny("0")


def test_explicit_allocation_inside_an_invoice_pays_oldest_instalment_first():
    result = allocate_payment(cny("120"), ITEMS, [ExplicitAllocation("INV-1", cny("120"))])
    assert paid(result) == {("INV-1", 1): cny("100"), ("INV-1", 2): cny("20")}
    assert all(a.explicit for a in result.allocations)


def test_explicit_and_auto_parts_on_one_item_are_merged():
    result = allocate_payment(cny("100"), ITEMS, [("INV-1", cny("60"))])
    assert result.allocations == (Allocation("INV-1", 1, cny("100"), explicit=True),)


def test_several_explicit_lines_for_one_invoice_count_together():
    with pytest.raises(AllocationError) as err:
        allocate_payment(cny("500"), ITEMS, [("INV-1", cny("100")), ("INV-1", cny("60"))])
    assert err.value.field == "allocations[1].amount" and err.value.rule == "allocation.exceeds_open"


def test_unknown_invoice_is_named():
    with pytest.raises(AllocationError) as err:
        allocate_payment(cny("100"), ITEMS, [("INV-1", cny("10")), ("INV-404", cny("10"))])
    assert err.value.field == "allocations[1].invoice_number"
    assert err.value.rule == "allocation.unknown_invoice"
    assert "INV-404" in err.value.message


def test_explicit_amount_above_the_invoice_open_amount_is_an_error():
    with pytest.raises(AllocationError) as err:
        allocate_payment(cny("500"), ITEMS, [("INV-1", cny("150.01"))])
    assert err.value.field == "allocations[0].amount"
    assert err.value.rule == "allocation.exceeds_open"


@pytest.mark.parametrize("amount", ["0", "-1"])
def test_non_positive_explicit_amount_is_an_error(amount):
    with pytest.raises(AllocationError) as err:
        allocate_payment(cny("100"), ITEMS, [("INV-1", cny(amount))])
    assert err.value.field == "allocations[0].amount" and err.value.rule == "allocation.non_positive"


def test_explicit_currency_mismatch_is_an_error():
    with pytest.raises(AllocationError) as err:
        allocate_payment(cny("100"), ITEMS, [("INV-1", Money.of("10", "USD"))])
    assert err.value.field == "allocations[0].amount" and err.value.rule == "allocation.currency"
    usd_items = [*ITEMS, item("INV-USD", 1, date(2024, 1, 1), "10", currency="USD")]
    with pytest.raises(AllocationError) as err:
        allocate_payment(cny("100"), usd_items, [("INV-USD", cny("10"))])
    assert err.value.rule == "allocation.currency"


def test_explicit_total_above_the_payment_is_an_error():
    with pytest.raises(AllocationError) as err:
        allocate_payment(cny("120"), ITEMS, [("INV-1", cny("100")), ("INV-2", cny("30"))])
    assert err.value.field == "allocations" and err.value.rule == "allocation.exceeds_payment"


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_payment_must_be_positive(amount):
    with pytest.raises(AllocationError) as err:
        allocate_payment(cny(amount), ITEMS)
    assert err.value.field == "amount"


def test_auto_allocation_ignores_other_currencies():
    items = [item("U", 1, date(2023, 1, 1), "10", currency="USD"), *ITEMS]
    result = allocate_payment(cny("10"), items)
    assert paid(result) == {("INV-1", 1): cny("10")}


def test_duplicate_open_items_are_refused():
    with pytest.raises(AllocationError) as err:
        allocate_payment(cny("10"), [ITEMS[0], ITEMS[0]])
    assert err.value.rule == "allocation.duplicate_item"


def test_open_item_invariants():
    with pytest.raises(AllocationError):
        item("X", 1, date(2024, 1, 1), "10", disputed="11")
    with pytest.raises(AllocationError):
        item("X", 1, date(2024, 1, 1), "-1")
    assert item("X", 1, date(2024, 1, 1), "10", disputed="4").undisputed == cny("6")
    assert OpenItem("X", 1, date(2024, 1, 1), date(2024, 1, 1), cny("5")).disputed_amount == cny("0")


def test_auto_allocation_skips_disputed_parts_and_keeps_the_rest_unapplied():
    items = [item("OLD", 1, date(2024, 1, 1), "100", disputed="100"),
             item("MID", 1, date(2024, 1, 15), "100", disputed="40"),
             item("NEW", 1, date(2024, 2, 1), "50")]
    result = allocate_payment(cny("200"), items)
    assert paid(result) == {("MID", 1): cny("60"), ("NEW", 1): cny("50")}
    assert result.unapplied == cny("90")


def test_explicit_allocation_may_pay_a_disputed_part_after_the_undisputed_ones():
    items = [item("D", 1, date(2024, 1, 1), "100", disputed="100"), item("D", 2, date(2024, 2, 1), "50")]
    result = allocate_payment(cny("120"), items, [("D", cny("120"))])
    assert paid(result) == {("D", 2): cny("50"), ("D", 1): cny("70")}
    after = {i.key: i for i in apply_allocations(items, result)}
    assert after[("D", 1)].open_amount == cny("30") and after[("D", 1)].disputed_amount == cny("30")
    assert after[("D", 2)].open_amount == cny("0")


def test_apply_allocations_reduces_undisputed_first():
    items = [item("P", 1, date(2024, 1, 1), "100", disputed="40")]
    result = allocate_payment(cny("50"), items)
    (after,) = apply_allocations(items, result)
    assert after.open_amount == cny("50") and after.disputed_amount == cny("40")
    with pytest.raises(AllocationError):
        apply_allocations([], result)


def test_unapplied_cash_goes_to_a_new_invoice_oldest_first():
    new = [item("NEW-2", 1, date(2024, 5, 1), "30"), item("NEW-1", 1, date(2024, 4, 1), "30")]
    result = apply_unapplied_cash(cny("50"), new)
    assert paid(result) == {("NEW-1", 1): cny("30"), ("NEW-2", 1): cny("20")}
    assert result.unapplied == cny("0")
    assert apply_unapplied_cash(cny("0"), new).allocations == ()
    with pytest.raises(AllocationError):
        apply_unapplied_cash(cny("-1"), new)


@st.composite
def open_books(draw):
    n = draw(st.integers(min_value=0, max_value=8))
    items = []
    for k in range(n):
        open_minor = draw(st.integers(min_value=0, max_value=10_000))
        disputed_minor = draw(st.integers(min_value=0, max_value=open_minor))
        due = date(2024, 1, 1 + draw(st.integers(min_value=0, max_value=20)))
        items.append(OpenItem(f"I{k % 3}", k, date(2024, 1, 1), due, Money.from_minor(open_minor, "CNY"),
                              Money.from_minor(disputed_minor, "CNY")))
    return items


@settings(database=None, max_examples=300)
@given(items=open_books(), payment_minor=st.integers(min_value=1, max_value=60_000))
def test_auto_allocation_conserves_money_and_never_touches_disputes(items, payment_minor):
    payment = Money.from_minor(payment_minor, "CNY")
    result = allocate_payment(payment, items)
    assert result.applied + result.unapplied == payment
    by_key = {i.key: i for i in items}
    for a in result.allocations:
        assert a.amount.is_positive and a.amount <= by_key[a.key].undisputed
    undisputed_total = sum((i.undisputed for i in items), Money.zero("CNY"))
    assert result.applied == payment.min(undisputed_total)
    # oldest due first: an item is only paid if every older item's undisputed part is fully paid
    got = {a.key: a.amount for a in result.allocations}
    ordered = sorted(items, key=lambda i: i.order)
    for pos, it in enumerate(ordered):
        if it.key in got:
            for older in ordered[:pos]:
                assert got.get(older.key, Money.zero("CNY")) == older.undisputed


def test_taking_money_off_an_item_reduces_its_undisputed_part_first():
    assert reduce_open(1000, 300, 600) == (400, 300)  # 700 undisputed: the dispute is untouched
    assert reduce_open(1000, 300, 900) == (100, 100)  # beyond the undisputed part: the dispute shrinks
    assert reduce_open(1000, 300, 200, disputed_part=True) == (800, 100)  # a dispute's own credit
    with pytest.raises(AllocationError):
        reduce_open(1000, 0, 1001)
