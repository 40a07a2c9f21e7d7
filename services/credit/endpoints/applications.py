"""Applications for a grade/limit/term, a temporary limit or a term extension, and the
decisions of the approval chain."""
from __future__ import annotations

from fastapi import APIRouter

from services.credit import views
from services.credit.auth import Applicant, Decider, Reader
from services.credit.deps import Deps
from services.credit.domain.approvals import Decision
from services.credit.handlers import applications
from services.credit.schemas import ApplicationIdPath, ApplicationIn, ApplicationOut, DecisionIn
from shared.problems import problem_responses
from shared.runtime import Uow

router = APIRouter(tags=["applications"], responses=problem_responses(401, 403))


@router.post("/applications", response_model=ApplicationOut, status_code=201,
             summary="Submit a credit application (sales manager)",
             description="Kinds: grade_limit_term, temporary_limit (amount + expires_on), term_extension "
                         "(extra_days). A limit in a currency the customer is not set up for is a 422.",
             responses=problem_responses(404, 422))
async def submit(body: ApplicationIn, deps: Deps, uow: Uow, ctx: Applicant) -> ApplicationOut:
    data = applications.ApplicationInput(
        customer_id=body.customer_id, kind=body.kind, grade=body.grade, limit=body.limit, currency=body.currency,
        term_days=body.term_days, amount=body.amount, valid_from=body.valid_from, expires_on=body.expires_on,
        extra_days=body.extra_days, invoice_numbers=tuple(body.invoice_numbers), comment=body.comment,
        justification=body.justification)
    application_id = await applications.submit(deps, uow, ctx, data)
    return await views.application(deps, uow, ctx, application_id)


@router.get("/applications/{application_id}", response_model=ApplicationOut,
            summary="An application and its audit trail", responses=problem_responses(404))
async def get(application_id: ApplicationIdPath, deps: Deps, uow: Uow, ctx: Reader) -> ApplicationOut:
    return await views.application(deps, uow, ctx, application_id)


@router.post("/applications/{application_id}/decisions", response_model=ApplicationOut,
             summary="Approve or reject, by the next role in the chain",
             description="sales_admin reviews → finance approves → general_manager approves. The submitter never "
                         "decides, nor does anyone twice, nor a wrong role (403). A decided application is a 409.",
             responses=problem_responses(404, 409, 422))
async def decide(application_id: ApplicationIdPath, body: DecisionIn, deps: Deps, uow: Uow,
                 ctx: Decider) -> ApplicationOut:
    await applications.decide_on(deps, uow, ctx, application_id, Decision(body.decision), body.comment)
    return await views.application(deps, uow, ctx, application_id)
