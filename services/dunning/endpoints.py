"""Dunning HTTP API (under /dunning/v1)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.dunning import repository
from services.dunning.schemas import CaseOut, OverdueItemOut
from shared.auth import Principal, require_roles
from shared.errors import NotFound, problem_responses
from shared.money import from_minor

router = APIRouter(tags=["cases"], responses=problem_responses(401, 403))
Reader = Annotated[Principal, require_roles("collector", "legal", "finance", "sales_manager", "auditor")]


@router.get("/cases", response_model=list[CaseOut], summary="Collection cases, most overdue first")
async def list_cases(request: Request, _: Reader, limit: int = Query(50, ge=1, le=500),
                     offset: int = Query(0, ge=0)) -> list[CaseOut]:
    async with request.app.state.runtime.uow() as uow:
        cases = await repository.list_cases(uow, limit, offset)
    return [CaseOut.model_validate(c, from_attributes=True) for c in cases]


@router.get("/cases/{customer_id}", response_model=CaseOut, summary="One customer's case and its overdue items",
            responses=problem_responses(404))
async def get_case(customer_id: str, request: Request, _: Reader) -> CaseOut:
    async with request.app.state.runtime.uow() as uow:
        case = await repository.get_case(uow, customer_id)
        if case is None:
            raise NotFound(f"no collection case for customer {customer_id!r}")
        items = await repository.items_of(uow, customer_id)
    out = CaseOut.model_validate(case, from_attributes=True)
    out.items = [OverdueItemOut(invoice_number=i.invoice_number, instalment_seq=i.instalment_seq,
                                due_date=i.due_date, threshold_days=i.threshold_days,
                                days_overdue=i.days_overdue, currency=i.currency,
                                open_amount=from_minor(i.open_minor, i.currency)) for i in items]
    return out
