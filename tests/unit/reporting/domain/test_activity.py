from datetime import date
from decimal import Decimal

from services.reporting.domain.activity import DayTotal, net_change


def test_net_change_per_currency():
    days = [DayTotal(date(2026, 1, 1), "CNY", Decimal("100.00"), Decimal("30.00")),
            DayTotal(date(2026, 1, 2), "CNY", Decimal("0"), Decimal("20.00")),
            DayTotal(date(2026, 1, 2), "USD", Decimal("5.00"), Decimal("0"))]
    assert net_change(days) == {"CNY": Decimal("50.00"), "USD": Decimal("5.00")}
