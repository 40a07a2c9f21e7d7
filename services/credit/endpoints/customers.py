"""Customers: the credit file, the credit view, open items, assessments, holds, history,
visits."""
from __future__ import annotations

from fastapi import APIRouter, Query, Response

from services.credit import views
from services.credit.auth import FileKeeper, Finance, Reader, Visitor
from services.credit.deps import Deps
from services.credit.handlers import files, grading, holds, jobs
from services.credit.schemas import (
    AssessmentIn, AssessmentOut, CustomerIdPath, CustomerIn, CustomerOut, CustomerPage, DueVisitOut, HistoryEntryOut,
    HoldIdPath, HoldIn, HoldOut, Limit, OpenItemsPage, RerateRunOut, VisitIn,
)
from shared.problems import problem_responses
from shared.runtime import Uow
from shared.wire import TEXT_PATTERN, OffsetQuery

router = APIRouter(tags=["customers"], responses=problem_responses(401, 403))


@router.put("/customers/{customer_id}", response_model=CustomerOut, summary="Create or change a credit file",
            description="Every call appends a version to the file's history; nothing is ever deleted. "
                        "201 when the file is new. Publishes `customer-profile-changed` when what it shows "
                        "changed.",
            responses={201: {"description": "A new credit file", "model": CustomerOut}, **problem_responses(409, 422)})
async def put_customer(customer_id: CustomerIdPath, body: CustomerIn, response: Response, deps: Deps, uow: Uow,
                       ctx: FileKeeper) -> CustomerOut:
    data = files.FileInput(name=body.name, region=body.region, customer_type=body.customer_type,
                           industry=body.industry, salesperson=body.salesperson, onboarded_on=body.onboarded_on,
                           currency=body.currency,
                           documents=[files.DocumentInput(d.kind, d.reference, d.received_on, d.expires_on)
                                      for d in body.documents])
    if await files.put_file(deps, uow, ctx, customer_id, data):
        response.status_code = 201
    return await views.customer(deps, uow, ctx, customer_id)


@router.get("/customers", response_model=CustomerPage, summary="Customers in credit",
            description="Filterable and paged, by name: the name contains `name` (any case), `region` and "
                        "`salesperson` as on the file, the effective `grade`, with or without an active hold.",
            responses=problem_responses(422))
async def list_customers(deps: Deps, uow: Uow, ctx: Reader,
                         name: str | None = Query(None, min_length=1, max_length=200, pattern=TEXT_PATTERN),
                         region: str | None = Query(None, max_length=100, pattern=TEXT_PATTERN),
                         salesperson: str | None = Query(None, max_length=100, pattern=TEXT_PATTERN),
                         grade: str | None = Query(None, max_length=1, pattern=r"^[A-Z]$"),
                         on_hold: bool | None = None, limit: Limit = 50, offset: OffsetQuery = 0) -> CustomerPage:
    return await views.customers(deps, uow, ctx, name=name, region=region, salesperson=salesperson, grade=grade,
                                 on_hold=on_hold, limit=limit, offset=offset)


@router.get("/customers/{customer_id}", response_model=CustomerOut, summary="A customer's credit standing",
            description="Grade (and why), limit, term, exposure, available credit, overdue debt and holds.",
            responses=problem_responses(404))
async def get_customer(customer_id: CustomerIdPath, deps: Deps, uow: Uow, ctx: Reader) -> CustomerOut:
    return await views.customer(deps, uow, ctx, customer_id)


@router.get("/customers/{customer_id}/receivables", response_model=OpenItemsPage,
            summary="What credit knows of the customer's open items",
            description="One row per open instalment (its own due date and open amount), oldest due first: "
                        "why a check found exposure or overdue debt. Built from the ledger's facts.",
            responses=problem_responses(404, 422))
async def open_items(customer_id: CustomerIdPath, deps: Deps, uow: Uow, ctx: Reader, limit: Limit = 100,
                     offset: OffsetQuery = 0) -> OpenItemsPage:
    return await views.open_items(deps, uow, ctx, customer_id, limit, offset)


@router.post("/customers/{customer_id}/assessments", response_model=AssessmentOut, status_code=201,
             summary="Assess a customer: scorecard → grade",
             description="The person-entered criteria are given; repayment and purchases are computed from the "
                         "customer's own history. Scores outside 0..weight are a 422.",
             responses=problem_responses(404, 422))
async def assess(customer_id: CustomerIdPath, body: AssessmentIn, deps: Deps, uow: Uow, ctx: Finance) -> AssessmentOut:
    inputs = {"investigated_repayment": body.investigated_repayment,
              "contracted_12m": None if body.contracted_12m is None else format(body.contracted_12m, "f"),
              "red_flags": [f.model_dump(mode="json") for f in body.red_flags]}
    row = await grading.assess(deps, uow, ctx, customer_id, body.scores, inputs, body.as_of)
    return await views.assessment(deps, uow, ctx, row.assessment_id)


@router.post("/customers/{customer_id}/holds", response_model=HoldOut, status_code=201,
             summary="Freeze a customer's new orders (manual hold)", responses=problem_responses(404, 422))
async def place_hold(customer_id: CustomerIdPath, body: HoldIn, deps: Deps, uow: Uow, ctx: Finance) -> HoldOut:
    hold_id = await holds.place_manual(deps, uow, ctx, customer_id, body.reason)
    return await views.hold(deps, uow, ctx, hold_id)


@router.delete("/customers/{customer_id}/holds/{hold_id}", response_model=HoldOut, summary="Lift a hold",
               description="A person may lift any hold (manual, blacklist, or an overdue one early), with a reason.",
               responses=problem_responses(404, 409, 422))
async def release_hold(customer_id: CustomerIdPath, hold_id: HoldIdPath, deps: Deps, uow: Uow, ctx: Finance,
                       reason: str = Query(..., min_length=1, max_length=2000, pattern=TEXT_PATTERN)) -> HoldOut:
    await holds.release_manual(deps, uow, ctx, customer_id, hold_id, reason)
    return await views.hold(deps, uow, ctx, hold_id)


@router.get("/customers/{customer_id}/history", response_model=list[HistoryEntryOut],
            summary="The customer's credit timeline, newest first",
            description="File versions, assessments, grade and limit changes, holds, application steps, "
                        "red flags and checks.", responses=problem_responses(404))
async def history(customer_id: CustomerIdPath, deps: Deps, uow: Uow, ctx: Reader,
                  limit: int = Query(200, ge=1, le=1000)) -> list[HistoryEntryOut]:
    return [HistoryEntryOut(**e) for e in await views.timeline(deps, uow, ctx, customer_id, limit)]


@router.post("/customers/{customer_id}/visits", status_code=204, summary="Record a customer visit",
             responses=problem_responses(404, 422))
async def visit(customer_id: CustomerIdPath, body: VisitIn, deps: Deps, uow: Uow, ctx: Visitor) -> None:
    await files.record_visit(deps, uow, ctx, customer_id, body.role, body.visited_on, body.note)


@router.get("/visits/due", response_model=list[DueVisitOut], summary="Customers due a visit this year",
            description="Limit ≥ 30,000 and term ≥ 1 month: yearly by the sales manager; ≥ 50,000 also by the "
                        "department head (002 §2(4)).")
async def visits_due(deps: Deps, uow: Uow, ctx: Reader) -> list[DueVisitOut]:
    return await views.due_visits(deps, uow, ctx)


@router.post("/rerating-runs", response_model=RerateRunOut, summary="Run the scheduled job now",
             description="Releases lapsed reservations and re-rates every customer due in the current cycle.")
async def rerate_now(deps: Deps, uow: Uow, ctx: Finance) -> RerateRunOut:
    report = await jobs.run(deps, uow, ctx)
    return RerateRunOut(reservations_expired=report.reservations_expired, customers_rerated=report.customers_rerated)
