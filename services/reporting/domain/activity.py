"""Daily activity totals: credit sales and cash received per business day and currency,
the inputs of DSO (receivables ÷ credit sales × days) and collection trends."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class DayTotal:
    day: date
    currency: str
    credit_sales: Decimal
    cash_received: Decimal


def net_change(days: list[DayTotal]) -> dict[str, Decimal]:
    """Receivables added minus cash received, per currency, over the days given."""
    result: dict[str, Decimal] = {}
    for d in days:
        result[d.currency] = result.get(d.currency, Decimal(0)) + d.credit_sales - d.cash_received
    return result
