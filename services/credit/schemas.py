"""HTTP shapes of the credit API (under /credit/v1). Amounts are decimal strings with an
ISO currency code; dates are business dates.

What a client sends is bounded and the bounds are declared (issue 10): amounts, dates and
currencies are shared/wire.py's types, identifiers shared/ids.py's (in paths too:
`CustomerIdPath`), free text has a length and no control characters (PostgreSQL refuses
NUL in text: it would be a 500), lists and maps have a size, integers a range, booleans are
booleans."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints

from services.credit.domain.approvals import ApplicationKind
from services.credit.domain.credit_file import DocumentKind
from services.credit.domain.red_flags import OwnFaultCause, RedFlag
from shared.ids import BusinessId, id_path
from shared.money import DecimalAmount
from shared.wire import AmountIn, CurrencyIn, DateIn, Text, Timestamp

CustomerIdPath = id_path("the customer's id (no `/`, `?`, `#` or control characters; at most 100)")
ApplicationIdPath = id_path("the application's id")
HoldIdPath = id_path("the hold's id")
OrderRefPath = id_path("the checked order's reference")
Limit = Annotated[int, Query(ge=1, le=500, description="at most 500 per page")]
Grade = Annotated[str, StringConstraints(min_length=1, max_length=10, pattern=r"^[A-Z]$")]
BusinessRole = Literal["sales", "sales_manager", "sales_admin", "finance", "general_manager", "collector", "legal",
                       "auditor", "integration"]
Days = Annotated[StrictInt, Field(ge=0, le=3650)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- credit file ---------------------------------------------------------------------------

class DocumentIn(Strict):
    kind: DocumentKind
    reference: Text(200, 1) = Field(description="document number, scan id or phone numbers")
    received_on: DateIn | None = None
    expires_on: DateIn | None = None


class CustomerIn(Strict):
    name: Text(200, 1) = Field(examples=["上海某某贸易有限公司"])
    region: Text(100) | None = None
    customer_type: Text(100) | None = None
    industry: Text(100) | None = None
    salesperson: Text(100) | None = None
    onboarded_on: DateIn | None = Field(None, description="first business with us; none = a new customer")
    currency: CurrencyIn | None = Field(None, description="the currency of the customer's credit (default CNY)")
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
    basis: Literal["previous_year", "rolling_12_months", "contracted_volume"] | None = Field(
        None, description="the sales averaged: the previous calendar year, the last 12 months, or a new customer's "
                          "contracted volume")
    basis_from: date | None = Field(None, description="the first day of the sales averaged")
    basis_to: date | None = None
    average_monthly_sales: DecimalAmount | None = None
    max_limit: DecimalAmount | None = Field(None, description="the highest limit within the policy (the average "
                                                              "monthly sales × 1.5): beyond it, a justification")


class CustomerFields(BaseModel):
    """What a customer's file says of it, in every answer about customers."""
    customer_id: str
    name: str
    region: str | None
    customer_type: str | None
    industry: str | None
    salesperson: str | None


class CustomerOut(CustomerFields):
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


class CustomerSummaryOut(CustomerFields):
    currency: str
    grade: str | None = Field(description="the effective grade")
    limit: DecimalAmount = Field(description="the approved limit (temporary limits and exposure: GET the customer)")
    term_days: int
    blacklisted: bool
    on_hold: bool
    holds: list[Literal["manual", "overdue", "blacklist"]] = Field(description="the kinds of its active holds")


class CustomerPage(BaseModel):
    items: list[CustomerSummaryOut]
    total: int = Field(description="matching customers in all")
    limit: int
    offset: int


class OpenItemOut(BaseModel):
    invoice_number: str
    seq: int = Field(description="the instalment's number on its invoice")
    due_date: date | None = Field(description="the instalment's due date as the ledger has it now (moved by term "
                                              "extensions); none until a RECEIPT+N invoice is received")
    extended_days: int = Field(description="how far term extensions (展期) moved its invoice, in the ledger")
    amount: DecimalAmount
    open_amount: DecimalAmount
    currency: str
    disputed: bool = Field(description="part of it is in dispute")
    disputed_amount: DecimalAmount = Field(description="the part of its open amount in dispute: its invoice's "
                                                       "disputed amount covers the open instalments oldest due first")
    days_overdue: int = Field(description="today - due_date, never negative (0 without a due date)")


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
    note: Text(500) = ""


CriterionId = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")]


class AssessmentIn(Strict):
    scores: dict[CriterionId, Annotated[StrictInt, Field(ge=0, le=100)]] = Field(
        max_length=20, description="the person-entered criteria, each 0..its weight",
        examples=[{"financial_strength": 8, "operating_condition": 7, "reputation_and_prospects": 9}])
    investigated_repayment: StrictInt | None = Field(None, ge=0, le=100, description="repayment score from the "
                                                     "credit investigation, used only while the customer has no "
                                                     "history")
    contracted_12m: AmountIn | None = Field(None, description="contracted 12-month volume (签约销售量), in the "
                                                             "customer's credit currency")
    red_flags: list[RedFlagIn] = Field(default_factory=list, max_length=20,
                                       description="flags found by a person (002 §8)")
    as_of: DateIn | None = Field(None, description="default today; never after today")


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
    customer_id: BusinessId
    kind: ApplicationKind
    grade: Grade | None = Field(None, description="grade_limit_term")
    limit: AmountIn | None = Field(None, description="grade_limit_term")
    term_days: StrictInt | None = Field(None, ge=0, le=365, description="grade_limit_term")
    amount: AmountIn | None = Field(None, description="temporary_limit")
    currency: CurrencyIn | None = Field(None, description="of limit/amount; must be the customer's")
    valid_from: DateIn | None = Field(None, description="temporary_limit")
    expires_on: DateIn | None = Field(None, description="temporary_limit")
    extra_days: StrictInt | None = Field(None, ge=1, le=365, description="term_extension")
    invoice_numbers: list[BusinessId] = Field(default_factory=list, max_length=100,
                                              description="term_extension: these invoices (else the customer's "
                                                          "term)")
    comment: Text(2000) = ""
    justification: Text(2000) | None = Field(None, description="needed when the limit is above the policy's band "
                                                               "or the term over its maximum (002 §2(2))")


class ExceptionOut(BaseModel):
    rule: str = Field(description="limit.above_policy or term.over_policy")
    detail: str


class StepOut(BaseModel):
    seq: int
    actor_id: str
    actor_name: str
    role: str
    decision: str
    from_state: str | None
    to_state: str
    comment: str
    exceptions: list[ExceptionOut] = Field(description="the exceptions to the policy this step approved")
    at: Timestamp


class ChainOut(BaseModel):
    submitters: list[str] = Field(description="the roles that may submit this kind")
    steps: list[str] = Field(description="the roles that approve, in order")


class ApplicationOut(BaseModel):
    application_id: str
    customer_id: str
    kind: str
    request: dict[str, Any]
    state: str = Field(description="submitted, then reviewed (sales admin), confirmed (department head), "
                                   "finance_approved (finance), …, approved; or rejected")
    pending_role: str | None
    submitted_by: str
    chain: ChainOut = Field(description="the approval chain of its kind when it was submitted")
    justification: str | None
    exceptions: list[ExceptionOut] = Field(description="where it goes beyond the policy: each approver sees them")
    steps: list[StepOut]
    created_at: Timestamp
    updated_at: Timestamp


class ApplicationSummaryOut(BaseModel):
    application_id: str
    customer_id: str
    customer_name: str | None
    kind: str
    request: dict[str, Any]
    state: str
    pending_role: str | None
    submitted_by: str
    justification: str | None
    exceptions: list[ExceptionOut]
    created_at: Timestamp
    updated_at: Timestamp = Field(description="the last step (or the submission)")


class ApplicationPage(BaseModel):
    items: list[ApplicationSummaryOut]
    total: int = Field(description="matching applications in all")
    limit: int
    offset: int


class DecisionIn(Strict):
    decision: Literal["approve", "reject"]
    comment: Text(2000) = Field("", description="required for a rejection")


# --- checks, holds ------------------------------------------------------------------------------

class CheckIn(Strict):
    customer_id: BusinessId
    amount: AmountIn
    currency: CurrencyIn
    order_ref: BusinessId
    reserve: StrictBool = Field(False, description="on approve, reserve the amount until invoiced or expiry")
    term_days: Days | None = Field(None, description="the payment term the order asks for (days); longer than the "
                                                     "customer's approved term: term_exceeds_approved")


class ReasonOut(BaseModel):
    code: Literal["unknown_customer", "currency_mismatch", "blacklisted", "on_hold", "prepayment_required",
                  "over_limit", "overdue_debt", "term_exceeds_approved"]
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
    term_days: int | None = Field(None, description="the term the order asked for")
    approved_term_days: int | None = Field(None, description="the customer's approved term")
    checked_at: Timestamp


class OverrideIn(Strict):
    reason: Text(2000, 1)


class HoldIn(Strict):
    reason: Text(2000, 1) = Field(examples=["customer moving assets"])


# --- history, visits, re-rating ----------------------------------------------------------------

class HistoryEntryOut(BaseModel):
    at: Timestamp
    effective_date: date
    kind: str
    summary: str
    detail: dict[str, Any]


class VisitIn(Strict):
    role: Literal["sales_manager", "department_head"]
    visited_on: DateIn = Field(description="never after today")
    note: Text(2000) = ""


class DueVisitOut(BaseModel):
    customer_id: str
    role: str
    last_visit: date | None
    due_by: date


class RerateRunOut(BaseModel):
    reservations_expired: int
    customers_rerated: int
