"""Cases, their items and actions; the ladder run on demand."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, StrictBool

from services.dunning.schemas.common import Strict
from services.dunning.schemas.collectors import ConcessionOut, ContactLogOut, EscalationOut, PlanOut, PromiseOut
from shared.money import DecimalAmount
from shared.wire import DateIn


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


class LadderRunOut(BaseModel):
    cases: int
    actions: int
    messages: int
    skipped: int
    paused_items: int
    promises_broken: int
    plans_breached: int
