"""HTTP shapes of the reporting API."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from shared.money import DecimalAmount


class DayActivityOut(BaseModel):
    day: date
    currency: str
    credit_sales: DecimalAmount
    cash_received: DecimalAmount
    invoices: int
    payments: int
