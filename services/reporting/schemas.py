"""HTTP shapes of the reporting API. Amounts are decimal strings, one currency per report."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel

from shared.money import DecimalAmount
from shared.wire import Timestamp


class DayActivityOut(BaseModel):
    day: date
    currency: str
    credit_sales: DecimalAmount
    cash_received: DecimalAmount
    invoices: int
    payments: int


class AgingRowOut(BaseModel):
    key: str
    buckets: dict[str, DecimalAmount]
    disputed: DecimalAmount
    total: DecimalAmount


class AgingOut(BaseModel):
    as_of: date
    currency: str
    basis: Literal["due_date", "invoice_date"]
    group_by: str | None
    buckets: list[str]
    rows: list[AgingRowOut]
    total: dict[str, DecimalAmount]
    count: int
    offset: int
    limit: int


class LatePayerOut(BaseModel):
    customer_id: str
    overdue: DecimalAmount
    open: DecimalAmount
    share_of_overdue: DecimalAmount | None


class DsoOut(BaseModel):
    as_of: date
    currency: str
    method: Literal["standard", "countback"]
    window_days: int
    dso: DecimalAmount | None
    best_possible_dso: DecimalAmount | None
    add: DecimalAmount | None
    receivables: DecimalAmount
    current: DecimalAmount
    overdue: DecimalAmount
    credit_sales: DecimalAmount
    overdue_ratio: DecimalAmount | None
    turnover: DecimalAmount | None


class DsoPointOut(BaseModel):
    date: date
    dso: DecimalAmount | None
    receivables: DecimalAmount
    credit_sales: DecimalAmount


class RollingDsoOut(BaseModel):
    as_of: date
    currency: str
    window_days: int
    benchmark: DecimalAmount
    points: list[DsoPointOut]
    above_benchmark: bool | None
    largest_late_payers: list[LatePayerOut]
    largest_late_payers_share: DecimalAmount | None
    largest_late_payers_dso_days: DecimalAmount | None


class CeiOut(BaseModel):
    month: str
    currency: str
    opening: DecimalAmount
    credit_sales: DecimalAmount
    closing: DecimalAmount
    closing_current: DecimalAmount
    cei: DecimalAmount | None


class ProvisionSlabOut(BaseModel):
    bucket: str
    open: DecimalAmount
    rate: DecimalAmount
    provision: DecimalAmount
    exposure: DecimalAmount | None = None
    losses: DecimalAmount | None = None


class AdequacyOut(BaseModel):
    current: DecimalAmount
    required: DecimalAmount
    shortfall: DecimalAmount
    adequate: bool
    proposed_rate: DecimalAmount | None
    impact: DecimalAmount


class ProvisionOut(BaseModel):
    as_of: date
    currency: str
    method: Literal["flat", "matrix", "ecl"]
    open: DecimalAmount
    provision: DecimalAmount
    rate: DecimalAmount | None
    slabs: list[ProvisionSlabOut]
    written_off_12m: DecimalAmount
    coverage: DecimalAmount | None
    adequacy: AdequacyOut
    lookback_months: int | None


class SummaryRowOut(BaseModel):
    region: str
    product_line: str
    customer_type: str
    balance: DecimalAmount
    overdue: DecimalAmount
    overdue_rate: DecimalAmount | None
    collected: DecimalAmount
    to_collect: DecimalAmount
    collection_progress: DecimalAmount | None
    rag: Literal["green", "amber", "red"]


class SummaryOut(BaseModel):
    as_of: date
    currency: str
    period_start: date
    rows: list[SummaryRowOut]
    total: SummaryRowOut


class SalespersonOut(BaseModel):
    salesperson: str
    team: str | None
    collected: DecimalAmount
    to_collect: DecimalAmount
    collection_rate: DecimalAmount | None
    target: DecimalAmount
    met: bool | None
    written_off: DecimalAmount
    bad_debt_share: DecimalAmount
    bad_debt_charged: DecimalAmount


class SalespeopleOut(BaseModel):
    start: date
    end: date
    currency: str
    period: Literal["quarter", "year", "custom"]
    salespeople: list[SalespersonOut]
    teams: list[SalespersonOut]


class WarningOut(BaseModel):
    signal: Literal["overdue_beyond_limit", "grade_downgrade", "overdue_share", "buying_more_paying_slower"]
    customer_id: str | None
    detail: str
    amount: DecimalAmount | None = None
    since: date | None = None


class WarningsOut(BaseModel):
    as_of: date
    currency: str
    counts: dict[str, int]
    warnings: list[WarningOut]


class DisputeCategoryOut(BaseModel):
    category: str
    count: int
    amount: DecimalAmount
    open: int
    resolved: int
    outcomes: dict[str, int]
    average_days_to_resolve: DecimalAmount | None


class DisputesOut(BaseModel):
    start: date
    end: date
    currency: str
    categories: list[DisputeCategoryOut]
    frequent: list[str]


class BehaviourOut(BaseModel):
    customer_id: str
    name: str | None
    payments: int
    paid: DecimalAmount
    average_payment: DecimalAmount | None
    cycle_days: DecimalAmount | None
    days_late: DecimalAmount | None
    methods: dict[str, DecimalAmount]
    trend: Literal["slower", "faster", "steady", "unknown"]


class BehaviourPage(BaseModel):
    start: date
    end: date
    currency: str
    items: list[BehaviourOut]
    total: int
    offset: int
    limit: int


class MonthEndPackOut(BaseModel):
    pack_id: str
    as_of: date
    period: str
    status: str
    requested_by: str
    requested_at: Timestamp
    completed_at: Timestamp | None
    error: str | None


class MonthEndPackPage(BaseModel):
    items: list[MonthEndPackOut]
    total: int
    offset: int
    limit: int
