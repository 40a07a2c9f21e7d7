from datetime import date, timedelta
from decimal import Decimal

import pytest

from shared.money import Money, MoneyError
from services.credit.domain.errors import InvalidScore
from services.credit.domain.receivables import OpenItem
from services.credit.domain.subscores import (
    PurchasesPolicy, RepaymentPolicy, RepaymentRecord, score_purchases, score_repayment,
    open_records, weighted_days_late,
)
from tests.support.credit import cny

AS_OF = date(2024, 7, 1)


def paid(days_late: int, amount="1000", due=date(2024, 3, 1)) -> RepaymentRecord:
    return RepaymentRecord(due, cny(amount), due + timedelta(days=days_late))


@pytest.mark.parametrize("days, points", [
    (0, 40), (-5, 40), (1, 36), (7, 36), (8, 30), (15, 30), (16, 25), (30, 25),
    (31, 20), (60, 20), (61, 10), (90, 10), (91, 0), (400, 0),
])
def test_repayment_bands(days, points):
    assert score_repayment([paid(days)], 0, AS_OF).points == points


def test_early_payment_counts_as_zero_days():
    assert paid(-10).days_late(AS_OF) == 0


def test_weighted_average_by_amount():
    records = [paid(0, "9000"), paid(10, "1000")]  # (0*9000 + 10*1000) / 10000 = 1 day
    assert weighted_days_late(records, AS_OF) == Decimal(1)
    assert score_repayment(records, 0, AS_OF).points == 36


def test_open_overdue_item_counts_days_so_far():
    still_open = RepaymentRecord(date(2024, 6, 1), cny("500"))  # 30 days late at AS_OF
    assert still_open.days_late(AS_OF) == 30
    assert score_repayment([still_open], 0, AS_OF).points == 25


def test_payment_after_rating_date_counts_as_open():
    rec = RepaymentRecord(date(2024, 6, 21), cny("500"), paid_on=date(2024, 8, 1))
    assert rec.days_late(AS_OF) == 10


def test_window_is_last_12_months_of_due_dates():
    old = RepaymentRecord(date(2023, 7, 1), cny("1000"), date(2023, 12, 1))  # outside (start excluded)
    recent = paid(0)
    assert weighted_days_late([old, recent], AS_OF) == 0
    not_yet_due = RepaymentRecord(date(2024, 7, 2), cny("1000"))
    assert weighted_days_late([not_yet_due], AS_OF) is None


def test_broken_promises_cost_five_points_each_and_never_below_zero():
    assert score_repayment([paid(0)], 1, AS_OF).points == 35
    assert score_repayment([paid(0)], 2, AS_OF).points == 30
    assert score_repayment([paid(61)], 3, AS_OF).points == 0


def test_no_history_defaults_to_c_floor():
    sub = score_repayment([], 0, AS_OF)
    assert sub.points == 25
    assert "no own history" in sub.rule


def test_no_history_uses_investigated_score_when_given():
    assert score_repayment([], 0, AS_OF, investigated_points=33).points == 33
    with pytest.raises(InvalidScore):
        score_repayment([], 0, AS_OF, investigated_points=41)


def test_history_wins_over_investigated_score():
    assert score_repayment([paid(100)], 0, AS_OF, investigated_points=40).points == 0


def test_repayment_explanation_inputs():
    sub = score_repayment([paid(10)], 1, AS_OF)
    inputs = dict(sub.inputs)
    assert inputs["weighted_days_late"] == "10.00"
    assert inputs["base_points"] == "30" and inputs["penalty_points"] == "5"
    assert sub.points == 25 and sub.max_points == 40


def test_repayment_scales_to_other_weights_rounding_down():
    assert score_repayment([paid(3)], 0, AS_OF, weight=45).points == 40  # 45 * 0.9 = 40.5


def test_repayment_mixed_currency_refused():
    usd = RepaymentRecord(date(2024, 3, 1), Money.of("10", "USD"), date(2024, 3, 1))
    with pytest.raises(MoneyError):
        weighted_days_late([paid(0), usd], AS_OF)


def test_repayment_policy_validation():
    with pytest.raises(ValueError):
        RepaymentPolicy(bands=())
    with pytest.raises(ValueError):
        score_repayment([], -1, AS_OF)


@pytest.mark.parametrize("amount, points", [
    ("0", 0), ("0.01", 6), ("19999.99", 6), ("20000", 12), ("49999", 12), ("50000", 18),
    ("100000", 21), ("200000", 24), ("499999.99", 24), ("500000", 27), ("1000000", 30),
    ("9000000", 30),
])
def test_purchase_bands(amount, points):
    assert score_purchases(cny(amount)).points == points


def test_purchase_bands_meet_seed_floors_exactly():
    # the 18/21/24/27 floors of D/C/B/A are band values of the default 30-point weight
    values = {score_purchases(cny(a)).points for a in ("50000", "100000", "200000", "500000")}
    assert values == {18, 21, 24, 27}


def test_contracted_volume_used_when_above_actual():
    sub = score_purchases(cny("10000"), contracted_12m=cny("600000"))
    assert sub.points == 27
    assert "contracted" in sub.rule
    assert score_purchases(cny("600000"), contracted_12m=cny("10000")).points == 27


def test_purchases_currency_must_match_bands():
    with pytest.raises(MoneyError):
        score_purchases(Money.of("1000", "USD"))
    assert score_purchases(Money.of("1000", "USD"), policy=PurchasesPolicy(currency="USD")).points == 6


def test_purchase_policy_bands_must_decrease():
    from services.credit.domain.subscores import PurchaseBand
    with pytest.raises(ValueError):
        PurchasesPolicy(bands=(PurchaseBand(Decimal(0), Decimal("0.2")),
                               PurchaseBand(Decimal(10), Decimal("0.5"))))


def test_open_instalments_count_as_late_from_their_own_due_dates():
    items = [OpenItem("I-3", date(2024, 5, 1), cny("300"), instalment_seq=1),
             OpenItem("I-3", date(2024, 7, 1), cny("0"), instalment_seq=2)]
    [record] = open_records(items)
    assert (record.due_date, record.amount, record.paid_on) == (date(2024, 5, 1), cny("300"), None)


def test_a_write_off_is_the_worst_repayment():
    """Its amount weighs at the worst band's lateness, and while it is in the window the score
    stays below the A floor (at most 75 %: 30 of 40), however small it is."""
    written_off = RepaymentRecord(date(2024, 6, 1), cny("10"), None, written_off=True)
    alone = score_repayment([written_off], 0, AS_OF)
    assert alone.points == 0 and ("written_off", "10.00 CNY") in alone.inputs
    tiny = score_repayment([paid(0, "1000000"), written_off], 0, AS_OF)
    assert tiny.points == 30 and "write-off" in tiny.rule
    assert weighted_days_late([written_off], AS_OF, written_off_days=91) == Decimal(91)
    old = RepaymentRecord(date(2023, 1, 1), cny("10"), None, written_off=True)  # outside the window
    assert score_repayment([paid(0, "1000000"), old], 0, AS_OF).points == 40
    assert score_repayment([paid(0), written_off], 0, AS_OF,
                           policy=RepaymentPolicy(written_off_max_fraction=Decimal("0.5"))).points == 20
