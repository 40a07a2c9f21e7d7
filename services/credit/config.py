"""Credit's business configuration (env prefix AR_CREDIT_), mapped into the domain's policy
objects once at start-up (`CreditPolicy`, kept in `runtime.state["credit"]`).

Mappings and lists are JSON in the environment, e.g.
`AR_CREDIT_LIMIT_FACTORS='{"A": "1.5", "B": "1.2", "C": "1.0", "D": "0.5"}'`.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Mapping

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.credit.domain.approvals import ApplicationKind, ApprovalChain, chains_from
from services.credit.domain.check import CheckDecision, CheckPolicy
from services.credit.domain.exposure import ExposurePolicy, ReleaseMode
from services.credit.domain.grade_scale import (
    FIVE_LEVEL_SCALE, FOUR_LEVEL_SCALE, THREE_LEVEL_SCALE, GradeScale,
)
from services.credit.domain.grading import DowngradeMode, GradingPolicy
from services.credit.domain.holds import HoldPolicy
from services.credit.domain.limits import LimitBasis, LimitPolicy
from services.credit.domain.rerating import ReratingPolicy, VisitPolicy, VisitRule
from services.credit.domain.scorecard import (
    DEFAULT_SCORECARD, PURCHASES, REPAYMENT, Criterion, CriterionSource, Scorecard,
)
from services.credit.domain.subscores import PurchasesPolicy, RepaymentPolicy
from services.credit.domain import roles
from shared.money import Money, exponent

SCALES: dict[str, GradeScale] = {"A-E": FIVE_LEVEL_SCALE, "A-D": FOUR_LEVEL_SCALE, "A-C": THREE_LEVEL_SCALE}
_DEFAULT_ENTERED = {c.id: c.weight for c in DEFAULT_SCORECARD.entered}


class CreditConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AR_CREDIT_", env_file=None, extra="ignore")

    base_currency: str = Field("CNY", description="currency of new credit files and of the purchase bands")
    state_cache_entries: int = Field(50_000, ge=0, description="customers whose credit state the check keeps in "
                                                              "memory (PostgreSQL); 0: read it on every check")
    # scorecard (002 §7): computed weights + entered criteria, summing to 100
    repayment_weight: int = Field(40, ge=1)
    purchases_weight: int = Field(30, ge=1)
    entered_criteria: dict[str, int] = Field(default_factory=lambda: dict(_DEFAULT_ENTERED))
    written_off_repayment_max_percent: Decimal = Field(
        Decimal(75), ge=0, le=100, description="the highest repayment score (% of its weight) while a write-off is "
                                               "in the window: below the A floor by default")
    grade_scale: Literal["A-E", "A-D", "A-C"] = "A-E"
    downgrade_mode: DowngradeMode = DowngradeMode.ONE_LEVEL
    new_customer_months: int = Field(12, ge=0)
    broken_promises_red_flag: int | None = Field(3, ge=1, description="None: only a person reports it")
    # limits and terms (002 §2(2))
    limit_factors: dict[str, Decimal] = Field(default_factory=lambda: {
        "A": Decimal("1.5"), "B": Decimal("1.2"), "C": Decimal("1.0"), "D": Decimal("0.5")})
    terms_days: dict[str, int] = Field(default_factory=lambda: {"A": 30, "B": 30, "C": 15, "D": 7})
    max_term_days: int = Field(30, ge=0)
    limit_basis: Literal["previous_year", "rolling_12_months"] = Field(
        "previous_year", description="the sales a suggested limit averages: the whole previous calendar year "
                                     "(002 §2(2)) or the last 12 months")
    limit_rounding_step: Decimal = Field(Decimal(1000), gt=0)
    # approval chains per application kind (domain.approvals: seed 002's defaults), e.g.
    # {"limit": {"submitters": ["sales_manager"], "steps": ["finance", "general_manager"]}}
    approval_chains: dict[str, dict] = Field(default_factory=dict)
    # holds and blacklist
    hold_threshold_days: int = Field(30, ge=1)
    blacklist_after: int | None = Field(3, ge=1, description="overdue holds in the window; None: never")
    blacklist_window_months: int = Field(12, ge=1)
    # the check
    over_limit_tolerance_percent: Decimal = Field(Decimal(10), ge=0, le=100)
    overdue_review_after_days: int = Field(0, ge=0)
    overdue_reject_after_days: int | None = Field(None, ge=0)
    term_exceeds_decision: Literal["review", "reject"] = Field(
        "review", description="an order asking for a longer term than approved")
    reservation_days: int = Field(30, ge=1)
    reservation_release: ReleaseMode = ReleaseMode.FULL
    # exposure composition
    exposure_include_reservations: bool = True
    exposure_include_disputed: bool = True
    # re-rating and visits (002 §2(4))
    rerating_month: int = Field(7, ge=1, le=12)
    rerating_day: int = Field(1, ge=1, le=28)
    visit_sales_manager_limit: Decimal = Decimal(30000)
    visit_department_head_limit: Decimal = Decimal(50000)
    visit_min_term_days: int = 30
    # dates a person enters (an assessment's as_of, a visit) may be this many days after today
    future_days: int = Field(1, ge=0, le=31)
    # the scheduled job (re-rating cycle, reservation expiry); 0 disables it
    job_interval_seconds: float = Field(3600.0, ge=0)

    @field_validator("approval_chains")
    @classmethod
    def _chains(cls, value: dict[str, dict]) -> dict[str, dict]:
        chains_from(value)  # a kind, roles or a chain that is not one: refused at start-up
        return value

    @field_validator("base_currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        exponent(value.upper())
        return value.upper()


@dataclass(frozen=True)
class CreditPolicy:
    """Every domain policy object, built once from the configuration."""

    config: CreditConfig
    grading: GradingPolicy
    repayment: RepaymentPolicy
    purchases: PurchasesPolicy
    limits: LimitPolicy
    holds: HoldPolicy
    check: CheckPolicy
    exposure: ExposurePolicy
    rerating: ReratingPolicy
    visits: VisitPolicy
    chains: Mapping[ApplicationKind, ApprovalChain]

    @property
    def scale(self) -> GradeScale:
        return self.grading.scale

    @property
    def currency(self) -> str:
        return self.config.base_currency


def scorecard_from(config: CreditConfig) -> Scorecard:
    base = {c.id: c for c in DEFAULT_SCORECARD.criteria}
    criteria = [
        Criterion(REPAYMENT, base[REPAYMENT].label_zh, config.repayment_weight, CriterionSource.COMPUTED,
                  base[REPAYMENT].description),
        Criterion(PURCHASES, base[PURCHASES].label_zh, config.purchases_weight, CriterionSource.COMPUTED,
                  base[PURCHASES].description),
    ]
    for cid, weight in config.entered_criteria.items():
        known = base.get(cid)
        criteria.append(Criterion(cid, known.label_zh if known else cid, weight, CriterionSource.ENTERED,
                                  known.description if known else ""))
    return Scorecard(tuple(criteria))


def build_policy(config: CreditConfig | None = None) -> CreditPolicy:
    config = config or CreditConfig()
    scale = SCALES[config.grade_scale]
    grading = GradingPolicy(scorecard=scorecard_from(config), scale=scale,
                            downgrade_mode=config.downgrade_mode,
                            new_customer_months=config.new_customer_months,
                            broken_promises_red_flag=config.broken_promises_red_flag)
    limits = LimitPolicy(factors=dict(config.limit_factors), terms_days=dict(config.terms_days),
                         max_term_days=config.max_term_days, rounding_step=config.limit_rounding_step,
                         basis=LimitBasis(config.limit_basis))
    holds = HoldPolicy(overdue_threshold_days=config.hold_threshold_days,
                       blacklist_after=config.blacklist_after,
                       blacklist_window_months=config.blacklist_window_months)
    check = CheckPolicy(over_limit_tolerance=config.over_limit_tolerance_percent / 100,
                        overdue_review_after_days=config.overdue_review_after_days,
                        overdue_reject_after_days=config.overdue_reject_after_days,
                        override_roles=frozenset({roles.FINANCE, roles.GENERAL_MANAGER}),
                        reservation_days=config.reservation_days, scale=scale,
                        term_exceeds_decision=CheckDecision(config.term_exceeds_decision))
    exposure = ExposurePolicy(include_reservations=config.exposure_include_reservations,
                              include_disputed=config.exposure_include_disputed)
    cur = config.base_currency
    visits = VisitPolicy(rules=(
        VisitRule(Money.of(config.visit_sales_manager_limit, cur), config.visit_min_term_days,
                  (roles.SALES_MANAGER,)),
        VisitRule(Money.of(config.visit_department_head_limit, cur), config.visit_min_term_days,
                  (roles.SALES_MANAGER, roles.DEPARTMENT_HEAD)),
    ))
    return CreditPolicy(config=config, grading=grading, repayment=RepaymentPolicy(
                            written_off_max_fraction=config.written_off_repayment_max_percent / 100),
                        purchases=PurchasesPolicy(currency=cur),
                        limits=limits, holds=holds, check=check, exposure=exposure,
                        rerating=ReratingPolicy(config.rerating_month, config.rerating_day), visits=visits,
                        chains=chains_from(config.approval_chains))
