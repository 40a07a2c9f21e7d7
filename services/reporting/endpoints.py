"""Reporting HTTP API (under /reporting/v1)."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.reporting import repository
from services.reporting.schemas import DayActivityOut
from shared.auth import Principal, require_roles
from shared.errors import ValidationProblem, problem_responses
from shared.money import from_minor

router = APIRouter(tags=["activity"], responses=problem_responses(401, 403, 422))
Reader = Annotated[Principal, require_roles("finance", "general_manager", "sales_manager", "auditor")]


@router.get("/activity", response_model=list[DayActivityOut],
            summary="Credit sales and cash received per day (by effective date)")
async def activity(request: Request, _: Reader, start: date = Query(alias="from"),
                   end: date = Query(alias="to")) -> list[DayActivityOut]:
    if end < start:
        raise ValidationProblem.field("to", "must not be before from", "date_order")
    async with request.app.state.runtime.uow() as uow:
        rows = await repository.activity(uow, start, end)
    return [DayActivityOut(day=r.day, currency=r.currency, invoices=r.invoices, payments=r.payments,
                           credit_sales=from_minor(r.credit_sales_minor, r.currency),
                           cash_received=from_minor(r.cash_received_minor, r.currency)) for r in rows]
