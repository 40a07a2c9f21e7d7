"""Dunning HTTP API (under /dunning/v1)."""
from __future__ import annotations

from fastapi import APIRouter, Query

from services.dunning import views
from services.dunning.auth import Reader
from services.dunning.deps import Deps
from services.dunning.schemas import CaseOut
from shared.problems import problem_responses
from shared.runtime import Uow
from shared.wire import OffsetQuery

router = APIRouter(tags=["cases"], responses=problem_responses(401, 403))


@router.get("/cases", response_model=list[CaseOut], summary="Collection cases, most overdue first")
async def list_cases(deps: Deps, uow: Uow, ctx: Reader, limit: int = Query(50, ge=1, le=500),
                     offset: OffsetQuery = 0) -> list[CaseOut]:
    return [CaseOut.model_validate(c) for c in await views.cases(deps, uow, ctx, limit, offset)]


@router.get("/cases/{customer_id}", response_model=CaseOut, summary="One customer's case and its overdue items",
            responses=problem_responses(404))
async def get_case(customer_id: str, deps: Deps, uow: Uow, ctx: Reader) -> CaseOut:
    return CaseOut.model_validate(await views.case(deps, uow, ctx, customer_id))
