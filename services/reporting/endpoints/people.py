"""Salespeople, payment behaviour, warning signals, disputes by category."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.reporting import views
from services.reporting.auth import Reader
from services.reporting.deps import Deps
from services.reporting.endpoints.params import AsOf, Currency, From, To
from services.reporting.schemas import BehaviourPage, DisputesOut, SalespeopleOut, WarningsOut
from shared.ids import IdQuery
from shared.problems import problem_responses
from shared.runtime import Uow
from shared.wire import OffsetQuery

router = APIRouter(tags=["people and signals"], responses=problem_responses(401, 403, 422))


@router.get("/salespeople", response_model=SalespeopleOut,
            summary="Collection rate (回款率) per salesperson and team against targets; their share of bad debts")
async def salespeople(deps: Deps, uow: Uow, ctx: Reader, start: From, end: To,
                      currency: Currency = None) -> SalespeopleOut:
    return SalespeopleOut.model_validate(await views.salespeople(deps, uow, ctx, start=start, end=end,
                                                                 currency=currency))


@router.get("/payment-behaviour", response_model=BehaviourPage,
            summary="Each customer's payment cycle, amounts, methods and trend")
async def payment_behaviour(deps: Deps, uow: Uow, ctx: Reader, start: From, end: To, customer_id: IdQuery = None,
                            currency: Currency = None, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                            offset: OffsetQuery = 0) -> BehaviourPage:
    return BehaviourPage.model_validate(await views.payment_behaviour(
        deps, uow, ctx, start=start, end=end, customer_id=customer_id, currency=currency, offset=offset,
        limit=limit))


@router.get("/warnings", response_model=WarningsOut, summary="Warning signals (also as Prometheus gauges)")
async def warnings(deps: Deps, uow: Uow, ctx: Reader, as_of: AsOf = None, currency: Currency = None) -> WarningsOut:
    return WarningsOut.model_validate(await views.warnings(deps, uow, ctx, as_of=as_of, currency=currency))


@router.get("/disputes", response_model=DisputesOut, summary="Disputes by category; the frequent types")
async def disputes(deps: Deps, uow: Uow, ctx: Reader, start: From, end: To, currency: Currency = None) -> DisputesOut:
    return DisputesOut.model_validate(await views.disputes(deps, uow, ctx, start=start, end=end, currency=currency))
