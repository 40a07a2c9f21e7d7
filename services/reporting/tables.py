"""Reporting's own tables: its read model of the ledger's and credit's facts. Amounts in
integer minor units.

The ledger's facts about an invoice are kept as they came (`rpt_facts`, one row per
business key) and folded into spans (domain.timeline): what each instalment had open, with
which due date, from one date until the next change. The current spans (`rpt_open_spans`)
are apart from the ended ones (`rpt_past_spans`), so today's aging scans only what is open
today, and a past date's only what was open then or ended since."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class ReportingTable(SQLModel, registry=registry()):
    pass


class DailyActivity(ReportingTable, table=True):
    __tablename__ = "daily_activity"
    day: date = Field(primary_key=True)
    currency: str = Field(primary_key=True, max_length=3)
    credit_sales_minor: int = Field(0, sa_type=sa.BigInteger)
    cash_received_minor: int = Field(0, sa_type=sa.BigInteger)
    invoices: int = 0
    payments: int = 0


class CountedFact(ReportingTable, table=True):
    """The ledger's facts already counted in the daily activity, by business key (invoice
    number, payment reference): a redelivered or republished fact is counted once."""
    __tablename__ = "counted_facts"
    kind: str = Field(primary_key=True, max_length=20)
    key: str = Field(primary_key=True, max_length=100)


class InvoiceRow(ReportingTable, table=True):
    """An invoice as the ledger recorded it, with the dimensions it was booked under."""
    __tablename__ = "rpt_invoices"
    __table_args__ = (sa.Index("ix_rpt_invoices_currency_issue_date", "currency", "issue_date"),)
    invoice_number: str = Field(primary_key=True, max_length=100)
    customer_id: str = Field(max_length=100, index=True)
    currency: str = Field(max_length=3)
    issue_date: date
    due_date: date | None = None
    amount_minor: int = Field(sa_type=sa.BigInteger)
    region: str | None = Field(None, max_length=100)
    product_line: str | None = Field(None, max_length=100)
    customer_type: str | None = Field(None, max_length=100)
    salesperson: str | None = Field(None, max_length=100)


class InstalmentRow(ReportingTable, table=True):
    __tablename__ = "rpt_instalments"
    invoice_number: str = Field(primary_key=True, max_length=100)
    seq: int = Field(primary_key=True)
    due_date: date | None = None
    amount_minor: int = Field(sa_type=sa.BigInteger)


class FactRow(ReportingTable, table=True):
    """One of the ledger's facts, once by its business key (kind, key), kept even when its
    invoice has not come yet. `label`: a dispute's category or outcome, a payment method."""
    __tablename__ = "rpt_facts"
    __table_args__ = (sa.Index("ix_rpt_facts_kind_currency_effective_date", "kind", "currency", "effective_date"),)
    kind: str = Field(primary_key=True, max_length=20)
    key: str = Field(primary_key=True, max_length=320)
    invoice_number: str | None = Field(None, max_length=100, index=True)
    seq: int | None = None
    customer_id: str = Field(max_length=100, index=True)
    currency: str = Field(max_length=3)
    effective_date: date
    amount_minor: int = Field(0, sa_type=sa.BigInteger)
    due_date: date | None = None
    label: str | None = Field(None, max_length=100)
    reference: str | None = Field(None, max_length=100)


class _Span(ReportingTable):
    """The columns a span has, current or ended (no table of its own)."""
    id: int | None = Field(None, primary_key=True, sa_type=sa.BigInteger().with_variant(sa.Integer, "sqlite"))
    invoice_number: str = Field(max_length=100, index=True)
    seq: int
    customer_id: str = Field(max_length=100)
    currency: str = Field(max_length=3)
    issue_date: date
    due_date: date | None = None
    open_minor: int = Field(sa_type=sa.BigInteger)
    valid_from: date


class OpenSpanRow(_Span, table=True):
    """What an instalment has open today and its due date, since `valid_from` (the current
    span; its history is in `rpt_past_spans`). Today's aging reads only these rows."""
    __tablename__ = "rpt_open_spans"
    __table_args__ = (sa.Index("ix_rpt_open_spans_currency_customer", "currency", "customer_id"),)


class PastSpanRow(_Span, table=True):
    """An instalment's open amount and due date from `valid_from` until `valid_to`
    (exclusive): a span that has ended. A past date's aging reads the spans ending after
    it (the index on valid_to) with the current ones that began by then."""
    __tablename__ = "rpt_past_spans"
    __table_args__ = (sa.Index("ix_rpt_past_spans_currency_valid_to", "currency", "valid_to"),)
    valid_to: date


class CustomerRow(ReportingTable, table=True):
    """Credit's master data of a customer (`customer-profile-changed`, highest revision)."""
    __tablename__ = "rpt_customers"
    customer_id: str = Field(primary_key=True, max_length=100)
    revision: int = 0
    name: str = Field("", max_length=200)
    region: str | None = Field(None, max_length=100)
    customer_type: str | None = Field(None, max_length=100)
    industry: str | None = Field(None, max_length=100)
    size: str | None = Field(None, max_length=100)
    salesperson: str | None = Field(None, max_length=100)
    collector: str | None = Field(None, max_length=100)
    grade: str | None = Field(None, max_length=10)
    blacklisted: bool = False
    on_hold: bool = False


class PaymentRow(ReportingTable, table=True):
    __tablename__ = "rpt_payments"
    payment_reference: str = Field(primary_key=True, max_length=100)
    customer_id: str = Field(max_length=100, index=True)
    currency: str = Field(max_length=3)
    received_date: date
    amount_minor: int = Field(sa_type=sa.BigInteger)
    method: str = Field(max_length=20)
    reversed_on: date | None = None


class MonthEndPackRow(ReportingTable, table=True):
    """A month-end pack (aging and KPIs as XLSX and CSV), scheduled or asked for; kept."""
    __tablename__ = "month_end_packs"
    pack_id: str = Field(primary_key=True, max_length=100)
    as_of: date
    period: str = Field(max_length=7, index=True)  # YYYY-MM
    status: str = Field(max_length=20)
    requested_by: str = Field(max_length=100)
    requested_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    completed_at: datetime | None = Field(None, sa_type=sa.DateTime(timezone=True))
    error: str | None = Field(None, max_length=2000)
    xlsx: bytes | None = Field(None, sa_type=sa.LargeBinary)
    csv_zip: bytes | None = Field(None, sa_type=sa.LargeBinary)
