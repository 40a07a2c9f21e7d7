"""Escalation inside the company and concessions with their approval."""
from __future__ import annotations

from fastapi import APIRouter

from services.dunning import views
from services.dunning.auth import Approver, Collector
from services.dunning.deps import Deps
from services.dunning.handlers import escalations
from services.dunning.schemas import (
    CaseIdPath, CaseOut, ConcessionIn, ConcessionOut, DecisionIn, EscalationIn,
)
from shared.ids import id_path
from shared.problems import problem_responses
from shared.runtime import Uow

router = APIRouter(tags=["collectors"], responses=problem_responses(401, 403))
ConcessionIdPath = id_path("the concession's id")


@router.post("/cases/{case_id}/escalations", response_model=CaseOut, status_code=201,
             summary="Hand a case up inside the company",
             description="finance → sales_management → management (never down), with the people and the decision.",
             responses=problem_responses(404, 409, 422))
async def escalate(case_id: CaseIdPath, body: EscalationIn, deps: Deps, uow: Uow, ctx: Collector) -> CaseOut:
    await escalations.escalate(deps, uow, ctx, case_id, level=body.level, handed_to=body.handed_to, reason=body.reason,
                               decision=body.decision)
    return CaseOut.model_validate(await views.case(deps, uow, ctx, case_id))


@router.post("/cases/{case_id}/concessions", response_model=ConcessionOut, status_code=201,
             summary="Ask for a concession (grace period, interest waiver, partial payment, discount, "
                     "interest-free instalments, debt reduction)", responses=problem_responses(404, 409, 422))
async def request_concession(case_id: CaseIdPath, body: ConcessionIn, deps: Deps, uow: Uow,
                             ctx: Collector) -> ConcessionOut:
    concession_id = await escalations.request_concession(deps, uow, ctx, case_id, kind=body.kind, amount=body.amount,
                                                         currency=body.currency, days=body.days, reason=body.reason)
    return ConcessionOut.model_validate(await views.concession_of(deps, uow, ctx, concession_id))


@router.post("/concessions/{concession_id}/decision", response_model=ConcessionOut,
             summary="Approve or reject a concession", description="By someone other than who asked. An approved "
             "grace period pauses the case's ladder for its days.", responses=problem_responses(404, 409, 422))
async def decide(concession_id: ConcessionIdPath, body: DecisionIn, deps: Deps, uow: Uow,
                 ctx: Approver) -> ConcessionOut:
    await escalations.decide(deps, uow, ctx, concession_id, approve=body.decision == "approve")
    return ConcessionOut.model_validate(await views.concession_of(deps, uow, ctx, concession_id))
