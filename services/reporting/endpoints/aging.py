"""Aging as of any date."""
from __future__ import annotations

from fastapi import APIRouter

from services.reporting import views
from services.reporting.auth import Reader
from services.reporting.deps import Deps
from services.reporting.endpoints.params import AsOf, Basis, Buckets, Currency, GroupBy, Limit
from services.reporting.schemas import AgingOut
from shared.problems import problem_responses
from shared.runtime import Uow
from shared.wire import OffsetQuery

router = APIRouter(tags=["aging"], responses=problem_responses(401, 403, 422))


@router.get("/aging", response_model=AgingOut, summary="Aging (账龄) as of any date, by any dimension",
            description="Open amounts per group and slab on `as_of`; disputed amounts apart; one currency.")
async def aging(deps: Deps, uow: Uow, ctx: Reader, as_of: AsOf = None, group_by: GroupBy = "customer",
                basis: Basis = "due_date", buckets: Buckets = None, currency: Currency = None,
                limit: Limit = None, offset: OffsetQuery = 0) -> AgingOut:
    return AgingOut.model_validate(await views.aging(deps, uow, ctx, as_of=as_of, group_by=group_by, basis=basis,
                                                     buckets=buckets, currency=currency, offset=offset,
                                                     limit=limit))
