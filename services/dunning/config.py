"""Dunning's business configuration (env prefix AR_DUNNING_), read once by bootstrap.
Lists are JSON in the environment, e.g.
`AR_DUNNING_ASSIGNMENT_RULES='[{"collector": "wang", "region": "East"}]'`. The channels
(SMTP, SMS webhook, company details) have their own settings: channels.load_channel_config."""
from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.dunning.domain.worklist import AssignmentRule


class AssignmentRuleIn(BaseModel):
    collector: str = Field(min_length=1, max_length=100)
    region: str | None = Field(None, max_length=100)
    salesperson: str | None = Field(None, max_length=100)
    min_amount: Decimal = Field(Decimal(0), ge=0)


class DunningConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AR_DUNNING_", env_file=None, extra="ignore")

    default_policy: str = Field("default", max_length=100, description="the policy of customers no other matches")
    promise_grace_days: int = Field(3, ge=0, le=60, description="days after a promise's date before it is broken")
    plan_grace_days: int = Field(5, ge=0, le=60, description="days after an instalment's date before a breach")
    demand_pay_by_days: int = Field(10, ge=1, le=90, description="the demand letter's pay-by deadline (001)")
    blacklist_after_items: int | None = Field(
        3, ge=1, le=100, description="ask credit to blacklist a customer with this many items 90+ days overdue "
                                     "(003); none: never")
    assignment_rules: list[AssignmentRuleIn] = Field(default_factory=list, max_length=1000)
    job_interval_seconds: float = Field(3600, gt=0, description="how often the ladder job runs (it acts once a "
                                                                "business day per step)")
    delivery_interval_seconds: float = Field(5, gt=0, description="how often the dispatcher sends queued messages")
    batch_size: int = Field(1000, ge=1, le=10_000, description="cases per transaction of the ladder job")
    delivery_batch: int = Field(200, ge=1, le=5000, description="messages claimed per dispatcher round")
    delivery_concurrency: int = Field(16, ge=1, le=256, description="messages being sent at once (the SMTP "
                                                                   "pool's connections are shared by them)")
    max_attempts: int = Field(8, ge=1, le=50, description="deliveries tried before a message is failed")

    def rules(self) -> list[AssignmentRule]:
        return [AssignmentRule(r.collector, r.region, r.salesperson, r.min_amount) for r in self.assignment_rules]
