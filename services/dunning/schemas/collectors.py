"""The collectors' work: contacts, promises, plans, the contact log, escalations, concessions, the worklist."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt

from services.dunning.schemas.common import Language, Strict
from shared.money import DecimalAmount
from shared.wire import AmountIn, CurrencyIn, DateIn, Text


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
