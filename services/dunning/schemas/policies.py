"""Policies (ladders) and phone scripts."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from services.dunning.domain.policies import ACTIONS, PERFORMERS
from services.dunning.schemas.common import Day, StepKey, Strict
from shared.money import DecimalAmount
from shared.wire import AmountIn, CurrencyIn, Text


class StepIn(Strict):
    key: StepKey
    day: Day = Field(description="days from the due date; negative = before due")
    action: Literal[ACTIONS] = Field(description="the action and its channel")  # type: ignore[valid-type]
    performer: Literal[PERFORMERS] = "system"  # type: ignore[valid-type]
    template: Text(50, 1) | None = None
    script_level: Annotated[StrictInt, Field(ge=1, le=3)] | None = None
    min_amount: AmountIn = Field("0", description="below it the step is skipped", validate_default=True)
    day_established: Day | None = Field(None, description="the day for established customers in good standing")
    optional: StrictBool = Field(False, description="never run by the ladder, only asked for")


class PolicyIn(Strict):
    description: Text(500) = ""
    grades: list[Annotated[str, Field(pattern=r"^[A-Z]$")]] = Field(default_factory=list, max_length=10)
    segments: list[Text(100, 1)] = Field(default_factory=list, max_length=20)
    currency: CurrencyIn = "CNY"
    steps: list[StepIn] = Field(min_length=1, max_length=30)
    migrate_running_cases: StrictBool = Field(False, description="move the open cases on older versions to this one")


class StepOut(BaseModel):
    key: str
    day: int
    action: str
    performer: str
    template: str | None
    script_level: int | None
    min_amount: DecimalAmount
    day_established: int | None
    optional: bool


class PolicyOut(BaseModel):
    name: str
    version: int
    description: str
    grades: list[str]
    segments: list[str]
    currency: str
    steps: list[StepOut]


class ScriptIn(Strict):
    zh_cn: Text(4000, 1) = Field(alias="zh-CN")
    en: Text(4000, 1)
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ScriptOut(BaseModel):
    level: int
    zh_cn: str = Field(serialization_alias="zh-CN")
    en: str
    updated_by: str
