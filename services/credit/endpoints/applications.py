"""Applications (a grade/limit/term, a limit, a change of limit or term, a term extension,
the July re-rating, a temporary limit), the approvers' inbox, and the decisions of each
kind's approval chain."""
from __future__ import annotations

from fastapi import APIRouter, Query

from services.credit import views
from services.credit.auth import Applicant, Decider, Reader
from services.credit.deps import Deps
from services.credit.domain.approvals import ApplicationKind, Decision
from services.credit.handlers import applications
from services.credit.schemas import (
    ApplicationIdPath, ApplicationIn, ApplicationOut, ApplicationPage, BusinessRole, DecisionIn, Limit,
)
from shared.ids import IdQuery
from shared.problems import problem_responses
from shared.runtime import Uow
from shared.wire import OffsetQuery

router = APIRouter(tags=["applications"], responses=problem_responses(401, 403))


@router.post("/applications", response_model=ApplicationOut, status_code=201,
             summary="Submit a credit application (who may: the chain of its kind)",
             description="Kinds: grade_limit_term, limit, limit_term_change, rerating (grade/limit/term_days), "
                         "temporary_limit (amount + expires_on), term_extension (extra_days, invoice_numbers). A "
                         "limit above the policy's band or a term over its maximum needs a justification. A limit "
                         "in a currency the customer is not set up for is a 422.",
             responses=problem_responses(404, 422))
async def submit(body: ApplicationIn, deps: Deps, uow: Uow, ctx: Applicant) -> ApplicationOut:
    data = applications.ApplicationInput(
        customer_id=body.customer_id, kind=body.kind, grade=body.grade, limit=body.limit, currency=body.currency,
        term_days=body.term_days, amount=body.amount, valid_from=body.valid_from, expires_on=body.expires_on,
        extra_days=body.extra_days, invoice_numbers=tuple(body.invoice_numbers), comment=body.comment,
        justification=body.justification)
    application_id = await applications.submit(deps, uow, ctx, data)
    return await views.application(deps, uow, ctx, application_id)


@router.get("/applications", response_model=ApplicationPage, summary="Applications: an approver's inbox",
            description="Without filters, the caller's inbox: what awaits a role the caller holds and the caller may "
                        "decide (not their own, not one they took a step on), oldest first. With filters, every "
                        "application awaiting `awaiting_role`, in `state`, of `customer_id`, of `kind`. Paged.",
            responses=problem_responses(422))
async def inbox(deps: Deps, uow: Uow, ctx: Reader, awaiting_role: BusinessRole | None = None,
                state: str | None = Query(None, max_length=30, pattern=r"^[a-z_]+$",
                                          description="submitted, reviewed, confirmed, finance_approved, …, "
                                                      "approved, rejected"),
                customer_id: IdQuery = None,
                kind: ApplicationKind | None = None, limit: Limit = 50, offset: OffsetQuery = 0) -> ApplicationPage:
    return await views.applications(deps, uow, ctx, awaiting_role=awaiting_role, state=state,
                                    customer_id=customer_id, kind=kind, limit=limit, offset=offset)


@router.get("/applications/{application_id}", response_model=ApplicationOut,
            summary="An application and its audit trail", responses=problem_responses(404))
async def get(application_id: ApplicationIdPath, deps: Deps, uow: Uow, ctx: Reader) -> ApplicationOut:
    return await views.application(deps, uow, ctx, application_id)


@router.post("/applications/{application_id}/decisions", response_model=ApplicationOut,
             summary="Approve or reject, by the next role in the chain",
             description="The next role of the application's chain (e.g. sales_admin → finance → general_manager). "
                         "The submitter never decides, nor does anyone twice, nor a wrong role (403). A decided "
                         "application is a 409.",
             responses=problem_responses(404, 409, 422))
async def decide(application_id: ApplicationIdPath, body: DecisionIn, deps: Deps, uow: Uow,
                 ctx: Decider) -> ApplicationOut:
    await applications.decide_on(deps, uow, ctx, application_id, Decision(body.decision), body.comment)
    return await views.application(deps, uow, ctx, application_id)
