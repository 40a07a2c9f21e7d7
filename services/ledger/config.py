"""The ledger's business configuration (env prefix AR_LEDGER_), validated at start-up.

Lists are JSON in the environment, e.g. AR_LEDGER_THRESHOLDS='[-7,-3,1,7,15,30,60,90,180]'.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cached_property

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.ledger.domain.aging import AgingBuckets
from services.ledger.domain.invoices import LargeOrderAction, LargeOrderPolicy
from services.ledger.domain.late_fees import AccrualBasis, LateFeePolicy
from services.ledger.domain.receivable_class import ClassThresholds
from services.ledger.domain.sweep import DEFAULT_THRESHOLDS, validate_thresholds
from services.ledger.domain.working_days import WorkCalendar


class LedgerConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AR_LEDGER_", env_file=None, extra="ignore", frozen=True)

    # The aging clock: days relative to the due date (negative = before due), increasing.
    # Changing the ladder of a running ledger needs a re-index of last_threshold_index.
    thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS
    # At least daily. Hourly by default: a re-run the same day costs one empty index scan,
    # and the job runner waits one interval after start-up before the first run, so a
    # daily interval would delay the sweep by up to a day after every restart.
    sweep_interval_seconds: float = Field(3_600, ge=0, description="0 disables the scheduled sweep")
    sweep_chunk_size: int = Field(20_000, ge=100, le=200_000)
    gauge_interval_seconds: float = Field(60, ge=0, description="how often the parked-payment gauges are read; "
                                                                "0 disables")

    # Receivable classes (first day overdue of each class) and aging buckets.
    class_in_collection_from: int = 1
    class_quasi_doubtful_from: int = 181
    class_doubtful_from: int = 366
    class_dead_from: int = 731
    aging_bounds: tuple[int, ...] = (0, 30, 60, 90)

    # Late fees / interest: computed on demand, never booked here.
    late_fee_daily_rate: Decimal = Decimal("0.0005")
    late_fee_grace_days: int = Field(0, ge=0)
    late_fee_basis: AccrualBasis = AccrualBasis.SEGMENTED
    late_fee_cap_rate: Decimal | None = None

    # Disputes: fact-finding within N working days on China's public calendar (holidays off,
    # make-up working days 调休 on); `holidays` and `extra_workdays` add a company's own days
    # off and on, or a year the calendar package does not cover yet.
    dispute_working_days: int = Field(15, ge=1, le=120)
    official_calendar: bool = Field(True, description="China's public holidays; false: weekends only")
    holidays: tuple[date, ...] = ()
    extra_workdays: tuple[date, ...] = ()

    # Large orders (seed 000): in instalments, the first at least N % (refuse, or book and flag).
    large_order_thresholds: dict[str, Decimal] = Field(default_factory=lambda: {"CNY": Decimal(1_000_000)},
                                                       description="currency -> the smallest large invoice")
    large_order_min_down_percent: Decimal = Field(Decimal(30), ge=0, le=100)
    large_order_action: LargeOrderAction = LargeOrderAction.FLAG

    # How far after today a business date may be: money moves when it moves (a payment dated
    # next month is a typing error), with a day of tolerance for time zones; an invoice may be
    # issued ahead for paperwork prepared before the shipment.
    future_days: int = Field(1, ge=0, le=31, description="payments, credit notes, refunds, disputes, "
                                                        "write-offs, aging sweeps")
    invoice_future_days: int = Field(31, ge=0, le=366)

    # Write-offs: a bad debt is confirmed by its age or by a documented cause (bankruptcy, ...).
    write_off_min_overdue_days: int = Field(180, ge=0, le=3650)

    # Bulk import limits.
    import_max_rows: int = Field(200_000, ge=1)
    import_max_bytes: int = Field(50 * 1024 * 1024, ge=1024)

    @field_validator("thresholds")
    @classmethod
    def _ladder(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        return validate_thresholds(value)

    @field_validator("late_fee_daily_rate", "late_fee_cap_rate", "large_order_min_down_percent", mode="before")
    @classmethod
    def _no_float(cls, value):
        if isinstance(value, float):
            raise ValueError("give rates as decimal strings, e.g. \"0.0005\"")
        return value

    @cached_property
    def class_thresholds(self) -> ClassThresholds:
        return ClassThresholds(self.class_in_collection_from, self.class_quasi_doubtful_from,
                               self.class_doubtful_from, self.class_dead_from)

    @cached_property
    def buckets(self) -> AgingBuckets:
        return AgingBuckets(self.aging_bounds)

    @field_validator("large_order_thresholds", mode="before")
    @classmethod
    def _no_float_amounts(cls, value):
        if isinstance(value, dict) and any(isinstance(v, float) for v in value.values()):
            raise ValueError("give amounts as decimal strings, e.g. {\"CNY\": \"1000000\"}")
        return value

    @cached_property
    def large_orders(self) -> LargeOrderPolicy:
        return LargeOrderPolicy(dict(self.large_order_thresholds), self.large_order_min_down_percent,
                                self.large_order_action)

    @cached_property
    def work_calendar(self) -> WorkCalendar:
        return WorkCalendar.of(self.holidays, self.extra_workdays, official=self.official_calendar)

    @cached_property
    def late_fee_policy(self) -> LateFeePolicy:
        return LateFeePolicy(self.late_fee_daily_rate, self.late_fee_grace_days, self.late_fee_cap_rate,
                             None, self.late_fee_basis)


def load_config(**overrides) -> LedgerConfig:
    """Read once, at start-up (bootstrap.dependencies); the derived policies are built now so
    a bad value stops the start, not the first request that needs it."""
    config = LedgerConfig(**overrides)
    config.class_thresholds, config.buckets, config.late_fee_policy, config.large_orders, config.work_calendar
    return config
