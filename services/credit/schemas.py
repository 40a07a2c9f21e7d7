"""HTTP shapes of the credit API (under /credit/v1). Amounts are decimal strings with an
ISO currency code; dates are business dates."""
from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.credit.domain.approvals import ApplicationKind
from services.credit.domain.credit_file import DocumentKind
from services.credit.domain.red_flags import OwnFaultCause, RedFlag
from shared.money import CurrencyCode, DecimalAmount
from shared.wire import Timestamp

Id = Field(min_length=1, max_length=100)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- credit file ---------------------------------------------------------------------------

class DocumentIn(Strict):
    kind: DocumentKind
    reference: str = Field(min_length=1, max_length=200, description="document number, scan id or phone numbers")
    received_on: date | None = None
    expires_on: date | None = None


class CustomerIn(Strict):
    name: str = Field(min_length=1, max_length=200, examples=["上海某某贸易有限公司"])
    region: str | None = Field(None, max_length=100)
    customer_type: str | None = Field(None, max_length=100)
    industry: str | None = Field(None, max_length=100)
    salesperson: str | None = Field(None, max_length=100)
    onboarded_on: date | None = Field(None, description="first business with us; none = a new customer")
    currency: CurrencyCode | None = Field(None, description="the currency of the customer's credit (default CNY)")
    documents: list[DocumentIn] = Field(default_factory=list, max_length=20)


class DocumentOut(BaseModel):
    kind: str
    reference: str
    received_on: date | None
    expires_on: date | None


class CompletenessOut(BaseModel):
    status: Literal["complete", "incomplete"]
    missing: list[str]
    expired: list[str]


class AmountOut(BaseModel):
    amount: DecimalAmount
    currency: str


class ExposureOut(BaseModel):
    total: DecimalAmount
    open_receivables: DecimalAmount
    disputed: DecimalAmount
    reservations: DecimalAmount
    include_reservations: bool
    include_disputed: bool


class OverdueOut(BaseModel):
    amount: DecimalAmount
    max_days_overdue: int


class HoldOut(BaseModel):
    hold_id: str
    customer_id: str
    kind: Literal["manual", "overdue", "blacklist"]
    reason: str
    placed_by: str
    placed_on: date
    invoice_numbers: list[str] = []
    released_on: date | None = None
    released_by: str | None = None
    release_reason: str | None = None


class TemporaryLimitOut(BaseModel):
    amount: DecimalAmount
    valid_from: date | None
    expires_on: date
    application_id: str


class SuggestionOut(BaseModel):
    limit: DecimalAmount
    term_days: int
    currency: str
    prepayment_only: bool


class CustomerOut(BaseModel):
    customer_id: str
    name: str
    region: str | None
    customer_type: str | None
    industry: str | None
    salesperson: str | None
    onboarded_on: date | None
    is_new: bool
    documents: list[DocumentOut]
    completeness: CompletenessOut
    file_version: int
    currency: str
    grade: str | None = Field(description="effective grade: the rated grade, never above an approved one")
    rated_grade: str | None
    approved_grade: str | None
    total_score: int | None
    special_approval: str | None
    last_rated_on: date | None
    limit: DecimalAmount = Field(description="the approved limit")
    temporary_limits: list[TemporaryLimitOut]
    effective_limit: DecimalAmount = Field(description="limit + temporary limits valid today")
    term_days: int
    exposure: ExposureOut
    available_credit: DecimalAmount
    overdue: OverdueOut
    holds: list[HoldOut]
    blacklisted: bool
    prepayment_only: bool
    suggested: SuggestionOut | None
    why: dict[str, Any] | None = Field(description="the latest assessment's explanation: criteria, floors, cap, "
                                                   "red flags and each step")


class OpenItemOut(BaseModel):
    invoice_number: str
    seq: int = Field(description="the instalment's number on its invoice")
    due_date: date = Field(description="the instalment's due date as the ledger booked it")
    extended_days: int = Field(description="term extension (展期) approved for its invoice")
    extended_due_date: date = Field(description="the due date the credit rules use: due_date + extended_days")
    amount: DecimalAmount
    open_amount: DecimalAmount
    currency: str
    disputed: bool = Field(description="its invoice has an amount in dispute")
    days_overdue: int = Field(description="today - extended_due_date, never negative")


class OpenItemsPage(BaseModel):
    customer_id: str
    as_of: date
    total: int = Field(description="open instalments in all")
    limit: int
    offset: int
    items: list[OpenItemOut]


# --- assessments -----------------------------------------------------------------------------

class RedFlagIn(Strict):
    flag: RedFlag
    own_fault_cause: OwnFaultCause | None = Field(None, description="only for prior_bad_debt_or_breach")
    note: str = Field("", max_length=500)


class AssessmentIn(Strict):
    scores: dict[str, int] = Field(description="the person-entered criteria, each 0..its weight",
                                   examples=[{"financial_strength": 8, "operating_condition": 7,
                                              "reputation_and_prospects": 9}])
    investigated_repayment: int | None = Field(None, ge=0, description="repayment score from the credit "
                                               "investigation, used only while the customer has no history")
    contracted_12m: DecimalAmount | None = Field(None, description="contracted 12-month volume (签约销售量)")
    red_flags: list[RedFlagIn] = Field(default_factory=list, description="flags found by a person (002 §8)")
    as_of: date | None = None


class AssessmentOut(BaseModel):
    assessment_id: str
    customer_id: str
    as_of: date
    trigger: str
    assessed_by: str
    grade: str
    total: int
    scores: dict[str, int]
    suggested: SuggestionOut
    why: dict[str, Any]
    created_at: Timestamp


# --- applications ----------------------------------------------------------------------------

class ApplicationIn(Strict):
    customer_id: str = Id
    kind: ApplicationKind
    grade: str | None = Field(None, max_length=10, description="grade_limit_term")
    limit: DecimalAmount | None = Field(None, description="grade_limit_term")
    term_days: int | None = Field(None, ge=0, le=365, description="grade_limit_term")
    amount: DecimalAmount | None = Field(None, description="temporary_limit")
    currency: CurrencyCode | None = Field(None, description="of limit/amount; must be the customer's")
    valid_from: date | None = Field(None, description="temporary_limit")
    expires_on: date | None = Field(None, description="temporary_limit")
    extra_days: int | None = Field(None, ge=1, le=365, description="term_extension")
    invoice_numbers: list[str] = Field(default_factory=list, max_length=100,
                                       description="term_extension: these invoices (else the customer's term)")
    comment: str = Field("", max_length=2000)


class StepOut(BaseModel):
    seq: int
    actor_id: str
    actor_name: str
    role: str
    decision: str
    from_state: str | None
    to_state: str
    comment: str
    at: Timestamp


class ApplicationOut(BaseModel):
    application_id: str
    customer_id: str
    kind: str
    request: dict[str, Any]
    state: str
    pending_role: str | None
    submitted_by: str
    steps: list[StepOut]
    created_at: Timestamp
    updated_at: Timestamp


class DecisionIn(Strict):
    decision: Literal["approve", "reject"]
    comment: str = Field("", max_length=2000, description="required for a rejection")


# --- checks, holds ------------------------------------------------------------------------------

class CheckIn(Strict):
    customer_id: str = Id
    amount: DecimalAmount
    currency: CurrencyCode
    order_ref: str = Id
    reserve: bool = Field(False, description="on approve, reserve the amount until invoiced or expiry")


class ReasonOut(BaseModel):
    code: Literal["unknown_customer", "currency_mismatch", "blacklisted", "on_hold", "prepayment_required",
                  "over_limit", "overdue_debt"]
    severity: Literal["review", "reject"]
    detail: str


class ReservationOut(BaseModel):
    amount: DecimalAmount
    expires_on: date


class OverrideOut(BaseModel):
    by: str
    name: str
    role: str
    reason: str
    at: Timestamp


class CheckOut(BaseModel):
    check_id: str
    order_ref: str
    customer_id: str
    decision: Literal["approve", "review", "reject", "approved_by_override"]
    reasons: list[ReasonOut]
    amount: DecimalAmount
    currency: str
    reserve: bool
    grade: str | None
    credit_currency: str | None
    limit: DecimalAmount | None = Field(description="effective limit (with temporary limits)")
    exposure: DecimalAmount | None = Field(description="before this order")
    available_credit: DecimalAmount | None
    open_receivables: DecimalAmount | None
    reserved: DecimalAmount | None
    reservation: ReservationOut | None
    override: OverrideOut | None
    checked_at: Timestamp


class OverrideIn(Strict):
    reason: str = Field(min_length=1, max_length=2000)


class HoldIn(Strict):
    reason: str = Field(min_length=1, max_length=2000, examples=["customer moving assets"])


# --- history, visits, re-rating ----------------------------------------------------------------

class HistoryEntryOut(BaseModel):
    at: Timestamp
    effective_date: date
    kind: str
    summary: str
    detail: dict[str, Any]


class VisitIn(Strict):
    role: Literal["sales_manager", "department_head"]
    visited_on: date
    note: str = Field("", max_length=2000)


class DueVisitOut(BaseModel):
    customer_id: str
    role: str
    last_visit: date | None
    due_by: date


class RerateRunOut(BaseModel):
    reservations_expired: int
    customers_rerated: int
