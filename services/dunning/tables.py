"""Dunning's own tables (its database only). Amounts in integer minor units."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class DunningTable(SQLModel, registry=registry()):
    pass


class OverdueItem(DunningTable, table=True):
    __tablename__ = "overdue_items"
    invoice_number: str = Field(primary_key=True, max_length=100)
    instalment_seq: int = Field(primary_key=True)
    customer_id: str = Field(index=True, max_length=100)
    due_date: date
    threshold_days: int
    days_overdue: int
    open_minor: int
    currency: str = Field(max_length=3)
    as_of: date


class CollectionCase(DunningTable, table=True):
    __tablename__ = "collection_cases"
    customer_id: str = Field(primary_key=True, max_length=100)
    severity: str = Field(max_length=20)
    highest_threshold: int
    opened_on: date
    last_payment_on: date | None = None
    updated_at: datetime
