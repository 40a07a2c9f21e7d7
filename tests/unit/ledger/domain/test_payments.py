"""What a payment's explicit lines pay and recover, when a payment may be reversed, which
cash on account a refund pays back."""
from datetime import date

import pytest

from services.ledger.domain.payments import (CashSource, PaymentState, Recoverable, check_reversal, refund_sources,
                                             split_recoveries)
from shared.errors import RuleError


def lines_of(split):
    return [(a.invoice_number, a.amount.minor, a.position) for a in split.explicit]


def test_lines_within_the_open_amounts_pay_them_and_keep_their_positions():
    split = split_recoveries("C1", "CNY", [("A", 3000), ("B", 500)], {"A": 10000, "B": 500}, {})
    assert lines_of(split) == [("A", 3000, 0), ("B", 500, 1)] and split.recoveries == ()


def test_beyond_the_open_amount_recovers_written_off_debt_oldest_write_off_first():
    written_off = Recoverable("C1", "CNY", (("WO-1", 2000), ("WO-2", 5000)))
    split = split_recoveries("C1", "CNY", [("A", 1000), ("A", 3000)], {"A": 1500}, {"A": written_off})
    assert lines_of(split) == [("A", 1000, 0), ("A", 500, 1)]
    assert split.recoveries == (("A", "WO-1", 2000), ("A", "WO-2", 500)) and split.recovered_minor == 2500


@pytest.mark.parametrize("known, field, rule", [
    ({"A": None}, "allocations[1].invoice_number", "allocation.unknown_invoice"),
    ({"A": Recoverable("OTHER", "CNY", (("WO", 9999),))}, "allocations[1].invoice_number",
     "allocation.unknown_invoice"),
    ({"A": Recoverable("C1", "USD", (("WO", 9999),))}, "allocations[1].amount", "allocation.currency"),
    ({"A": Recoverable("C1", "CNY", ())}, "allocations[1].amount", "allocation.exceeds_open"),
    ({"A": Recoverable("C1", "CNY", (("WO", 100),))}, "allocations[1].amount", "allocation.exceeds_open"),
])
def test_what_cannot_be_paid_or_recovered_names_the_callers_line(known, field, rule):
    with pytest.raises(RuleError) as err:
        split_recoveries("C1", "CNY", [("B", 100), ("A", 900)], {"A": 500, "B": 100}, known)
    assert (err.value.field, err.value.rule) == (field, rule)


def test_two_lines_share_one_write_off_without_recovering_it_twice():
    written_off = Recoverable("C1", "CNY", (("WO-1", 1000),))
    with pytest.raises(RuleError) as err:
        split_recoveries("C1", "CNY", [("A", 800), ("A", 800)], {"A": 0}, {"A": written_off})
    assert err.value.field == "allocations[1].amount"


def payment(status="received", refunded=0, received=date(2026, 5, 10)) -> PaymentState:
    return PaymentState("P1", received, status, date(2026, 5, 20) if status == "reversed" else None, refunded)


@pytest.mark.parametrize("state, on, status, rule", [
    (payment(status="reversed"), date(2026, 6, 1), 409, "payment.already_reversed"),
    (payment(refunded=100), date(2026, 6, 1), 409, "payment.refunded"),
    (payment(), date(2026, 5, 9), 422, "payment.reversal_date"),
])
def test_a_payment_is_reversed_once_never_after_a_refund_nor_before_it_was_received(state, on, status, rule):
    with pytest.raises(RuleError) as err:
        check_reversal(state, on)
    assert (err.value.status, err.value.rule) == (status, rule)
    check_reversal(payment(), date(2026, 5, 10))  # the day it was received is fine


def test_a_refund_takes_the_oldest_cash_on_account_available_by_its_date():
    sources = [CashSource("credit_note", "CN1", date(2026, 5, 1), 300), CashSource("payment", "P2", date(2026, 5, 3), 500),
               CashSource("payment", "P1", date(2026, 5, 1), 200), CashSource("payment", "P3", date(2026, 6, 9), 900)]
    taken = refund_sources(sources, 600, date(2026, 6, 1), "CNY")
    assert [(s.ref, minor) for s, minor in taken] == [("P1", 200), ("CN1", 300), ("P2", 100)]
    with pytest.raises(RuleError) as err:  # P3 came after the refund's date
        refund_sources(sources, 1001, date(2026, 6, 1), "CNY")
    assert (err.value.field, err.value.rule) == ("amount", "refund.exceeds_unapplied")
