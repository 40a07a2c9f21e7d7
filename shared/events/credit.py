"""Facts credit publishes for billing, ERP, dunning and reporting."""
from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from shared.events.contract import EventPayload
from shared.money import CurrencyCode, DecimalAmount


class CustomerProfileChangedV1(EventPayload):
    """The customer's master data credit owns, whole (not a diff), published whenever the
    credit file, the effective grade or the blacklist flag changes, so dunning and reporting
    never ask.
    `revision` grows with every publication of a customer: keep the highest seen."""
    topic: ClassVar[str] = "customer-profile-changed"
    customer_id: str = Field(min_length=1, max_length=100)
    revision: int = Field(ge=1)
    name: str = Field(max_length=200)
    region: str | None = Field(None, max_length=100)
    customer_type: str | None = Field(None, max_length=100)
    industry: str | None = Field(None, max_length=100)
    salesperson: str | None = Field(None, max_length=100)
    grade: str | None = Field(None, max_length=10, description="the effective credit grade; None until rated")
    currency: CurrencyCode
    onboarded_on: date | None = None
    blacklisted: bool = False
    effective_date: date


class TermExtensionApprovedV1(EventPayload):
    """A term extension (展期) of named invoices approved through the whole chain. The ledger
    moves the invoices' open due dates by `extra_days` (keeping the history) and publishes
    `invoice-due-dates-changed`; collections and reports follow the ledger's fact."""
    topic: ClassVar[str] = "term-extension-approved"
    subject_field: ClassVar[str] = "application_id"
    customer_id: str = Field(min_length=1, max_length=100)
    application_id: str = Field(min_length=1, max_length=100)
    invoice_numbers: list[str] = Field(min_length=1, max_length=100)
    extra_days: int = Field(ge=1, le=366)
    approved_by: str = Field(max_length=100)
    effective_date: date


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
