"""Facts dunning publishes that other services act on."""
from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from shared.events.contract import EventPayload
from shared.money import CurrencyCode, DecimalAmount


class PromiseToPayBrokenV1(EventPayload):
    """A customer's promise to pay (承诺付款) was not kept by its date. Credit counts these
    for the repayment sub-score and the "repeatedly broken promises" red flag (002 §8)."""
    topic: ClassVar[str] = "promise-to-pay-broken"
    subject_field: ClassVar[str] = "promise_id"

    customer_id: str = Field(min_length=1, max_length=100)
    promise_id: str = Field(min_length=1, max_length=100)
    promised_date: date
    amount: DecimalAmount
    currency: CurrencyCode
    broken_on: date


class DunningActionTakenV1(EventPayload):
    """A step of a collection ladder was taken for an item (a message queued, a task opened,
    a request made, a legal case opened) or skipped on a late start."""
    topic: ClassVar[str] = "dunning-action-taken"
    subject_field: ClassVar[str] = "action_id"

    customer_id: str = Field(min_length=1, max_length=100)
    action_id: str = Field(min_length=1, max_length=40)
    case_id: str = Field(max_length=40)
    invoice_number: str = Field(max_length=100)
    instalment_seq: int = Field(ge=1)
    due_date: date
    step: str = Field(max_length=50)
    action: str = Field(max_length=30)
    status: str = Field(max_length=20, description="queued, failed, skipped, open, done or requested")
    reason: str | None = Field(None, max_length=500)
    effective_date: date


class PromiseToPayMadeV1(EventPayload):
    topic: ClassVar[str] = "promise-to-pay-made"
    subject_field: ClassVar[str] = "promise_id"

    customer_id: str = Field(min_length=1, max_length=100)
    promise_id: str = Field(min_length=1, max_length=100)
    case_id: str = Field(max_length=40)
    promised_date: date
    amount: DecimalAmount
    currency: CurrencyCode
    made_on: date


class PromiseToPayKeptV1(EventPayload):
    topic: ClassVar[str] = "promise-to-pay-kept"
    subject_field: ClassVar[str] = "promise_id"

    customer_id: str = Field(min_length=1, max_length=100)
    promise_id: str = Field(min_length=1, max_length=100)
    promised_date: date
    amount: DecimalAmount
    currency: CurrencyCode
    kept_on: date


class RepaymentPlanCreatedV1(EventPayload):
    """A repayment agreement (还款协议, 003): the ladder waits while it is current."""
    topic: ClassVar[str] = "repayment-plan-created"
    subject_field: ClassVar[str] = "plan_id"

    customer_id: str = Field(min_length=1, max_length=100)
    plan_id: str = Field(max_length=40)
    case_id: str = Field(max_length=40)
    amount: DecimalAmount
    currency: CurrencyCode
    instalments: int = Field(ge=1)
    last_due_date: date
    notarised: bool
    created_on: date


class RepaymentPlanBreachedV1(EventPayload):
    """An instalment was missed (after the grace period): the ladder resumes."""
    topic: ClassVar[str] = "repayment-plan-breached"
    subject_field: ClassVar[str] = "plan_id"

    customer_id: str = Field(min_length=1, max_length=100)
    plan_id: str = Field(max_length=40)
    case_id: str = Field(max_length=40)
    amount: DecimalAmount
    paid: DecimalAmount
    currency: CurrencyCode
    breached_on: date


class LegalCaseOpenedV1(EventPayload):
    topic: ClassVar[str] = "legal-case-opened"
    subject_field: ClassVar[str] = "legal_case_id"

    customer_id: str = Field(min_length=1, max_length=100)
    legal_case_id: str = Field(max_length=40)
    case_id: str = Field(max_length=40)
    kind: Literal["litigation", "agency"]
    claim: DecimalAmount
    currency: CurrencyCode
    opened_on: date


class LegalCaseStageChangedV1(EventPayload):
    topic: ClassVar[str] = "legal-case-stage-changed"
    subject_field: ClassVar[str] = "legal_case_id"

    customer_id: str = Field(min_length=1, max_length=100)
    legal_case_id: str = Field(max_length=40)
    stage: Literal["letter", "filed", "hearing", "judgment", "enforcement", "closed"]
    previous_stage: str = Field(max_length=20)
    effective_date: date


class LegalCaseClosedV1(EventPayload):
    topic: ClassVar[str] = "legal-case-closed"
    subject_field: ClassVar[str] = "legal_case_id"

    customer_id: str = Field(min_length=1, max_length=100)
    legal_case_id: str = Field(max_length=40)
    outcome: str | None = Field(None, max_length=2000)
    closed_on: date


class DunningHoldRequestedV1(EventPayload):
    """Dunning asks credit (and through it billing/ERP) to stop supply or hold the customer's
    credit: a ladder step (stop_supply_request, credit_hold_request)."""
    topic: ClassVar[str] = "dunning-hold-requested"
    subject_field: ClassVar[str] = "action_id"

    customer_id: str = Field(min_length=1, max_length=100)
    action_id: str = Field(max_length=40)
    case_id: str = Field(max_length=40)
    kind: Literal["stop_supply", "credit_hold"]
    reason: str = Field(max_length=500)
    effective_date: date


class BlacklistRequestedV1(EventPayload):
    """After repeated overdue (003, configuration `blacklist_after_items`) dunning asks credit
    to blacklist the customer; credit decides. Never published outside the company."""
    topic: ClassVar[str] = "blacklist-requested"
    customer_id: str = Field(min_length=1, max_length=100)
    overdue_items: int = Field(ge=1)
    reason: str = Field(max_length=500)
    effective_date: date
