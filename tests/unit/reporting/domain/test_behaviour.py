"""Payment behaviour and warning rules."""
from datetime import date
from decimal import Decimal

from services.reporting.domain import behaviour as b

D = date.fromisoformat


def line(amount, issued, due, paid, method="cash"):
    return b.Applied("P", amount, D(issued), D(due), D(paid), method)


def test_cycle_and_days_late_are_amount_weighted():
    lines = [line(300, "2026-01-01", "2026-01-31", "2026-02-10"), line(100, "2026-01-01", "2026-01-31", "2026-01-21")]
    assert b.cycle_days(lines) == Decimal("35.0")  # (300 × 40 + 100 × 20) / 400
    assert b.days_late(lines) == Decimal("7.5")    # (300 × 10 + 100 × 0) / 400
    assert b.days_late([]) is None
    assert b.methods(lines + [line(5, "2026-01-01", "2026-01-31", "2026-01-21", "card")]) == {"card": 5, "cash": 400}


def test_trend_compares_the_two_halves():
    early = line(100, "2026-01-01", "2026-01-31", "2026-02-01")   # 1 day late
    late = line(100, "2026-02-01", "2026-03-01", "2026-03-30")    # 29 days late
    assert b.trend([early, late], D("2026-01-01"), D("2026-03-31"), 5) == "slower"
    assert b.trend([late], D("2026-01-01"), D("2026-03-31"), 5) == "unknown"


def test_downgrades_and_buying_more_paying_slower():
    assert b.is_downgrade("B", "C") and not b.is_downgrade("C", "B") and not b.is_downgrade(None, "C")
    assert b.buying_more_paying_slower(100, 130, Decimal(2), Decimal(10), Decimal("0.2"), 5)
    assert not b.buying_more_paying_slower(100, 120, Decimal(2), Decimal(10), Decimal("0.2"), 5)
    assert not b.buying_more_paying_slower(100, 130, Decimal(2), Decimal(6), Decimal("0.2"), 5)


def test_weighted_days_from_sums():
    assert b.weighted_days(400, 3000) == Decimal("7.5") and b.weighted_days(0, 0) is None
