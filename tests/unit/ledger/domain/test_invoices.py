"""An invoice's schedule and due date as the ledger books it, and its status."""
from datetime import date
from decimal import Decimal

import pytest

from services.ledger.domain.invoices import (LargeOrderAction, LargeOrderPolicy, book_schedule, check_large_order,
                                             invoice_status, large_order_findings)
from shared.errors import RuleError
from shared.money import Money

ISSUED = date(2026, 3, 15)
AMOUNT = Money.of("1000.00", "CNY")


def booked(**kw):
    args = {"due_date": None, "payment_terms": None, "shipment_date": None, "instalments": None, **kw}
    return book_schedule(AMOUNT, ISSUED, **args)


@pytest.mark.parametrize("terms, shipped, due, code", [
    ("NET30", None, date(2026, 4, 14), "NET30"), ("EOM", None, date(2026, 3, 31), "EOM+0"),
    ("EOM+15", None, date(2026, 4, 15), "EOM+15"), ("SHIP+30", date(2026, 3, 20), date(2026, 4, 19), "SHIP+30"),
    ("net 30 days", None, date(2026, 4, 14), "NET30")])
def test_terms_give_one_instalment_due_when_they_say(terms, shipped, due, code):
    b = booked(payment_terms=terms, shipment_date=shipped)
    assert (b.due_date, b.terms_code) == (due, code)
    assert [(i.seq, i.due_date, i.amount) for i in b.instalments] == [(1, due, AMOUNT)]


def test_an_explicit_due_date_wins_over_terms_and_is_checked():
    assert booked(due_date=date(2026, 5, 1), payment_terms="NET30").due_date == date(2026, 5, 1)
    with pytest.raises(RuleError) as err:
        booked(due_date=date(2026, 3, 1))
    assert (err.value.field, err.value.rule) == ("due_date", "terms.due_before_issue")
    with pytest.raises(RuleError) as err:
        booked()
    assert (err.value.field, err.value.rule) == ("due_date", "required")


def test_an_instalment_invoice_is_due_when_its_last_instalment_is():
    lines = [(date(2026, 6, 30), "700.00"), (date(2026, 4, 15), "300.00")]
    b = booked(instalments=lines, payment_terms="NET30")
    assert b.due_date == date(2026, 6, 30) and b.terms_code == "NET30"
    assert [(i.seq, i.due_date) for i in b.instalments] == [(1, date(2026, 4, 15)), (2, date(2026, 6, 30))]
    assert booked(instalments=lines, due_date=date(2026, 6, 30)).due_date == date(2026, 6, 30)
    with pytest.raises(RuleError) as err:  # a due date that contradicts the schedule
        booked(instalments=lines, due_date=date(2026, 4, 15))
    assert (err.value.field, err.value.rule) == ("due_date", "instalments.due_date")


def test_status_follows_what_is_open():
    assert invoice_status(1000, 1000, 0) == "open"
    assert invoice_status(1000, 400, 0) == "partially_paid"
    assert invoice_status(1000, 0, 0) == "settled"
    assert invoice_status(1000, 0, 250) == "written_off"


POLICY = LargeOrderPolicy({"CNY": Decimal(1_000_000)})
BIG = Money.of("2000000.00", "CNY")


def schedule(*lines):
    return book_schedule(BIG, ISSUED, due_date=None, payment_terms=None, shipment_date=None,
                         instalments=list(lines)).instalments


def test_a_large_order_is_collected_in_instalments_the_first_at_least_30_percent():
    assert large_order_findings(AMOUNT, booked(due_date=date(2026, 6, 1)).instalments, POLICY) == []  # not large
    single = book_schedule(BIG, ISSUED, due_date=date(2026, 6, 1), payment_terms=None, shipment_date=None,
                           instalments=None).instalments
    assert large_order_findings(BIG, single, POLICY) == ["large_order.no_instalments"]
    short = schedule((date(2026, 4, 1), "500000.00"), (date(2026, 6, 1), "1500000.00"))
    assert large_order_findings(BIG, short, POLICY) == ["large_order.down_payment"]  # 25 %
    enough = schedule((date(2026, 6, 1), "1400000.00"), (date(2026, 4, 1), "600000.00"))  # the first due is 30 %
    assert large_order_findings(BIG, enough, POLICY) == []
    assert large_order_findings(Money.of("2000000.00", "USD"), short, POLICY) == []  # no threshold in USD


def test_the_policy_flags_or_refuses():
    short = schedule((date(2026, 4, 1), "100.00"), (date(2026, 6, 1), "1999900.00"))
    assert check_large_order(BIG, short, POLICY) == ["large_order.down_payment"]
    with pytest.raises(RuleError) as err:
        check_large_order(BIG, short, LargeOrderPolicy({"CNY": Decimal(1_000_000)}, action=LargeOrderAction.REFUSE))
    assert (err.value.field, err.value.rule) == ("instalments", "large_order.down_payment")
