"""What every dunning schema module shares: path and paging parameters, strict bodies."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from shared.ids import id_path

CustomerIdPath = id_path("the customer's id")
CaseIdPath = id_path("the collection case's id")
LegalCaseIdPath = id_path("the legal case's id")
ActionIdPath = id_path("the action's id")
PolicyNamePath = id_path("the policy's name")
Limit = Annotated[int, Query(ge=1, le=500, description="at most 500 per page")]
Language = Literal["zh-CN", "en"]
StepKey = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_]*$")]
Day = Annotated[StrictInt, Field(ge=-60, le=3650)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
