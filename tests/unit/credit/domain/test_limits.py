from decimal import Decimal

import pytest

from shared.money import Money
from services.credit.domain.grade_scale import THREE_LEVEL_SCALE
from services.credit.domain.limits import (
    LimitPolicy, average_monthly_sales, limit_bounds, suggest_limit,
)
from tests.support.credit import cny

AVG = cny("100000")


@pytest.mark.parametrize("grade, limit, term", [
    ("A", "150000", 30), ("B", "120000", 30), ("C", "100000", 15), ("D", "50000", 7)])
def test_default_factors_and_terms(grade, limit, term):
    s = suggest_limit(grade, AVG)
    assert s.limit == cny(limit) and s.term_days == term and not s.prepayment_only


def test_grade_e_is_prepayment_only():
    s = suggest_limit("E", AVG)
    assert s.limit == cny("0") and s.term_days == 0 and s.prepayment_only


def test_no_credit_grade_on_other_scale():
    assert suggest_limit("C", AVG, scale=THREE_LEVEL_SCALE).prepayment_only
    assert suggest_limit("A", AVG, scale=THREE_LEVEL_SCALE).limit == cny("150000")


def test_rounded_down_to_step():
    s = suggest_limit("B", cny("12345.67"))  # 14814.804 -> 14000
    assert s.unrounded == cny("14814.80")
    assert s.limit == cny("14000")
    fine = suggest_limit("B", cny("12345.67"), LimitPolicy(rounding_step=Decimal("100")))
    assert fine.limit == cny("14800")


def test_small_average_rounds_to_zero():
    assert suggest_limit("A", cny("600")).limit == cny("0")


def test_factor_clamped_within_plus_minus_50_percent():
    policy = LimitPolicy(factors={"A": Decimal("2.0"), "B": Decimal("0.2"), "C": 1, "D": 1})
    high = suggest_limit("A", AVG, policy)
    assert high.limit == cny("150000") and high.factor == Decimal("1.5") and high.factor_clamped
    low = suggest_limit("B", AVG, policy)
    assert low.limit == cny("50000") and low.factor_clamped
    assert not suggest_limit("C", AVG, policy).factor_clamped


def test_term_never_above_thirty_days():
    policy = LimitPolicy(terms_days={"A": 60, "B": 30, "C": 15, "D": 7})
    assert suggest_limit("A", AVG, policy).term_days == 30


def test_unconfigured_grade_refused():
    with pytest.raises(ValueError):
        suggest_limit("B", AVG, LimitPolicy(factors={"A": Decimal(1)}))


def test_average_monthly_sales_rounds_down_to_minor_unit():
    assert average_monthly_sales(cny("1200000")) == cny("100000")
    assert average_monthly_sales(cny("100")) == cny("8.33")
    assert average_monthly_sales(Money.of("1000", "JPY")) == Money.of("83", "JPY")


def test_limit_bounds():
    assert limit_bounds(AVG) == (cny("50000"), cny("150000"))


def test_negative_average_refused():
    with pytest.raises(ValueError):
        suggest_limit("A", cny("-1"))


def test_policy_validation():
    with pytest.raises(ValueError):
        LimitPolicy(min_factor=Decimal("2"), max_factor=Decimal("1"))
    with pytest.raises(ValueError):
        LimitPolicy(rounding_step=Decimal(0))


def test_the_basis_is_the_previous_calendar_year_or_the_rolling_12_months():
    from datetime import date
    from services.credit.domain.limits import LimitBasis, limit_basis, sales_period
    june = date(2026, 6, 1)
    assert sales_period(june, LimitBasis.PREVIOUS_YEAR) == (date(2025, 1, 1), date(2025, 12, 31))
    assert sales_period(june, LimitBasis.ROLLING_12_MONTHS) == (date(2025, 6, 2), june)
    b = limit_basis(LimitPolicy(), june, cny("1200000"), is_new=False, contracted_12m=cny("2400000"))
    assert (b.kind, b.average_monthly, b.period) == (LimitBasis.PREVIOUS_YEAR, cny("100000"),
                                                     (date(2025, 1, 1), date(2025, 12, 31)))
    rolling = LimitPolicy(basis=LimitBasis.ROLLING_12_MONTHS)
    assert limit_basis(rolling, june, cny("1200000"), False, None).kind is LimitBasis.ROLLING_12_MONTHS


def test_a_new_customer_or_one_without_sales_is_based_on_the_contracted_volume():
    from datetime import date
    from services.credit.domain.limits import LimitBasis, limit_basis, max_limit
    june = date(2026, 6, 1)
    new = limit_basis(LimitPolicy(), june, cny("1200000"), is_new=True, contracted_12m=cny("600000"))
    assert (new.kind, new.average_monthly, new.period) == (LimitBasis.CONTRACTED_VOLUME, cny("50000"), None)
    assert limit_basis(LimitPolicy(), june, cny("0"), False, cny("600000")).kind is LimitBasis.CONTRACTED_VOLUME
    assert limit_basis(LimitPolicy(), june, cny("0"), True, None).average_monthly == cny("0")
    assert max_limit(new.average_monthly, LimitPolicy()) == cny("75000")


def test_beyond_the_policy_a_limit_above_the_band_or_a_term_over_the_maximum():
    from datetime import date
    from shared.errors import RuleError
    from services.credit.domain.limits import beyond_policy, check_justification, limit_basis
    basis = limit_basis(LimitPolicy(), date(2026, 6, 1), cny("1200000"), False, None)  # 100,000 a month
    assert beyond_policy(basis, LimitPolicy(), cny("150000"), 30) == ()
    found = beyond_policy(basis, LimitPolicy(), cny("150000.01"), 31)
    assert [e.rule for e in found] == ["limit.above_policy", "term.over_policy"]
    assert "150000.00" in found[0].detail and "31" in found[1].detail
    check_justification((), None)
    check_justification(found, "guaranteed by the parent company")
    with pytest.raises(RuleError) as err:
        check_justification(found, "  ")
    assert (err.value.field, err.value.rule, err.value.status) == ("justification",
                                                                   "application.justification_required", 422)
