"""Reporting's configuration (env prefix AR_REPORTING_), validated at start-up. Rates are
decimal strings, never floats; lists and maps are JSON in the environment, e.g.
AR_REPORTING_AGING_BOUNDS='[30,60,90,180]'."""
from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.reporting.domain.aging import DEFAULT_BOUNDS, check_bounds
from shared.errors import RuleError

_RATE = dict(ge=0, le=1)


class ReportingConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AR_REPORTING_", env_file=None, extra="ignore", frozen=True)

    default_currency: str = Field("CNY", min_length=3, max_length=3)
    # Aging: the slabs' upper bounds in days (current, 1–30, …, 181+).
    aging_bounds: tuple[int, ...] = DEFAULT_BOUNDS
    max_range_days: int = Field(366, ge=1, le=3660, description="the longest from..to a report accepts")
    max_rows: int = Field(5_000, ge=10, le=100_000, description="the most rows one page of a report holds")

    # DSO: the window of the standard DSO; the rolling curve's benchmark (an industry figure);
    # how many of the largest late payers the curve names.
    dso_window_days: int = Field(90, ge=1, le=366)
    dso_benchmark_days: Decimal = Field(Decimal(60), ge=0, le=3650)
    largest_late_payers: int = Field(10, ge=1, le=100)

    # RAG flags of the three-dimension summary: overdue rate at or above amber/red; collection
    # progress (collection rate month to date) below amber/red.
    rag_overdue_amber: Decimal = Field(Decimal("0.10"), **_RATE)
    rag_overdue_red: Decimal = Field(Decimal("0.20"), **_RATE)
    rag_progress_amber: Decimal = Field(Decimal("0.80"), **_RATE)
    rag_progress_red: Decimal = Field(Decimal("0.60"), **_RATE)

    # Provisions (seed 000: 5–10 % flat); the matrix's rate per aging slab (current, each
    # bound, the oldest); ECL's look-back in months.
    provision_flat_rate: Decimal = Field(Decimal("0.05"), **_RATE)
    provision_matrix_rates: tuple[Decimal, ...] = (Decimal("0.01"), Decimal("0.03"), Decimal("0.10"),
                                                  Decimal("0.20"), Decimal("0.50"), Decimal("1"))
    ecl_lookback_months: int = Field(24, ge=1, le=120)

    # Sales accountability (seed 000): collection-rate targets per quarter and per year, the
    # salesperson's share of bad debts on their customers (20–50 %), teams.
    target_quarter: Decimal = Field(Decimal("0.90"), **_RATE)
    target_year: Decimal = Field(Decimal("0.95"), **_RATE)
    targets: dict[str, Decimal] = Field(default_factory=dict, description="salesperson -> own target rate")
    bad_debt_share: Decimal = Field(Decimal("0.30"), ge=Decimal("0.20"), le=Decimal("0.50"))
    teams: dict[str, str] = Field(default_factory=dict, description="salesperson -> team")

    # Warning signals (seeds 001, 000).
    warn_overdue_days: int = Field(90, ge=1, le=3650)
    warn_overdue_share: Decimal = Field(Decimal("0.50"), **_RATE)
    warn_downgrade_days: int = Field(30, ge=1, le=366, description="how long a downgrade stays a signal")
    warn_window_days: int = Field(90, ge=7, le=366, description="buying more, paying slower: this window "
                                                                 "against the one before")
    warn_sales_growth: Decimal = Field(Decimal("0.20"), ge=0, le=100)
    warn_slower_days: int = Field(5, ge=0, le=365)
    gauge_interval_seconds: float = Field(300, ge=0, description="how often the warning gauges are refreshed; "
                                                                 "0 disables")

    # Month-end packs (docs/reporting-outputs.md): the scheduled one from this day of the next month.
    pack_day: int = Field(5, ge=1, le=31, description="the day of the month the previous month end's pack is due")
    pack_language: Literal["zh-CN", "en"] = Field("zh-CN", description="the packs' titles and sheet names")
    pack_interval_seconds: float = Field(60, ge=0, description="how often the pack job runs; 0 disables")
    pack_stale_seconds: int = Field(900, ge=60, le=86_400, description="a build older than this was abandoned")

    @field_validator("provision_flat_rate", "provision_matrix_rates", "rag_overdue_amber", "rag_overdue_red",
                     "rag_progress_amber", "rag_progress_red", "target_quarter", "target_year", "bad_debt_share",
                     "warn_overdue_share", "warn_sales_growth", "dso_benchmark_days", "targets", mode="before")
    @classmethod
    def _no_float(cls, value):
        values = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else [value]
        if any(isinstance(v, float) for v in values):
            raise ValueError("give rates as decimal strings, e.g. \"0.05\"")
        return value

    @field_validator("aging_bounds")
    @classmethod
    def _bounds(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        try:
            return check_bounds(value, "aging_bounds")
        except RuleError as e:
            raise ValueError(e.detail) from None

    @model_validator(mode="after")
    def _consistent(self) -> "ReportingConfig":
        if len(self.provision_matrix_rates) != len(self.aging_bounds) + 2:
            raise ValueError("provision_matrix_rates needs one rate per aging slab: current, then one per bound and the last (len(aging_bounds) + 2)")
        if any(not Decimal(0) <= r <= Decimal(1) for r in (*self.provision_matrix_rates, *self.targets.values())):
            raise ValueError("rates run from 0 to 1")
        if self.rag_overdue_red < self.rag_overdue_amber or self.rag_progress_red > self.rag_progress_amber:
            raise ValueError("the red thresholds lie beyond the amber ones")
        return self


def load_config(**overrides) -> ReportingConfig:
    """Read once, at start-up (bootstrap.dependencies): a bad value stops the start."""
    return ReportingConfig(**overrides)
