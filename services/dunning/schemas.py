"""HTTP shapes of the dunning API (under /dunning/v1). Amounts are decimal strings with an
ISO currency code; dates are business dates. What a client sends is bounded where it is
declared (shared/wire.py, shared/ids.py)."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from services.dunning.domain.legal import EVIDENCE, STAGES
from services.dunning.domain.policies import ACTIONS, PERFORMERS
from shared.ids import id_path
from shared.money import DecimalAmount
from shared.wire import AmountIn, CurrencyIn, DateIn, Text, Timestamp

CustomerIdPath = id_path("the customer's id")
CaseIdPath = id_path("the collection case's id")
LegalCaseIdPath = id_path("the legal case's id")
ActionIdPath = id_path("the action's id")
PolicyNamePath = id_path("the policy's name")
Limit = Annotated[int, Query(ge=1, le=500, description="at most 500 per page")]
Language = Literal["zh-CN", "en"]
StepKey = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_]*$")]
Day = Annotated[StrictInt, Field(ge=-60, le=3650)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- policies ----------------------------------------------------------------------------------

class StepIn(Strict):
    key: StepKey
    day: Day = Field(description="days from the due date; negative = before due")
    action: Literal[ACTIONS] = Field(description="the action and its channel")  # type: ignore[valid-type]
    performer: Literal[PERFORMERS] = "system"  # type: ignore[valid-type]
    template: Text(50, 1) | None = None
    script_level: Annotated[StrictInt, Field(ge=1, le=3)] | None = None
    min_amount: AmountIn = Field("0", description="below it the step is skipped", validate_default=True)
    day_established: Day | None = Field(None, description="the day for established customers in good standing")
    optional: StrictBool = Field(False, description="never run by the ladder, only asked for")


class PolicyIn(Strict):
    description: Text(500) = ""
    grades: list[Annotated[str, Field(pattern=r"^[A-Z]$")]] = Field(default_factory=list, max_length=10)
    segments: list[Text(100, 1)] = Field(default_factory=list, max_length=20)
    currency: CurrencyIn = "CNY"
    steps: list[StepIn] = Field(min_length=1, max_length=30)
    migrate_running_cases: StrictBool = Field(False, description="move the open cases on older versions to this one")


class StepOut(BaseModel):
    key: str
    day: int
    action: str
    performer: str
    template: str | None
    script_level: int | None
    min_amount: DecimalAmount
    day_established: int | None
    optional: bool


class PolicyOut(BaseModel):
    name: str
    version: int
    description: str
    grades: list[str]
    segments: list[str]
    currency: str
    steps: list[StepOut]


class ScriptIn(Strict):
    zh_cn: Text(4000, 1) = Field(alias="zh-CN")
    en: Text(4000, 1)
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ScriptOut(BaseModel):
    level: int
    zh_cn: str = Field(serialization_alias="zh-CN")
    en: str
    updated_by: str


# --- contacts ------------------------------------------------------------------------------------

class ContactIn(Strict):
    name: Text(200) | None = None
    email: Annotated[str, Field(max_length=254, pattern=r"^[^@\s\x00-\x1f]+@[^@\s\x00-\x1f]+$")] | None = None
    mobile: Annotated[str, Field(max_length=40, pattern=r"^\+?[0-9 -]{5,39}$")] | None = None
    address: Text(500) | None = None
    language: Language = "zh-CN"


class ContactOut(BaseModel):
    customer_id: str
    name: str | None
    email: str | None
    mobile: str | None
    address: str | None
    language: str


# --- cases -------------------------------------------------------------------------------------------

class ItemOut(BaseModel):
    invoice_number: str
    seq: int
    due_date: date | None
    days_overdue: int
    amount: DecimalAmount
    open_amount: DecimalAmount
    currency: str
    status: str
    paused: str | None = Field(description="why its ladder waits: disputed, promise_to_pay, repayment_plan")


class StepDueOut(BaseModel):
    invoice_number: str
    seq: int
    step: str
    action: str
    on: date


class ActionOut(BaseModel):
    action_id: str
    case_id: str
    customer_id: str
    invoice_number: str
    seq: int
    due_date: date
    step: str
    action: str
    channel: str | None
    performer: str
    status: str = Field(description="queued, sent, failed, skipped, open (a task), done, requested")
    reason: str | None
    on_date: date
    message_id: str | None
    completed_by: str | None = Field(None, description="a task marked done, by whom")
    receipt_returned_on: date | None = Field(None, description="a letter's signed receipt came back")


class ActionPatch(Strict):
    done: StrictBool = Field(False, description="mark an open task (call, check, visit) done")
    receipt_returned_on: DateIn | None = Field(None, description="a letter's signed receipt came back that day")


class PromiseIn(Strict):
    amount: AmountIn
    currency: CurrencyIn
    promised_date: DateIn


class PromiseOut(BaseModel):
    promise_id: str
    case_id: str
    amount: DecimalAmount
    paid: DecimalAmount
    currency: str
    promised_date: date
    made_on: date
    status: str
    closed_on: date | None


class InstalmentIn(Strict):
    due_date: DateIn
    amount: AmountIn


class PlanIn(Strict):
    amount: AmountIn = Field(description="the debt the plan covers; the instalments add up to it")
    currency: CurrencyIn
    instalments: list[InstalmentIn] = Field(min_length=1, max_length=60)
    parties: Text(500, 1) = Field(description="who signed, with the company seal")
    cause: Text(500, 1) = Field(description="why the debt arose")
    interest_formula: Text(500) | None = None
    notarised: StrictBool = Field(False, description="a notarised agreement is directly enforceable")


class InstalmentOut(BaseModel):
    seq: int
    due_date: date
    amount: DecimalAmount


class PlanOut(BaseModel):
    plan_id: str
    case_id: str
    amount: DecimalAmount
    paid: DecimalAmount
    currency: str
    status: str
    created_on: date
    parties: str
    cause: str
    interest_formula: str | None
    notarised: bool
    instalments: list[InstalmentOut]


REASON_CODES = ("cash_flow_break", "contract_dispute", "quality_dispute", "invoice_not_received", "deliberate",
                "bankruptcy_risk", "other")
OUTCOMES = ("promised", "paid", "agreed_plan", "no_answer", "refused", "disputed", "callback")


class ContactLogIn(Strict):
    channel: Literal["phone", "visit", "email", "sms", "letter", "meeting"]
    outcome: Literal[OUTCOMES]  # type: ignore[valid-type]
    reason_code: Literal[REASON_CODES] | None = None  # type: ignore[valid-type]
    notes: Text(2000) | None = None
    next_action_date: DateIn | None = None


class ContactLogOut(BaseModel):
    entry_id: str
    case_id: str
    on_date: date
    channel: str
    outcome: str
    reason_code: str | None
    notes: str | None
    next_action_date: date | None
    by: str


class EscalationIn(Strict):
    level: Literal["finance", "sales_management", "management"]
    handed_to: Text(500, 1) = Field(description="the people it goes to")
    reason: Text(2000, 1)
    decision: Literal["continue", "negotiate_waiver", "new_plan", "legal_action", "joint_team"] | None = None


class EscalationOut(BaseModel):
    escalation_id: str
    level: str
    handed_to: str
    reason: str
    decision: str | None
    on_date: date
    by: str


class ConcessionIn(Strict):
    kind: Literal["grace_period", "interest_waiver", "partial_payment", "discount", "interest_free_instalments",
                  "debt_reduction"]
    amount: AmountIn | None = Field(None, description="for a waiver, partial payment, discount or reduction")
    currency: CurrencyIn | None = None
    days: Annotated[StrictInt, Field(ge=1, le=365)] | None = Field(None, description="for a grace period or "
                                                                                    "interest-free instalments")
    reason: Text(2000, 1)


class DecisionIn(Strict):
    decision: Literal["approve", "reject"]


class ConcessionOut(BaseModel):
    concession_id: str
    case_id: str
    kind: str
    amount: DecimalAmount | None
    currency: str | None
    days: int | None
    reason: str
    status: str
    requested_by: str
    requested_on: date
    decided_by: str | None
    decided_on: date | None
    until: date | None = Field(description="an approved grace period: the ladder waits until then")


class ChannelHealthOut(BaseModel):
    channel: str
    sent: int
    queued: int
    failed: int
    last_error: str | None


class CaseSummaryOut(BaseModel):
    case_id: str
    customer_id: str
    status: str
    policy: str
    policy_version: int
    collector: str | None
    opened_on: date
    closed_on: date | None
    open_amount: DecimalAmount
    currency: str | None
    max_days_overdue: int


class CaseOut(CaseSummaryOut):
    items: list[ItemOut]
    steps_done: list[ActionOut]
    steps_due: list[StepDueOut] = Field(description="the next step of each item, and when")
    pauses: list[str]
    promises: list[PromiseOut]
    plans: list[PlanOut]
    contact_log: list[ContactLogOut]
    channels: list[ChannelHealthOut] = Field(description="deliveries per channel: a failing channel shows here")
    escalations: list[EscalationOut]
    concessions: list[ConcessionOut]


class CasePage(BaseModel):
    items: list[CaseSummaryOut]
    total: int
    limit: int
    offset: int


class ActionPage(BaseModel):
    items: list[ActionOut]
    total: int
    limit: int
    offset: int


class WorkItemOut(BaseModel):
    case_id: str
    customer_id: str
    customer_name: str | None
    collector: str | None
    score: int
    parts: dict[str, int]
    open_amount: DecimalAmount
    currency: str | None
    max_days_overdue: int
    grade: str | None
    broken_promises: int
    next_action_date: date | None
    open_tasks: list[str]


class WorklistPage(BaseModel):
    items: list[WorkItemOut]
    total: int
    limit: int
    offset: int


# --- legal ------------------------------------------------------------------------------------------

class LegalIn(Strict):
    kind: Literal["litigation", "agency"] = "litigation"
    counsel: Text(200) | None = None


class AssessmentIn(Strict):
    estimated_cost: AmountIn
    expected_recovery_percent: Annotated[StrictInt, Field(ge=0, le=100)]


class LegalPatch(Strict):
    stage: Literal[STAGES] | None = None  # type: ignore[valid-type]
    court_case_number: Text(100) | None = None
    counsel: Text(200) | None = None
    risk_view: Text(2000) | None = None
    property_preservation: StrictBool | None = None
    costs: AmountIn | None = None
    expected_close_on: DateIn | None = None
    outcome: Text(2000) | None = None
    evidence: list[Literal[EVIDENCE]] | None = Field(None, max_length=len(EVIDENCE))  # type: ignore[valid-type]
    assessment: AssessmentIn | None = None


class LegalOut(BaseModel):
    legal_case_id: str
    case_id: str
    customer_id: str
    kind: str
    stage: str
    claim: DecimalAmount
    currency: str
    court_case_number: str | None
    counsel: str | None
    risk_view: str | None
    property_preservation: bool
    costs: DecimalAmount
    estimated_cost: DecimalAmount | None
    expected_recovery_percent: int | None
    worth_suing: bool | None
    expected_close_on: date | None
    outcome: str | None
    evidence: list[str]
    missing_evidence: list[str]
    opened_on: date
    closed_on: date | None
    updated_at: Timestamp


class LegalPage(BaseModel):
    items: list[LegalOut]
    total: int
    limit: int
    offset: int


class LadderRunOut(BaseModel):
    cases: int
    actions: int
    messages: int
    skipped: int
    paused_items: int
    promises_broken: int
    plans_breached: int
