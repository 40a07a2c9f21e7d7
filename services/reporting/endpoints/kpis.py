"""DSO and its family, the rolling curve, CEI, the three-dimension summary."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from services.reporting import views
from services.reporting.auth import Reader
from services.reporting.deps import Deps
from services.reporting.endpoints.params import AsOf, Currency, Month
from services.reporting.schemas import CeiOut, DsoOut, RollingDsoOut, SummaryOut
from shared.problems import problem_responses
from shared.runtime import Uow

router = APIRouter(tags=["kpis"], responses=problem_responses(401, 403, 422))


@router.get("/dso", response_model=DsoOut, summary="DSO (standard or countback), best possible DSO, ADD, "
                                                   "AR turnover, overdue ratio")
async def dso(deps: Deps, uow: Uow, ctx: Reader, as_of: AsOf = None,
              window_days: Annotated[int | None, Query(ge=1, le=3660)] = None,
              method: Literal["standard", "countback"] = "standard", currency: Currency = None) -> DsoOut:
    return DsoOut.model_validate(await views.dso(deps, uow, ctx, as_of=as_of, window_days=window_days,
                                                 method=method, currency=currency))


@router.get("/dso/rolling", response_model=RollingDsoOut,
            summary="The DSO curve at each month end against the benchmark, and the largest late payers' share")
async def dso_rolling(deps: Deps, uow: Uow, ctx: Reader, as_of: AsOf = None,
                      months: Annotated[int, Query(ge=1, le=36)] = 12, currency: Currency = None) -> RollingDsoOut:
    return RollingDsoOut.model_validate(await views.dso_rolling(deps, uow, ctx, as_of=as_of, months=months,
                                                                currency=currency))


@router.get("/cei", response_model=CeiOut, summary="Collection effectiveness index of a month")
async def cei(deps: Deps, uow: Uow, ctx: Reader, month: Month, currency: Currency = None) -> CeiOut:
    return CeiOut.model_validate(await views.cei(deps, uow, ctx, month=month, currency=currency))


@router.get("/summary", response_model=SummaryOut,
            summary="Region × product line × customer type: balance, overdue rate, collection progress, RAG")
async def summary(deps: Deps, uow: Uow, ctx: Reader, as_of: AsOf = None, currency: Currency = None) -> SummaryOut:
    return SummaryOut.model_validate(await views.summary(deps, uow, ctx, as_of=as_of, currency=currency))
