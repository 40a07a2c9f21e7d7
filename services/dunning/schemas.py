"""HTTP shapes of the dunning API."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from shared.money import DecimalAmount


class OverdueItemOut(BaseModel):
    invoice_number: str
    instalment_seq: int
    due_date: date
    threshold_days: int
    days_overdue: int
    open_amount: DecimalAmount
    currency: str


class CaseOut(BaseModel):
    customer_id: str
    severity: str
    highest_threshold: int
    opened_on: date
    last_payment_on: date | None
    items: list[OverdueItemOut] = []
