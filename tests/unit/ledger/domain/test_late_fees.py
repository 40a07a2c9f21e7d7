from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.money import Money, MoneyError
from services.ledger.domain.late_fees import AccrualBasis, LateFeeError, LateFeePolicy, late_fee

DUE = date(2024, 1, 31)
RATE = LateFeePolicy(Decimal("0.0005"))


def cny(value: str) -> Money:
    return Money.of(value, "CNY")


def test_simple_interest_on_the_open_amount_per_day_overdue():
    fee = late_fee(cny("10000.00"), DUE, date(2024, 3, 1), RATE)  # 30 days, leap February
    assert fee.amount == cny("150.00")
    assert [(s.start, s.end, s.days, s.balance) for s in fee.segments] == [
        (DUE, date(2024, 3, 1), 30, cny("10000"))]
    assert not fee.capped


def test_nothing_before_or_on_the_due_date():
    assert late_fee(cny("10000"), DUE, DUE, RATE).amount == cny("0")
    assert late_fee(cny("10000"), DUE, date(2024, 1, 1), RATE).amount == cny("0")
    assert late_fee(cny("10000"), DUE, date(2024, 2, 1), RATE).amount == cny("5.00")


def test_partial_payments_accrue_segment_by_segment():
    fee = late_fee(cny("10000"), DUE, date(2024, 3, 1), RATE, [(date(2024, 2, 10), cny("4000"))])
    assert [(s.days, s.balance) for s in fee.segments] == [(10, cny("10000")), (20, cny("6000"))]
    assert fee.amount == cny("110.00")  # 50 + 60


def test_payments_in_any_order_and_settlement_stops_interest():
    payments = [(date(2024, 2, 20), cny("6000")), (date(2024, 2, 10), cny("4000"))]
    fee = late_fee(cny("10000"), DUE, date(2024, 12, 31), RATE, payments)
    assert fee.amount == cny("80.00")  # 10 days on 10000 + 10 days on 6000


def test_payments_on_the_same_day_and_overpayment():
    payments = [(date(2024, 2, 10), cny("3000")), (date(2024, 2, 10), cny("9000"))]
    fee = late_fee(cny("10000"), DUE, date(2024, 3, 1), RATE, payments)
    assert fee.amount == cny("50.00")


def test_payments_before_due_reduce_the_principal_and_later_ones_are_ignored():
    payments = [(date(2024, 1, 20), cny("2000")), (date(2024, 3, 5), cny("8000"))]
    assert late_fee(cny("10000"), DUE, date(2024, 3, 1), RATE, payments).amount == cny("120.00")


def test_grace_days_shift_the_start_of_accrual():
    policy = LateFeePolicy(Decimal("0.0005"), grace_days=5)
    assert late_fee(cny("10000"), DUE, date(2024, 2, 5), policy).amount == cny("0")
    assert late_fee(cny("10000"), DUE, date(2024, 3, 1), policy).amount == cny("125.00")
    paid_in_grace = [(date(2024, 2, 4), cny("10000"))]
    assert late_fee(cny("10000"), DUE, date(2024, 3, 1), policy, paid_in_grace).amount == cny("0")


def test_caps_by_rate_and_by_amount_the_lower_wins():
    by_rate = late_fee(cny("10000"), DUE, date(2024, 3, 1), LateFeePolicy(Decimal("0.0005"), cap_rate="0.01"))
    assert by_rate.amount == cny("100.00") and by_rate.capped and by_rate.uncapped == Decimal("150")
    by_amount = LateFeePolicy(Decimal("0.0005"), cap_amount=cny("120"))
    assert late_fee(cny("10000"), DUE, date(2024, 3, 1), by_amount).amount == cny("120.00")
    both = LateFeePolicy(Decimal("0.0005"), cap_rate=Decimal("0.02"), cap_amount=cny("120"))
    assert late_fee(cny("10000"), DUE, date(2024, 3, 1), both).amount == cny("120.00")
    high = LateFeePolicy(Decimal("0.0005"), cap_amount=cny("1000"))
    assert not late_fee(cny("10000"), DUE, date(2024, 3, 1), high).capped


def test_since_last_payment_basis():
    policy = LateFeePolicy(Decimal("0.0005"), basis=AccrualBasis.SINCE_LAST_PAYMENT)
    fee = late_fee(cny("10000"), DUE, date(2024, 3, 1), policy, [(date(2024, 2, 10), cny("4000"))])
    assert fee.amount == cny("60.00")  # 6000 for the 20 days since the last payment
    assert late_fee(cny("10000"), DUE, date(2024, 3, 1), policy).amount == cny("150.00")
    early = [(date(2024, 1, 5), cny("4000"))]  # a payment before due does not move the start back
    assert late_fee(cny("10000"), DUE, date(2024, 3, 1), policy, early).amount == cny("90.00")
    assert late_fee(cny("100"), DUE, date(2024, 3, 1), policy, [(date(2024, 2, 1), cny("200"))]).amount == cny("0")


def test_rounding_is_half_up_to_the_currency_scale():
    half = LateFeePolicy(Decimal("0.00005"))
    assert late_fee(cny("100.00"), DUE, date(2024, 2, 1), half).amount == cny("0.01")  # 0.005 -> 0.01
    assert late_fee(cny("333.33"), DUE, date(2024, 2, 3), RATE).amount == cny("0.50")  # 0.499995
    assert late_fee(cny("0.01"), DUE, date(2024, 2, 1), RATE).amount == cny("0.00")
    jpy = late_fee(Money.of("1000", "JPY"), DUE, date(2024, 2, 1), RATE)
    assert jpy.amount == Money.of("1", "JPY")  # 0.5 -> 1
    assert late_fee(Money.of("1.000", "BHD"), DUE, date(2024, 2, 2), RATE).amount.amount == Decimal("0.001")


def test_policy_and_input_errors():
    with pytest.raises(MoneyError):
        LateFeePolicy(0.0005)  # type: ignore[arg-type]
    with pytest.raises(LateFeeError):
        LateFeePolicy(Decimal("-0.1"))
    with pytest.raises(LateFeeError):
        LateFeePolicy(Decimal("0.1"), grace_days=-1)
    with pytest.raises(LateFeeError):
        LateFeePolicy(Decimal("0.1"), cap_rate="-1")
    with pytest.raises(LateFeeError):
        LateFeePolicy(Decimal("0.1"), cap_amount=cny("-1"))
    with pytest.raises(LateFeeError) as err:
        late_fee(cny("10"), DUE, date(2024, 3, 1), RATE, [(DUE, Money.of("1", "USD"))])
    assert err.value.field == "payments[0].amount"
    with pytest.raises(LateFeeError) as err:
        late_fee(cny("10"), DUE, date(2024, 3, 1), RATE, [(DUE, cny("1")), (DUE, cny("0"))])
    assert err.value.field == "payments[1].amount"
    with pytest.raises(LateFeeError):
        late_fee(cny("10"), DUE, date(2024, 3, 1), LateFeePolicy(Decimal("0.1"), cap_amount=Money.of("1", "USD")))
    assert LateFeePolicy("0.0005").daily_rate == Decimal("0.0005")


@settings(database=None, max_examples=200)
@given(amount=st.integers(min_value=1, max_value=10**9), days=st.integers(min_value=0, max_value=800),
       cuts=st.lists(st.tuples(st.integers(min_value=-30, max_value=900), st.integers(min_value=1, max_value=10**8)),
                     max_size=6))
def test_segments_equal_a_day_by_day_sum(amount, days, cuts):
    from datetime import timedelta
    principal = Money.from_minor(amount, "CNY")
    payments = [(DUE + timedelta(days=d), Money.from_minor(m, "CNY")) for d, m in cuts]
    as_of = DUE + timedelta(days=days)
    fee = late_fee(principal, DUE, as_of, RATE, payments)
    exact = Decimal(0)
    for day in range(1, days + 1):  # day k of overdue: balance after payments effective on or before due+k-1
        when = DUE + timedelta(days=day - 1)
        paid = sum((m.amount for d, m in payments if d <= when), Decimal(0))
        exact += max(principal.amount - paid, Decimal(0)) * RATE.daily_rate
    assert fee.uncapped == exact
    assert fee.amount.amount == exact.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
