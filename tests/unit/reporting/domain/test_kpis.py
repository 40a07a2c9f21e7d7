"""The DSO family, CEI, collection rate, RAG and periods on small hand-computed cases."""
from datetime import date
from decimal import Decimal

import pytest

from services.reporting.domain import kpis
from shared.errors import RuleError

T = kpis.RagThresholds(Decimal("0.10"), Decimal("0.20"), Decimal("0.80"), Decimal("0.60"))


def test_standard_dso_and_best_possible_and_add():
    assert kpis.standard_dso(300, 900, 90) == Decimal("30.0")
    assert kpis.standard_dso(300, 0, 90) is None
    assert kpis.best_possible_dso(200, 900, 90) == Decimal("20.0")
    assert kpis.add(Decimal("30.0"), Decimal("20.0")) == Decimal("10.0")


def test_countback_walks_back_until_the_receivable_is_used_up():
    # 500 open: this month (10 days) sold 200 → 10 days, 300 left; last month (30) sold 600 → 15 days
    assert kpis.countback_dso(500, [(200, 10), (600, 30)]) == Decimal("25.0")
    assert kpis.countback_dso(500, [(100, 30)]) is None  # not enough history
    assert kpis.countback_dso(0, [(100, 30)]) == Decimal("0.0")
    assert kpis.countback_dso(50, [(0, 31), (100, 30)]) == Decimal("46.0")  # a month with no sales counts whole


def test_cei_turnover_ratio_collection_rate():
    # opening 100 + sales 200 − closing 120 = 180 collected of 300 − 60 collectible
    assert kpis.cei(100, 200, 120, 60) == Decimal("75.00")
    assert kpis.cei(0, 0, 0, 0) is None
    assert kpis.turnover(600, 100, 300) == Decimal("3.00")
    assert kpis.ratio(1, 3) == Decimal("0.3333") and kpis.ratio(1, 0) is None
    assert kpis.collection_rate(45, 60) == Decimal("0.7500") and kpis.collection_rate(-5, 60) == Decimal("0")


@pytest.mark.parametrize("overdue, progress, flag", [
    (Decimal("0.05"), Decimal("0.90"), "green"), (Decimal("0.10"), None, "amber"), (Decimal("0.25"), None, "red"),
    (None, Decimal("0.70"), "amber"), (Decimal("0.05"), Decimal("0.59"), "red"), (None, None, "green")])
def test_rag_is_the_worse_of_two_flags(overdue, progress, flag):
    assert kpis.rag(overdue, progress, T).value == flag


def test_months_and_periods():
    assert kpis.parse_month("2026-02", date(2026, 6, 1)) == (date(2026, 2, 1), date(2026, 2, 28))
    with pytest.raises(RuleError) as e:
        kpis.parse_month("2026-07", date(2026, 6, 1))
    assert e.value.rule == "month.in_the_future"
    assert kpis.month_ends(date(2026, 6, 1), 3) == [date(2026, 4, 30), date(2026, 5, 31), date(2026, 6, 1)]
    assert kpis.months_back(date(2026, 1, 15), 2) == [(date(2026, 1, 1), date(2026, 1, 15)),
                                                     (date(2025, 12, 1), date(2025, 12, 31))]
    assert kpis.period_kind(date(2026, 4, 1), date(2026, 6, 30)) == "quarter"
    assert kpis.period_kind(date(2026, 1, 1), date(2026, 12, 31)) == "year"
    assert kpis.period_kind(date(2026, 4, 1), date(2026, 6, 29)) == "custom"


def test_ranges():
    with pytest.raises(RuleError) as e:
        kpis.check_range(date(2026, 1, 1), date(2027, 1, 2), 366, date(2026, 6, 1))
    assert e.value.rule == "range.too_long"
    kpis.check_range(date(2026, 1, 1), date(2026, 12, 31), 366, date(2026, 6, 1))
