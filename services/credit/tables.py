"""Credit's own tables (its database only). Amounts in integer minor units + a currency
column; never float. History is append-only: file versions, assessments, application
steps, holds (released, never deleted), checks and the customer timeline."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class CreditTable(SQLModel, registry=registry()):
    pass


def _json(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=nullable))


def _ts(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


def _minor(default: int | None = 0, nullable: bool = False) -> Any:
    return Field(default=default, sa_column=Column(BigInteger, nullable=nullable))


# --- the credit file (客户信用档案) ------------------------------------------------------

class CreditFileRow(CreditTable, table=True):
    __tablename__ = "credit_files"
    customer_id: str = Field(primary_key=True, max_length=100)
    name: str = Field(max_length=200)
    region: str | None = Field(default=None, max_length=100)
    customer_type: str | None = Field(default=None, max_length=100)
    industry: str | None = Field(default=None, max_length=100)
    salesperson: str | None = Field(default=None, max_length=100)
    onboarded_on: date | None = None
    currency: str = Field(max_length=3)
    version: int
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    updated_by: str = Field(max_length=100)


class CreditFileVersionRow(CreditTable, table=True):
    """Append-only: every PUT writes the whole file as it became (never updated or deleted)."""
    __tablename__ = "credit_file_versions"
    __table_args__ = (UniqueConstraint("customer_id", "version", name="uq_credit_file_versions"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: str = Field(max_length=100, index=True)
    version: int
    snapshot: dict = _json()
    changed_by: str = Field(max_length=100)
    changed_at: datetime = _ts()


class CreditDocumentRow(CreditTable, table=True):
    __tablename__ = "credit_documents"
    customer_id: str = Field(primary_key=True, max_length=100)
    kind: str = Field(primary_key=True, max_length=40)
    reference: str = Field(max_length=200)
    received_on: date | None = None
    expires_on: date | None = None


# --- grades, limits, applications ----------------------------------------------------------

class AssessmentRow(CreditTable, table=True):
    __tablename__ = "assessments"
    assessment_id: str = Field(primary_key=True, max_length=40)
    customer_id: str = Field(max_length=100, index=True)
    as_of: date
    trigger: str = Field(max_length=80)  # manual | event:<topic> | schedule | application:<id>
    assessed_by: str = Field(max_length=100)
    scores: dict = _json()  # the person-entered criteria
    inputs: dict = _json()  # investigated repayment, contracted volume, reported red flags
    grade: str = Field(max_length=10)
    total: int
    result: dict = _json()  # the explanation: criteria, floors, cap, red flags, steps
    suggested_limit_minor: int = _minor()
    suggested_term_days: int
    currency: str = Field(max_length=3)
    created_at: datetime = _ts()


class CreditProfileRow(CreditTable, table=True):
    """The customer's current credit standing, read by the check."""
    __tablename__ = "credit_profiles"
    customer_id: str = Field(primary_key=True, max_length=100)
    currency: str = Field(max_length=3)
    grade: str | None = Field(default=None, max_length=10)  # effective
    rated_grade: str | None = Field(default=None, max_length=10)  # from the latest assessment
    approved_grade: str | None = Field(default=None, max_length=10)  # from an approved application
    total_score: int | None = None
    limit_minor: int = _minor()
    term_days: int = 0
    blacklisted: bool = False
    special_approval_ref: str | None = Field(default=None, max_length=100)
    special_approval_by: str | None = Field(default=None, max_length=100)
    special_approval_on: date | None = None
    last_rated_on: date | None = None
    last_assessment_id: str | None = Field(default=None, max_length=40)
    updated_at: datetime = _ts()
    profile_revision: int = 0  # of the last customer-profile-changed published
    profile_digest: str | None = Field(default=None, max_length=64)  # of what it published


class ApplicationRow(CreditTable, table=True):
    __tablename__ = "applications"
    application_id: str = Field(primary_key=True, max_length=40)
    customer_id: str = Field(max_length=100, index=True)
    kind: str = Field(max_length=30)
    request: dict = _json()
    state: str = Field(max_length=30)
    pending_role: str | None = Field(default=None, max_length=40)
    submitted_by: str = Field(max_length=100)
    chain: dict = _json()  # the approval chain of its kind when it was submitted
    justification: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    exceptions: list = _json()  # where it goes beyond the policy: [{rule, detail}]
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class ApplicationStepRow(CreditTable, table=True):
    """The audit trail of an application: one row per submission or decision."""
    __tablename__ = "application_steps"
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(max_length=40, index=True)
    seq: int
    actor_id: str = Field(max_length=100)
    actor_name: str = Field(max_length=200)
    role: str = Field(max_length=40)
    decision: str = Field(max_length=20)
    from_state: str | None = Field(default=None, max_length=30)
    to_state: str = Field(max_length=30)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    exceptions: list = _json()  # the application's exceptions to the policy, as this step saw them
    at: datetime = _ts()


class TemporaryLimitRow(CreditTable, table=True):
    __tablename__ = "temporary_limits"
    id: str = Field(primary_key=True, max_length=40)
    customer_id: str = Field(max_length=100, index=True)
    amount_minor: int = _minor()
    currency: str = Field(max_length=3)
    valid_from: date | None = None
    expires_on: date
    application_id: str = Field(max_length=40)
    created_at: datetime = _ts()


class VisitRow(CreditTable, table=True):
    __tablename__ = "customer_visits"
    id: int | None = Field(default=None, primary_key=True)
    customer_id: str = Field(max_length=100, index=True)
    role: str = Field(max_length=40)
    visited_on: date
    visited_by: str = Field(max_length=100)
    note: str = Field(default="", sa_column=Column(Text, nullable=False))


# --- holds, reservations, checks -------------------------------------------------------------

class HoldRow(CreditTable, table=True):
    __tablename__ = "holds"
    hold_id: str = Field(primary_key=True, max_length=40)
    customer_id: str = Field(max_length=100, index=True)
    kind: str = Field(max_length=20)  # manual | overdue | blacklist
    reason: str = Field(sa_column=Column(Text, nullable=False))
    placed_by: str = Field(max_length=100)
    placed_on: date
    invoice_numbers: list = _json()
    released_on: date | None = None
    released_by: str | None = Field(default=None, max_length=100)
    release_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ReservationRow(CreditTable, table=True):
    __tablename__ = "reservations"
    order_ref: str = Field(primary_key=True, max_length=100)
    customer_id: str = Field(max_length=100, index=True)
    amount_minor: int = _minor()  # still reserved
    currency: str = Field(max_length=3)
    reserved_on: date
    expires_on: date
    released_on: date | None = None
    release_reason: str | None = Field(default=None, max_length=20)  # invoiced | expired


class CheckRow(CreditTable, table=True):
    """One row per order_ref: the request's hash and the result (JSON text) for idempotency."""
    __tablename__ = "credit_checks"
    order_ref: str = Field(primary_key=True, max_length=100)
    check_id: str = Field(max_length=40)
    customer_id: str = Field(max_length=100, index=True)
    request_hash: str = Field(max_length=64)
    decision: str = Field(max_length=30)
    result: str = Field(sa_column=Column(Text, nullable=False))
    checked_by: str = Field(max_length=100)
    checked_at: datetime = _ts()


# --- what credit learns from the ledger and dunning ----------------------------------------

class ReceivableRow(CreditTable, table=True):
    """Projection of one invoice as the ledger booked it; its open items are its
    instalments (`InstalmentRow`). `due_date` is the ledger's (the last instalment's; none
    while a RECEIPT+N invoice is not received); `open_minor` the sum of the instalments'
    open amounts."""
    __tablename__ = "receivables"
    invoice_number: str = Field(primary_key=True, max_length=100)
    customer_id: str = Field(max_length=100, index=True)
    currency: str = Field(max_length=3)
    issue_date: date
    due_date: date | None = None
    amount_minor: int = _minor()
    open_minor: int = _minor()
    disputed_minor: int = _minor()
    order_ref: str | None = Field(default=None, max_length=100)
    extended_days: int = 0  # how far the ledger moved it for term extensions (展期), as information
    settled_on: date | None = None
    written_off_minor: int = _minor()
    our_fault: bool = False  # a dispute on it was resolved as our fault


class InstalmentRow(CreditTable, table=True):
    """One instalment of a receivable: an open item of its own, with its own due date as the
    ledger has it now (moved by `invoice-due-dates-changed`; none until a RECEIPT+N invoice
    is received: open, never overdue)."""
    __tablename__ = "receivable_instalments"
    invoice_number: str = Field(primary_key=True, max_length=100)
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    customer_id: str = Field(max_length=100, index=True)
    currency: str = Field(max_length=3)
    due_date: date | None = None
    amount_minor: int = _minor()
    open_minor: int = _minor()
    highest_threshold: int = 0  # the highest overdue threshold (days) the ledger reported for it


class DueDateChangeRow(CreditTable, table=True):
    """A due date the ledger moved (`invoice-due-dates-changed`), one row per instalment, in
    the order received: the fact's business key is (invoice, reason, reference)."""
    __tablename__ = "due_date_changes"
    __table_args__ = (UniqueConstraint("invoice_number", "reason", "reference", "seq", name="uq_due_date_changes"),)
    id: int | None = Field(default=None, primary_key=True)
    invoice_number: str = Field(max_length=100)
    reason: str = Field(max_length=20)  # term_extension | receipt
    reference: str = Field(max_length=200)
    seq: int
    customer_id: str = Field(max_length=100)
    due_date: date
    previous_due_date: date | None = None
    effective_date: date


class RepaymentRow(CreditTable, table=True):
    """One allocation line: what was paid on an instalment, when, against which due date."""
    __tablename__ = "repayments"
    payment_reference: str = Field(primary_key=True, max_length=100)
    invoice_number: str = Field(primary_key=True, max_length=100)
    instalment_seq: int = Field(primary_key=True)
    customer_id: str = Field(max_length=100, index=True)
    amount_minor: int = _minor()
    currency: str = Field(max_length=3)
    due_date: date
    paid_on: date
    days_late: int
    reversed: bool = False


class BrokenPromiseRow(CreditTable, table=True):
    __tablename__ = "broken_promises"
    promise_id: str = Field(primary_key=True, max_length=100)
    customer_id: str = Field(max_length=100, index=True)
    promised_date: date
    amount_minor: int = _minor()
    currency: str = Field(max_length=3)
    broken_on: date


class RedFlagRow(CreditTable, table=True):
    """A red flag learnt from an event (bounced payment, bad debt). Person-reported flags
    are part of the assessment's inputs instead."""
    __tablename__ = "red_flags"
    source_key: str = Field(primary_key=True, max_length=200)  # e.g. bounced:<payment ref>
    customer_id: str = Field(max_length=100, index=True)
    flag: str = Field(max_length=40)
    invoice_number: str | None = Field(default=None, max_length=100)
    source_topic: str = Field(max_length=80)
    own_fault_cause: str | None = Field(default=None, max_length=40)
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    raised_on: date


class LedgerFactRow(CreditTable, table=True):
    """Business keys of ledger facts already applied (credit notes, write-offs, disputes),
    so a copy of the same fact under another event id changes nothing."""
    __tablename__ = "ledger_facts"
    kind: str = Field(primary_key=True, max_length=40)
    key: str = Field(primary_key=True, max_length=200)
    customer_id: str = Field(max_length=100, index=True)
    invoice_number: str | None = Field(default=None, max_length=100)
    effective_date: date
    amount_minor: int = _minor()
    currency: str = Field(max_length=3)


class HistoryRow(CreditTable, table=True):
    """The customer timeline (append-only). Checks are read from credit_checks."""
    __tablename__ = "customer_history"
    id: int | None = Field(default=None, primary_key=True)
    customer_id: str = Field(max_length=100, index=True)
    at: datetime = _ts()
    effective_date: date
    kind: str = Field(max_length=40)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    detail: dict = _json()
