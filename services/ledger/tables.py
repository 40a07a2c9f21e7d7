"""Ledger's own tables (its database only). Amounts in integer minor units + a currency.

`journal_entries` is the append-only record of every change (a PostgreSQL trigger and a
SQLite trigger refuse UPDATE and DELETE); `allocations` and `recoveries` are append-only
too (a re-opened allocation is a negative row). The other tables are current-state
projections that handlers update in the same transaction as the journal rows.
As-of figures come from effective-dated rows: journal entries (balance) and allocations
(what was applied to each instalment by a date).
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite rowid autoincrement


class LedgerTable(SQLModel, registry=registry()):
    pass


def minor(**kw):
    return Field(sa_type=sa.BigInteger, **kw)


class Invoice(LedgerTable, table=True):
    __tablename__ = "invoices"
    __table_args__ = (sa.Index("ix_invoices_customer", "customer_id", "issue_date"),)
    invoice_number: str = Field(primary_key=True, max_length=100)
    customer_id: str = Field(max_length=100)
    issue_date: date
    due_date: date
    payment_terms: str | None = Field(default=None, max_length=40)
    shipment_date: date | None = None
    currency: str = Field(max_length=3)
    amount_minor: int = minor()
    open_minor: int = minor()
    credited_minor: int = minor(default=0)
    written_off_minor: int = minor(default=0)
    status: str = Field(max_length=20)  # open | partially_paid | settled | written_off
    settled_date: date | None = None
    contract_ref: str | None = Field(default=None, max_length=100)
    delivery_ref: str | None = Field(default=None, max_length=100)
    order_ref: str | None = Field(default=None, max_length=100)
    region: str | None = Field(default=None, max_length=100)
    product_line: str | None = Field(default=None, max_length=100)
    customer_type: str | None = Field(default=None, max_length=100)
    salesperson: str | None = Field(default=None, max_length=100)
    bill_to: str | None = Field(default=None, sa_type=sa.Text)  # the bill-to contact as JSON
    flags: str | None = Field(default=None, sa_type=sa.Text)  # JSON list: what a rule found (large_order.*)
    receipt_date: date | None = None  # when the customer received the invoice (signed for: 004)
    receipt_proof: str | None = Field(default=None, max_length=200)  # the signed receipt's reference
    source: str = Field(max_length=20)  # rest | event | import
    content_hash: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class Instalment(LedgerTable, table=True):
    __tablename__ = "instalments"
    __table_args__ = (
        sa.UniqueConstraint("invoice_number", "seq", name="uq_instalments_invoice_seq"),
        sa.Index("ix_instalments_next_threshold", "next_threshold_date", "id",
                 postgresql_where=sa.text("next_threshold_date IS NOT NULL"),
                 sqlite_where=sa.text("next_threshold_date IS NOT NULL")),
        sa.Index("ix_instalments_customer_open", "customer_id",
                 postgresql_where=sa.text("open_minor > 0"), sqlite_where=sa.text("open_minor > 0")),
    )
    id: int | None = Field(default=None, sa_type=BigIntId, primary_key=True)
    invoice_number: str = Field(max_length=100)
    seq: int
    customer_id: str = Field(max_length=100)
    issue_date: date  # the invoice's, for allocation order
    effective_from: date  # from when it exists (issue date; resolution date if rescheduled)
    due_date: date
    currency: str = Field(max_length=3)
    amount_minor: int = minor()
    open_minor: int = minor()
    disputed_minor: int = minor(default=0)
    last_threshold_index: int = -1
    next_threshold_date: date | None = None


class Payment(LedgerTable, table=True):
    __tablename__ = "payments"
    __table_args__ = (
        sa.Index("ix_payments_customer", "customer_id", "received_date"),
        sa.Index("ix_payments_unapplied", "customer_id",
                 postgresql_where=sa.text("unapplied_minor > 0"), sqlite_where=sa.text("unapplied_minor > 0")),
    )
    payment_reference: str = Field(primary_key=True, max_length=100)
    customer_id: str = Field(max_length=100)
    received_date: date
    currency: str = Field(max_length=3)
    amount_minor: int = minor()
    applied_minor: int = minor(default=0)  # to instalments, directly or later as cash applications
    unapplied_minor: int = minor(default=0)  # cash on account still available
    recovered_minor: int = minor(default=0)  # against written-off amounts
    refunded_minor: int = minor(default=0)
    method: str = Field(max_length=20)
    status: str = Field(max_length=20)  # received | reversed
    reversed_date: date | None = None
    reversal_reason: str | None = Field(default=None, max_length=500)
    source: str = Field(max_length=20)
    content_hash: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class CreditNote(LedgerTable, table=True):
    __tablename__ = "credit_notes"
    __table_args__ = (
        sa.Index("ix_credit_notes_customer", "customer_id"),
        sa.Index("ix_credit_notes_unapplied", "customer_id",
                 postgresql_where=sa.text("unapplied_minor > 0"), sqlite_where=sa.text("unapplied_minor > 0")),
    )
    credit_note_number: str = Field(primary_key=True, max_length=100)
    customer_id: str = Field(max_length=100)
    invoice_number: str | None = Field(default=None, max_length=100)
    issue_date: date
    currency: str = Field(max_length=3)
    amount_minor: int = minor()
    applied_minor: int = minor(default=0)
    unapplied_minor: int = minor(default=0)
    refunded_minor: int = minor(default=0)
    reason: str = Field(max_length=500)
    dispute_id: str | None = Field(default=None, max_length=40)
    source: str = Field(max_length=20)
    content_hash: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class Refund(LedgerTable, table=True):
    __tablename__ = "refunds"
    refund_reference: str = Field(primary_key=True, max_length=100)
    customer_id: str = Field(max_length=100, index=True)
    refund_date: date
    currency: str = Field(max_length=3)
    amount_minor: int = minor()
    sources: str = Field(sa_type=sa.Text)  # JSON [{"type", "ref", "amount_minor"}]
    note: str | None = Field(default=None, max_length=500)
    content_hash: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class Allocation(LedgerTable, table=True):
    """Append-only: what reduced (amount > 0) or re-opened (amount < 0) an instalment, when."""
    __tablename__ = "allocations"
    __table_args__ = (
        sa.Index("ix_allocations_instalment", "instalment_id", "effective_date"),
        sa.Index("ix_allocations_source", "source_type", "source_ref"),
        sa.Index("ix_allocations_customer", "customer_id", "effective_date"),
    )
    id: int | None = Field(default=None, sa_type=BigIntId, primary_key=True)
    instalment_id: int = Field(sa_type=sa.BigInteger)
    invoice_number: str = Field(max_length=100)
    seq: int
    customer_id: str = Field(max_length=100)
    currency: str = Field(max_length=3)
    amount_minor: int = minor()
    effective_date: date
    kind: str = Field(max_length=30)  # payment | cash_application | credit_note | write_off | reversal | reschedule
    source_type: str = Field(max_length=20)  # payment | credit_note | write_off | dispute
    source_ref: str = Field(max_length=100)
    journal_entry_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class DisputedChange(LedgerTable, table=True):
    """Append-only: how an instalment's disputed amount moved, and from when (a dispute
    opened, released, settled, or shrunk by a payment), so "disputed at D" is exact for any
    D, like "open at D" from the allocations."""
    __tablename__ = "disputed_changes"
    __table_args__ = (sa.Index("ix_disputed_changes_instalment", "instalment_id", "effective_date"),
                      sa.Index("ix_disputed_changes_customer", "customer_id", "effective_date"))
    id: int | None = Field(default=None, sa_type=BigIntId, primary_key=True)
    instalment_id: int = Field(sa_type=sa.BigInteger)
    invoice_number: str = Field(max_length=100)
    customer_id: str = Field(max_length=100)
    delta_minor: int = minor()
    effective_date: date
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class Dispute(LedgerTable, table=True):
    __tablename__ = "disputes"
    id: str = Field(primary_key=True, max_length=40)
    invoice_number: str = Field(max_length=100, index=True)
    instalment_seq: int | None = None
    customer_id: str = Field(max_length=100)
    currency: str = Field(max_length=3)
    amount_minor: int = minor()
    category: str = Field(max_length=30)
    note: str = Field(max_length=2000)
    opened_date: date
    fact_finding_due: date
    status: str = Field(max_length=20)
    outcome: str | None = Field(default=None, max_length=20)  # valid | invalid | withdrawn
    settlement: str | None = Field(default=None, max_length=20)
    credit_minor: int = minor(default=0)
    released_minor: int = minor(default=0)
    resolved_date: date | None = None
    resolution_note: str | None = Field(default=None, max_length=2000)
    our_fault: bool = False
    opened_by: str = Field(max_length=100)
    resolved_by: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class WriteOff(LedgerTable, table=True):
    __tablename__ = "write_offs"
    id: str = Field(primary_key=True, max_length=40)
    invoice_number: str = Field(max_length=100, index=True)
    customer_id: str = Field(max_length=100)
    currency: str = Field(max_length=3)
    amount_minor: int = minor()
    reason: str = Field(max_length=2000)
    cause: str | None = Field(default=None, max_length=20)  # bankruptcy | court_ruling | agreement | deregistered
    cause_reference: str | None = Field(default=None, max_length=200)  # the document proving it
    requested_by: str = Field(max_length=100)
    requested_date: date
    status: str = Field(max_length=20)  # requested | approved | rejected
    decided_by: str | None = Field(default=None, max_length=100)
    decided_date: date | None = None
    decision_note: str | None = Field(default=None, max_length=2000)
    effective_date: date | None = None
    recovered_minor: int = minor(default=0)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class Recovery(LedgerTable, table=True):
    """Append-only: cash received against a write-off (negative = the payment bounced)."""
    __tablename__ = "recoveries"
    id: int | None = Field(default=None, sa_type=BigIntId, primary_key=True)
    write_off_id: str = Field(max_length=40, index=True)
    payment_reference: str = Field(max_length=100, index=True)
    amount_minor: int = minor()
    effective_date: date
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class JournalEntry(LedgerTable, table=True):
    """Append-only: every change, with its effective (business) date and balance effect."""
    __tablename__ = "journal_entries"
    __table_args__ = (sa.Index("ix_journal_customer_date", "customer_id", "effective_date"),)
    id: int | None = Field(default=None, sa_type=BigIntId, primary_key=True)
    customer_id: str = Field(max_length=100)
    kind: str = Field(max_length=40)
    effective_date: date
    currency: str = Field(max_length=3)
    amount_minor: int = minor()
    balance_delta_minor: int = minor()
    reference: str = Field(max_length=100)
    invoice_number: str | None = Field(default=None, max_length=100)
    lines: str | None = Field(default=None, sa_type=sa.Text)  # JSON: an invoice's instalments, what a payment paid
    reverses_entry_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    source: str = Field(max_length=20)
    actor: str = Field(max_length=100)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class ThresholdCrossing(LedgerTable, table=True):
    """The aging clock's exactly-once guard: one row per (instalment, threshold, due date)
    emitted. The due date is part of the key: when a term extension moves it, the ladder
    runs again from the new date."""
    __tablename__ = "threshold_crossings"
    instalment_id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    threshold_days: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    due_date: date = Field(sa_column=sa.Column(sa.Date, primary_key=True))
    as_of: date
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class ImportBatch(LedgerTable, table=True):
    __tablename__ = "import_batches"
    id: str = Field(primary_key=True, max_length=40)
    file_name: str = Field(max_length=300)
    file_format: str = Field(max_length=10)
    status: str = Field(max_length=20)  # imported | partially_imported | rejected | dry_run
    total_rows: int
    valid_rows: int
    rejected_rows: int
    imported_invoices: int
    imported_payments: int
    result: str = Field(sa_type=sa.Text)  # JSON of the full result (every rejected row with its reason)
    actor: str = Field(max_length=100)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class ParkedPayment(LedgerTable, table=True):
    """A payment from billing that names an invoice not booked yet. Billing's topics are
    separate, so the payment can arrive first: it is kept whole and applied the moment its
    invoices are booked (or released by a person), never dead-lettered for that."""
    __tablename__ = "parked_payments"
    __table_args__ = (sa.Index("ix_parked_payments_status", "status", "parked_at"),)
    payment_reference: str = Field(primary_key=True, max_length=100)
    customer_id: str = Field(max_length=100)
    received_date: date
    currency: str = Field(max_length=3)
    amount_minor: int = minor()
    payload: str = Field(sa_type=sa.Text)  # the payment-received payload, as received
    content_hash: str = Field(max_length=64)
    correlation_id: str | None = Field(default=None, max_length=100)
    actor: str = Field(max_length=100)  # who sent it (event:<producer>), for the journal when it is booked
    status: str = Field(max_length=20)  # parked | applied | released
    parked_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    resolved_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_error: str | None = Field(default=None, sa_type=sa.Text)  # why its invoices' arrival did not apply it


class ParkedPaymentInvoice(LedgerTable, table=True):
    """Which invoices a parked payment waits for: looked up when invoices are booked."""
    __tablename__ = "parked_payment_invoices"
    invoice_number: str = Field(primary_key=True, max_length=100)
    payment_reference: str = Field(primary_key=True, max_length=100)


class DueDateChange(LedgerTable, table=True):
    """Append-only: an instalment's due date moved (a term extension approved in credit, the
    receipt of an invoice on RECEIPT+N terms), with the previous one kept."""
    __tablename__ = "due_date_changes"
    __table_args__ = (sa.Index("ix_due_date_changes_invoice", "invoice_number", "reason", "reference"),)
    id: int | None = Field(default=None, sa_type=BigIntId, primary_key=True)
    instalment_id: int = Field(sa_type=sa.BigInteger)
    invoice_number: str = Field(max_length=100)
    customer_id: str = Field(max_length=100)
    previous_due_date: date | None = None  # none: it awaited the receipt
    due_date: date
    reason: str = Field(max_length=20)  # term_extension | receipt
    reference: str = Field(max_length=200)  # the application, or the receipt's proof
    effective_date: date
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
