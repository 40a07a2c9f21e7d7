"""Credit sales and cash received per day."""
from __future__ import annotations

from fastapi import APIRouter

from services.reporting import views
from services.reporting.auth import Reader
from services.reporting.deps import Deps
from services.reporting.endpoints.params import From, To
from services.reporting.schemas import DayActivityOut
from shared.problems import problem_responses
from shared.runtime import Uow

router = APIRouter(tags=["activity"], responses=problem_responses(401, 403, 422))


@router.get("/activity", response_model=list[DayActivityOut],
            summary="Credit sales and cash received per day (by effective date)")
async def activity(deps: Deps, uow: Uow, ctx: Reader, start: From, end: To) -> list[DayActivityOut]:
    return [DayActivityOut(**row) for row in await views.activity(deps, uow, ctx, start, end)]
