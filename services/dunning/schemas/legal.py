"""Legal cases."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt

from services.dunning.domain.legal import EVIDENCE, STAGES
from services.dunning.schemas.common import Strict
from shared.money import DecimalAmount
from shared.wire import AmountIn, DateIn, Text, Timestamp


class LegalIn(Strict):
    kind: Literal["litigation", "agency"] = "litigation"
    counsel: Text(200) | None = None


class AssessmentIn(Strict):
    estimated_cost: AmountIn
    expected_recovery_percent: Annotated[StrictInt, Field(ge=0, le=100)]


class LegalPatch(Strict):
    stage: Literal[STAGES] | None = None  # type: ignore[valid-type]
    court_case_number: Text(100) | None = None
    counsel: Text(200) | None = None
    risk_view: Text(2000) | None = None
    property_preservation: StrictBool | None = None
    costs: AmountIn | None = None
    expected_close_on: DateIn | None = None
    outcome: Text(2000) | None = None
    evidence: list[Literal[EVIDENCE]] | None = Field(None, max_length=len(EVIDENCE))  # type: ignore[valid-type]
    assessment: AssessmentIn | None = None


class LegalOut(BaseModel):
    legal_case_id: str
    case_id: str
    customer_id: str
    kind: str
    stage: str
    claim: DecimalAmount
    currency: str
    court_case_number: str | None
    counsel: str | None
    risk_view: str | None
    property_preservation: bool
    costs: DecimalAmount
    estimated_cost: DecimalAmount | None
    expected_recovery_percent: int | None
    worth_suing: bool | None
    expected_close_on: date | None
    outcome: str | None
    evidence: list[str]
    missing_evidence: list[str]
    opened_on: date
    closed_on: date | None
    updated_at: Timestamp


class LegalPage(BaseModel):
    items: list[LegalOut]
    total: int
    limit: int
    offset: int
