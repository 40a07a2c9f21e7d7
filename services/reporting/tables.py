"""Reporting's own tables. Amounts in integer minor units."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class ReportingTable(SQLModel, registry=registry()):
    pass


class DailyActivity(ReportingTable, table=True):
    __tablename__ = "daily_activity"
    day: date = Field(primary_key=True)
    currency: str = Field(primary_key=True, max_length=3)
    credit_sales_minor: int = 0
    cash_received_minor: int = 0
    invoices: int = 0
    payments: int = 0


class CountedFact(ReportingTable, table=True):
    """The ledger's facts already counted, by business key (invoice number, payment
    reference): a redelivered or republished fact is counted once."""
    __tablename__ = "counted_facts"
    kind: str = Field(primary_key=True, max_length=20)
    key: str = Field(primary_key=True, max_length=100)
