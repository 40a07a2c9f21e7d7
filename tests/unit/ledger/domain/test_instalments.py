from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.money import Money
from services.ledger.domain.instalments import (
    Instalment, ScheduleError, down_payment_schedule, single_instalment, validate_schedule,
)

ISSUE = date(2024, 1, 10)


def cny(value: str) -> Money:
    return Money.of(value, "CNY")


def test_an_invoice_without_a_schedule_is_one_instalment():
    assert single_instalment(cny("100.00"), date(2024, 2, 9)) == (Instalment(1, date(2024, 2, 9), cny("100")),)
    with pytest.raises(ScheduleError):
        single_instalment(cny("0"), date(2024, 2, 9))


def test_valid_schedule_is_sorted_and_numbered():
    lines = [(date(2024, 3, 1), cny("40")), (date(2024, 1, 10), cny("30")), (date(2024, 2, 1), "30.00")]
    schedule = validate_schedule(cny("100"), ISSUE, lines)
    assert [(i.seq, i.due_date, i.amount) for i in schedule] == [
        (1, date(2024, 1, 10), cny("30")), (2, date(2024, 2, 1), cny("30")), (3, date(2024, 3, 1), cny("40"))]


def test_equal_due_dates_keep_their_input_order():
    lines = [(date(2024, 2, 1), cny("60")), (date(2024, 2, 1), cny("40"))]
    assert [i.amount for i in validate_schedule(cny("100"), ISSUE, lines)] == [cny("60"), cny("40")]


def test_schedule_accepts_instalments_and_renumbers_them():
    lines = [Instalment(9, date(2024, 2, 1), cny("100"))]
    assert validate_schedule(cny("100"), ISSUE, lines)[0].seq == 1


def test_sum_must_equal_the_invoice_amount_exactly():
    with pytest.raises(ScheduleError) as err:
        validate_schedule(cny("100"), ISSUE, [(date(2024, 2, 1), cny("33.33"))] * 3)
    assert err.value.rule == "instalments.sum" and err.value.field == "instalments"
    with pytest.raises(ScheduleError):
        validate_schedule(cny("100"), ISSUE, [(date(2024, 2, 1), cny("100.01"))])


@pytest.mark.parametrize("amount", ["0", "-10"])
def test_each_instalment_must_be_positive(amount):
    with pytest.raises(ScheduleError) as err:
        validate_schedule(cny("100"), ISSUE, [(date(2024, 2, 1), cny("100")), (date(2024, 3, 1), cny(amount))])
    assert err.value.field == "instalments[1].amount"
    assert err.value.rule == "instalments.positive"


def test_due_dates_cannot_precede_the_issue_date():
    with pytest.raises(ScheduleError) as err:
        validate_schedule(cny("100"), ISSUE, [(date(2024, 1, 9), cny("100"))])
    assert err.value.field == "instalments[0].due_date"


def test_currency_and_scale_are_checked_per_line():
    with pytest.raises(ScheduleError) as err:
        validate_schedule(cny("100"), ISSUE, [(date(2024, 2, 1), Money.of("100", "USD"))])
    assert err.value.rule == "instalments.currency" and err.value.field == "instalments[0].amount"
    with pytest.raises(ScheduleError) as err:
        validate_schedule(cny("100"), ISSUE, [(date(2024, 2, 1), "99.995"), (date(2024, 2, 1), "0.005")])
    assert err.value.rule == "instalments.scale"
    with pytest.raises(ScheduleError):
        validate_schedule(Money.of("100", "JPY"), ISSUE, [(date(2024, 2, 1), "100.5")])
    with pytest.raises(ScheduleError):
        validate_schedule(cny("1"), ISSUE, [(date(2024, 2, 1), 1.0)])  # floats are refused


def test_an_empty_schedule_is_an_error():
    with pytest.raises(ScheduleError) as err:
        validate_schedule(cny("100"), ISSUE, [])
    assert err.value.rule == "instalments.empty"


def test_down_payment_30_percent_then_equal_milestones_remainder_on_last():
    schedule = down_payment_schedule(cny("1000.00"), ISSUE, 30, date(2024, 1, 10),
                                     [date(2024, 2, 10), date(2024, 3, 10), date(2024, 4, 10)])
    assert [i.amount for i in schedule] == [cny("300"), cny("233.33"), cny("233.33"), cny("233.34")]
    assert [i.seq for i in schedule] == [1, 2, 3, 4]


def test_down_payment_rounds_half_up_to_the_minor_unit():
    schedule = down_payment_schedule(cny("0.05"), ISSUE, 30, ISSUE, [date(2024, 2, 1)])
    assert [i.amount for i in schedule] == [cny("0.02"), cny("0.03")]  # 1.5 fen -> 2 fen
    jpy = down_payment_schedule(Money.of("1001", "JPY"), ISSUE, "33.3", ISSUE, [date(2024, 2, 1)] * 2)
    assert [i.amount.amount for i in jpy] == [Decimal(333), Decimal(334), Decimal(334)]


def test_down_payment_100_percent_and_its_errors():
    assert len(down_payment_schedule(cny("10"), ISSUE, 100, ISSUE, [])) == 1
    for percent in (0, -5, 101, "abc", 1.5):
        with pytest.raises(ScheduleError) as err:
            down_payment_schedule(cny("10"), ISSUE, percent, ISSUE, [date(2024, 2, 1)])
        assert err.value.field == "down_percent"
    with pytest.raises(ScheduleError):
        down_payment_schedule(cny("10"), ISSUE, 100, ISSUE, [date(2024, 2, 1)])
    with pytest.raises(ScheduleError):
        down_payment_schedule(cny("10"), ISSUE, 30, ISSUE, [])


def test_down_payment_minimum_percent_and_milestone_order():
    with pytest.raises(ScheduleError) as err:
        down_payment_schedule(cny("10"), ISSUE, 20, ISSUE, [date(2024, 2, 1)], min_down_percent=30)
    assert err.value.rule == "instalments.min_down_percent"
    with pytest.raises(ScheduleError) as err:
        down_payment_schedule(cny("10"), ISSUE, 30, date(2024, 2, 1), [date(2024, 1, 20)])
    assert err.value.field == "milestone_dues[0]"


def test_down_payment_too_small_to_split_is_refused():
    with pytest.raises(ScheduleError) as err:
        down_payment_schedule(cny("0.03"), ISSUE, 50, ISSUE, [date(2024, 2, 1)] * 3)
    assert err.value.rule == "instalments.positive"


@settings(database=None, max_examples=200)
@given(minor=st.integers(min_value=100, max_value=10**12),
       percent=st.integers(min_value=1, max_value=99), milestones=st.integers(min_value=1, max_value=12))
def test_down_payment_schedule_always_sums_exactly(minor, percent, milestones):
    amount = Money.from_minor(minor, "CNY")
    dues = [date(2024, 2, 1 + n) for n in range(milestones)]
    try:
        schedule = down_payment_schedule(amount, ISSUE, percent, ISSUE, dues)
    except ScheduleError as exc:  # only when a milestone would be zero
        assert exc.rule == "instalments.positive"
        return
    total = sum((i.amount for i in schedule), Money.zero("CNY"))
    assert total == amount
    assert len(schedule) == milestones + 1
    shares = [i.amount.minor for i in schedule[1:]]
    assert max(shares) - min(shares) < milestones  # equal but for the remainder on the last
