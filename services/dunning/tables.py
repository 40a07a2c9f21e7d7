"""Dunning's own tables (its database only). Amounts in integer minor units with their
currency; business dates as dates; audit times with their zone."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class DunningTable(SQLModel, registry=registry()):
    pass


class CustomerRow(DunningTable, table=True):
    """What credit told us of the customer (customer-profile-changed, holds)."""
    __tablename__ = "dunning_customers"
    customer_id: str = Field(primary_key=True, max_length=100)
    name: str | None = Field(None, max_length=200)
    region: str | None = Field(None, max_length=100)
    customer_type: str | None = Field(None, max_length=100)
    salesperson: str | None = Field(None, max_length=100)
    grade: str | None = Field(None, max_length=10)
    onboarded_on: date | None = None
    blacklisted: bool = False
    on_hold: bool = False
    profile_revision: int = 0
    blacklist_requested_on: date | None = None


class ContactRow(DunningTable, table=True):
    """The collection contact (PUT /customers/{id}/contacts); else the invoice's bill-to."""
    __tablename__ = "dunning_contacts"
    customer_id: str = Field(primary_key=True, max_length=100)
    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    mobile: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=500)
    language: str = Field("zh-CN", max_length=5)
    updated_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class ItemRow(DunningTable, table=True):
    """One instalment of an invoice, from invoice-recorded (or from its first overdue fact)."""
    __tablename__ = "dunning_items"
    invoice_number: str = Field(primary_key=True, max_length=100)
    seq: int = Field(primary_key=True)
    customer_id: str = Field(index=True, max_length=100)
    case_id: str | None = Field(None, index=True, max_length=40)
    due_date: date | None = None
    amount_minor: int = Field(sa_type=sa.BigInteger)
    open_minor: int = Field(sa_type=sa.BigInteger)
    disputed_minor: int = Field(0, sa_type=sa.BigInteger)
    currency: str = Field(max_length=3)
    status: str = Field("open", max_length=20)  # open | settled | credited | written_off
    overdue: bool = False  # the ledger said it crossed a threshold: the ladder runs for it
    invoice_known: bool = False  # invoice-recorded arrived
    max_days_overdue: int = 0
    contract_ref: str | None = Field(None, max_length=100)
    region: str | None = Field(None, max_length=100)
    salesperson: str | None = Field(None, max_length=100)
    bill_name: str | None = Field(None, max_length=200)
    bill_email: str | None = Field(None, max_length=254)
    bill_mobile: str | None = Field(None, max_length=40)
    bill_address: str | None = Field(None, max_length=500)
    bill_language: str | None = Field(None, max_length=5)


class PendingFactRow(DunningTable, table=True):
    """A fact about an invoice not seen yet, applied when invoice-recorded arrives."""
    __tablename__ = "dunning_pending_facts"
    fact_key: str = Field(primary_key=True, max_length=300)
    invoice_number: str = Field(index=True, max_length=100)
    topic: str = Field(max_length=100)
    payload: str = Field(sa_type=sa.Text)


class AppliedFactRow(DunningTable, table=True):
    """Business keys of the facts applied (a fact republished with a new event id counts once)."""
    __tablename__ = "dunning_applied_facts"
    fact_key: str = Field(primary_key=True, max_length=300)


class CaseRow(DunningTable, table=True):
    __tablename__ = "dunning_cases"
    case_id: str = Field(primary_key=True, max_length=40)
    customer_id: str = Field(index=True, max_length=100)
    status: str = Field(max_length=20)  # open | closed
    policy_name: str = Field(max_length=100)
    policy_version: int
    collector: str | None = Field(None, index=True, max_length=100)
    opened_on: date
    closed_on: date | None = None
    updated_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class PolicyRow(DunningTable, table=True):
    __tablename__ = "dunning_policies"
    name: str = Field(primary_key=True, max_length=100)
    version: int = Field(primary_key=True)
    description: str = Field("", max_length=500)
    grades: str = Field("", max_length=200)  # comma-separated
    segments: str = Field("", max_length=1000)
    currency: str = Field("CNY", max_length=3)
    current: bool = True  # the version new cases take
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    created_by: str = Field(max_length=100)


class PolicyStepRow(DunningTable, table=True):
    __tablename__ = "dunning_policy_steps"
    policy_name: str = Field(primary_key=True, max_length=100)
    policy_version: int = Field(primary_key=True)
    position: int = Field(primary_key=True)
    step_key: str = Field(max_length=50)
    day: int
    action: str = Field(max_length=30)
    performer: str = Field(max_length=20)
    template: str | None = Field(None, max_length=50)
    script_level: int | None = None
    min_amount_minor: int = Field(0, sa_type=sa.BigInteger)
    day_established: int | None = None
    optional: bool = False


class ScriptRow(DunningTable, table=True):
    """Phone scripts at three levels (001), editable."""
    __tablename__ = "dunning_scripts"
    level: int = Field(primary_key=True)
    zh_cn: str = Field(sa_type=sa.Text)
    en: str = Field(sa_type=sa.Text)
    updated_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    updated_by: str = Field(max_length=100)


class ActionRow(DunningTable, table=True):
    """A step taken (or skipped) for an item: once per (item, step, due date)."""
    __tablename__ = "dunning_actions"
    __table_args__ = (sa.UniqueConstraint("invoice_number", "seq", "step_key", "due_date", name="uq_dunning_step_once"),)
    action_id: str = Field(primary_key=True, max_length=40)
    case_id: str = Field(index=True, max_length=40)
    customer_id: str = Field(index=True, max_length=100)
    invoice_number: str = Field(max_length=100)
    seq: int
    due_date: date
    step_key: str = Field(max_length=50)
    action: str = Field(max_length=30)
    performer: str = Field(max_length=20)
    status: str = Field(max_length=20)  # queued | sent | failed | skipped | open | done | requested
    reason: str | None = Field(None, max_length=500)
    message_id: str | None = Field(None, index=True, max_length=40)
    on_date: date
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    completed_by: str | None = Field(None, max_length=100)  # a task done, by whom
    completed_on: date | None = None
    receipt_returned_on: date | None = None  # a letter's signed receipt came back (the demand letter, 004)


class MessageRow(DunningTable, table=True):
    """The outbox of messages: written with the step, delivered after commit."""
    __tablename__ = "dunning_messages"
    __table_args__ = (sa.Index("ix_dunning_messages_due", "status", "next_attempt_at"),)
    message_id: str = Field(primary_key=True, max_length=40)
    case_id: str = Field(index=True, max_length=40)
    customer_id: str = Field(max_length=100)
    step_key: str = Field(max_length=50)
    channel: str = Field(max_length=20)
    template: str = Field(max_length=50)
    language: str = Field(max_length=5)
    recipient: str = Field(max_length=254)
    status: str = Field(index=True, max_length=20)  # queued | sent | failed
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    last_error: str | None = Field(None, max_length=500)
    context: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    sent_at: datetime | None = Field(None, sa_type=sa.DateTime(timezone=True))


class DeliveryAttemptRow(DunningTable, table=True):
    __tablename__ = "dunning_delivery_attempts"
    attempt_id: int | None = Field(None, primary_key=True)
    message_id: str = Field(index=True, max_length=40)
    attempted_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    result: str = Field(max_length=20)  # sent | retry | failed
    error: str | None = Field(None, max_length=500)


class PromiseRow(DunningTable, table=True):
    __tablename__ = "dunning_promises"
    promise_id: str = Field(primary_key=True, max_length=40)
    case_id: str = Field(index=True, max_length=40)
    customer_id: str = Field(max_length=100)
    amount_minor: int = Field(sa_type=sa.BigInteger)
    currency: str = Field(max_length=3)
    promised_date: date
    made_on: date
    paid_minor: int = Field(0, sa_type=sa.BigInteger)
    status: str = Field(max_length=20)  # open | kept | broken
    closed_on: date | None = None
    made_by: str = Field(max_length=100)


class PlanRow(DunningTable, table=True):
    __tablename__ = "dunning_plans"
    plan_id: str = Field(primary_key=True, max_length=40)
    case_id: str = Field(index=True, max_length=40)
    customer_id: str = Field(max_length=100)
    amount_minor: int = Field(sa_type=sa.BigInteger)
    currency: str = Field(max_length=3)
    paid_minor: int = Field(0, sa_type=sa.BigInteger)
    status: str = Field(max_length=20)  # current | completed | breached
    created_on: date
    closed_on: date | None = None
    parties: str = Field(max_length=500)
    cause: str = Field(max_length=500)
    interest_formula: str | None = Field(None, max_length=500)
    notarised: bool = False
    created_by: str = Field(max_length=100)


class PlanInstalmentRow(DunningTable, table=True):
    __tablename__ = "dunning_plan_instalments"
    plan_id: str = Field(primary_key=True, max_length=40)
    seq: int = Field(primary_key=True)
    due_date: date
    amount_minor: int = Field(sa_type=sa.BigInteger)


class ContactLogRow(DunningTable, table=True):
    __tablename__ = "dunning_contact_log"
    entry_id: str = Field(primary_key=True, max_length=40)
    case_id: str = Field(index=True, max_length=40)
    on_date: date
    channel: str = Field(max_length=20)
    outcome: str = Field(max_length=30)
    reason_code: str | None = Field(None, max_length=30)
    notes: str | None = Field(None, max_length=2000)
    next_action_on: date | None = None
    by: str = Field(max_length=100)
    at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class LegalCaseRow(DunningTable, table=True):
    __tablename__ = "dunning_legal_cases"
    legal_case_id: str = Field(primary_key=True, max_length=40)
    case_id: str = Field(index=True, max_length=40)
    customer_id: str = Field(max_length=100)
    kind: str = Field(max_length=20)  # litigation | agency
    stage: str = Field(max_length=20)
    claim_minor: int = Field(sa_type=sa.BigInteger)
    currency: str = Field(max_length=3)
    court_case_number: str | None = Field(None, max_length=100)
    counsel: str | None = Field(None, max_length=200)
    risk_view: str | None = Field(None, max_length=2000)
    property_preservation: bool = False
    costs_minor: int = Field(0, sa_type=sa.BigInteger)
    estimated_cost_minor: int | None = Field(None, sa_type=sa.BigInteger)
    expected_recovery_percent: int | None = None
    expected_close_on: date | None = None
    outcome: str | None = Field(None, max_length=2000)
    evidence: str = Field("", max_length=1000)  # comma-separated kinds provided
    opened_on: date
    closed_on: date | None = None
    updated_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class EscalationRow(DunningTable, table=True):
    """A case handed up inside the company (003, 002 §3.1.2): finance → sales and
    management → a decision on legal action; the people and the decision recorded."""
    __tablename__ = "dunning_escalations"
    escalation_id: str = Field(primary_key=True, max_length=40)
    case_id: str = Field(index=True, max_length=40)
    position: int  # 1, 2, … within the case
    level: str = Field(max_length=30)
    handed_to: str = Field(max_length=500)
    reason: str = Field(max_length=2000)
    decision: str | None = Field(None, max_length=30)
    on_date: date
    by: str = Field(max_length=100)


class ConcessionRow(DunningTable, table=True):
    """A concession (001, 003) requested on a case, approved or rejected by another person."""
    __tablename__ = "dunning_concessions"
    concession_id: str = Field(primary_key=True, max_length=40)
    case_id: str = Field(index=True, max_length=40)
    kind: str = Field(max_length=30)
    amount_minor: int | None = Field(None, sa_type=sa.BigInteger)
    currency: str | None = Field(None, max_length=3)
    days: int | None = None
    reason: str = Field(max_length=2000)
    status: str = Field(max_length=20)  # requested | approved | rejected
    requested_by: str = Field(max_length=100)
    requested_on: date
    decided_by: str | None = Field(None, max_length=100)
    decided_on: date | None = None
    until: date | None = None  # an approved grace period pauses the ladder until then
