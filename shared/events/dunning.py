"""Facts dunning publishes that other services act on."""
from __future__ import annotations

from datetime import date
from typing import ClassVar

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
