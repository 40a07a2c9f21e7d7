"""Provisions: flat, matrix, loss rates, allocation of write-offs, coverage, adequacy."""
from decimal import Decimal

from services.reporting.domain import provision as p


def test_flat_and_matrix():
    assert p.flat(30000, Decimal("0.05")) == 1500
    assert p.matrix([1000, 2000], [Decimal("0.01"), Decimal("0.5")]) == [10, 1000]


def test_loss_rates_are_observed_shares_never_falling_with_age():
    assert p.loss_rates([1000, 0, 400, 100], [10, 0, 100, 200]) == [
        Decimal("0.0100"), Decimal("0.0100"), Decimal("0.2500"), Decimal("1")]


def test_a_write_off_comes_off_the_oldest_slab_first():
    assert p.allocate_oldest_first({0: 100, 2: 30}, 50) == {2: 30, 0: 20}
    assert p.allocate_oldest_first({}, 50) == {}


def test_coverage_and_adequacy():
    assert p.coverage(150, 100) == Decimal("1.50") and p.coverage(150, 0) is None
    a = p.adequacy(100000, 5000, 6150)
    assert (a.shortfall, a.adequate, a.proposed_rate, a.impact) == (1150, False, Decimal("0.062"), 1200)
    assert p.adequacy(100000, 5000, 4000).adequate
