"""The collectors' work: contacts, the worklist, the contact log, promises, repayment plans."""
from __future__ import annotations

from fastapi import APIRouter, Response

from services.dunning import views
from services.dunning.auth import Collector, Reader
from services.dunning.deps import Deps
from services.dunning.domain.promises import Instalment
from services.dunning.handlers import collection
from services.dunning.schemas import (
    CaseIdPath, ContactIn, ContactLogIn, ContactLogOut, ContactOut, CustomerIdPath, Limit, PlanIn, PlanOut, PromiseIn,
    PromiseOut, WorklistPage,
)
from shared.ids import IdQuery
from shared.problems import problem_responses
from shared.runtime import Uow
from shared.wire import OffsetQuery

router = APIRouter(tags=["collectors"], responses=problem_responses(401, 403))


@router.put("/customers/{customer_id}/contacts", response_model=ContactOut, summary="The collection contact",
            description="Used before the invoice's bill-to contact. 201 when new.",
            responses={201: {"model": ContactOut, "description": "a new contact"}, **problem_responses(422)})
async def put_contact(customer_id: CustomerIdPath, body: ContactIn, response: Response, deps: Deps, uow: Uow,
                      ctx: Collector) -> ContactOut:
    if await collection.put_contact(deps, uow, ctx, customer_id, name=body.name, email=body.email,
                                    mobile=body.mobile, address=body.address, language=body.language):
        response.status_code = 201
    return ContactOut(customer_id=customer_id, **body.model_dump())


@router.get("/worklist", response_model=WorklistPage, summary="The prioritised worklist, highest score first",
            description="Open cases with the score and its parts; a collector sees its own.",
            responses=problem_responses(422))
async def worklist(deps: Deps, uow: Uow, ctx: Reader, collector: IdQuery = None, limit: Limit = 50,
                   offset: OffsetQuery = 0) -> WorklistPage:
    return WorklistPage.model_validate(await views.worklist(deps, uow, ctx, collector=collector, limit=limit,
                                                            offset=offset))


@router.post("/cases/{case_id}/contacts", response_model=ContactLogOut, status_code=201,
             summary="Log a contact: channel, outcome, reason code, notes, next action date",
             responses=problem_responses(404, 422))
async def log_contact(case_id: CaseIdPath, body: ContactLogIn, deps: Deps, uow: Uow, ctx: Collector) -> ContactLogOut:
    entry_id = await collection.log_contact(deps, uow, ctx, case_id, channel=body.channel, outcome=body.outcome,
                                            reason_code=body.reason_code, notes=body.notes,
                                            next_action_date=body.next_action_date)
    return ContactLogOut.model_validate(await views.contact_entry(deps, uow, ctx, case_id, entry_id))


@router.post("/cases/{case_id}/promises", response_model=PromiseOut, status_code=201,
             summary="Record a promise to pay", description="Not dated in the past, not larger than the open debt "
             "(422). The ladder waits until its date plus the grace period; broken → `promise-to-pay-broken`.",
             responses=problem_responses(404, 409, 422))
async def make_promise(case_id: CaseIdPath, body: PromiseIn, deps: Deps, uow: Uow, ctx: Collector) -> PromiseOut:
    promise_id = await collection.make_promise(deps, uow, ctx, case_id, amount=body.amount, currency=body.currency,
                                               promised_date=body.promised_date)
    return PromiseOut.model_validate(await views.promise(deps, uow, ctx, case_id, promise_id))


@router.post("/cases/{case_id}/repayment-plans", response_model=PlanOut, status_code=201,
             summary="Record a repayment agreement", description="The instalments add up to the amount (else 422); "
             "the ladder waits while it is current and resumes when an instalment is missed.",
             responses=problem_responses(404, 409, 422))
async def create_plan(case_id: CaseIdPath, body: PlanIn, deps: Deps, uow: Uow, ctx: Collector) -> PlanOut:
    plan_id = await collection.create_plan(
        deps, uow, ctx, case_id, amount=body.amount, currency=body.currency,
        instalments=[Instalment(i.due_date, i.amount) for i in body.instalments], parties=body.parties,
        cause=body.cause, interest_formula=body.interest_formula, notarised=body.notarised)
    return PlanOut.model_validate(await views.plan(deps, uow, ctx, case_id, plan_id))
