"""Facts credit publishes for billing, ERP, dunning and reporting."""
from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from shared.events.contract import EventPayload
from shared.money import CurrencyCode, DecimalAmount


class CreditGradeChangedV1(EventPayload):
    topic: ClassVar[str] = "credit-grade-changed"
    customer_id: str
    grade: str
    previous_grade: str | None
    total_score: int
    effective_date: date
    reasons: list[str] = []


class CreditLimitChangedV1(EventPayload):
    topic: ClassVar[str] = "credit-limit-changed"
    customer_id: str
    limit: DecimalAmount
    currency: CurrencyCode
    term_days: int
    temporary: bool = False
    expires_on: date | None = None
    application_id: str | None = None
    effective_date: date


class CustomerHoldPlacedV1(EventPayload):
    """New orders of this customer are frozen; billing and ERP should stop shipping."""
    topic: ClassVar[str] = "customer-hold-placed"
    subject_field: ClassVar[str] = "hold_id"
    customer_id: str
    hold_id: str
    kind: Literal["manual", "overdue", "blacklist"]
    reason: str
    placed_by: str
    effective_date: date


class CustomerHoldReleasedV1(EventPayload):
    topic: ClassVar[str] = "customer-hold-released"
    subject_field: ClassVar[str] = "hold_id"
    customer_id: str
    hold_id: str
    kind: Literal["manual", "overdue", "blacklist"]
    released_by: str
    reason: str
    effective_date: date


class CustomerBlacklistedV1(EventPayload):
    topic: ClassVar[str] = "customer-blacklisted"
    customer_id: str
    reason: str
    effective_date: date


class OrderCreditReservedV1(EventPayload):
    """The credit check approved an order and reserved its amount until invoiced or expiry."""
    topic: ClassVar[str] = "order-credit-reserved"
    subject_field: ClassVar[str] = "order_ref"
    customer_id: str
    order_ref: str
    amount: DecimalAmount
    currency: CurrencyCode
    decision: Literal["approve", "review", "reject", "approved_by_override"]
    expires_on: date | None = Field(None)
