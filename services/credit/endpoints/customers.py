"""Customers: the credit file, the credit view, assessments, holds, history, visits."""
from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from services.credit.endpoints.deps import FileKeeper, Finance, Reader, Visitor, uow
from services.credit.endpoints.views import assessment_out, customer_out, hold_out
from services.credit.handlers import files, grading, holds, jobs
from services.credit.schemas import (
    AssessmentIn, AssessmentOut, CustomerIn, CustomerOut, DueVisitOut, HistoryEntryOut, HoldIn, HoldOut,
    RerateRunOut, VisitIn,
)
from shared.problems import problem_responses

router = APIRouter(tags=["customers"], responses=problem_responses(401, 403))


@router.put("/customers/{customer_id}", response_model=CustomerOut, summary="Create or change a credit file",
            description="Every call appends a version to the file's history; nothing is ever deleted. "
                        "201 when the file is new.", responses=problem_responses(409, 422))
async def put_customer(customer_id: str, body: CustomerIn, request: Request, response: Response,
                       principal: FileKeeper) -> CustomerOut:
    data = files.FileInput(name=body.name, region=body.region, customer_type=body.customer_type,
                           industry=body.industry, salesperson=body.salesperson, onboarded_on=body.onboarded_on,
                           currency=body.currency,
                           documents=[files.DocumentInput(d.kind, d.reference, d.received_on, d.expires_on)
                                      for d in body.documents])
    if await files.put_file(uow(request), customer_id, principal, data):
        response.status_code = 201
    return customer_out(await files.customer_view(uow(request), customer_id))


@router.get("/customers/{customer_id}", response_model=CustomerOut, summary="A customer's credit standing",
            description="Grade (and why), limit, term, exposure, available credit, overdue debt and holds.",
            responses=problem_responses(404))
async def get_customer(customer_id: str, request: Request, _: Reader) -> CustomerOut:
    return customer_out(await files.customer_view(uow(request), customer_id))


@router.post("/customers/{customer_id}/assessments", response_model=AssessmentOut, status_code=201,
             summary="Assess a customer: scorecard → grade",
             description="The person-entered criteria are given; repayment and purchases are computed from the "
                         "customer's own history. Scores outside 0..weight are a 422.",
             responses=problem_responses(404, 422))
async def assess(customer_id: str, body: AssessmentIn, request: Request, principal: Finance) -> AssessmentOut:
    inputs = {"investigated_repayment": body.investigated_repayment,
              "contracted_12m": None if body.contracted_12m is None else format(body.contracted_12m, "f"),
              "red_flags": [f.model_dump(mode="json") for f in body.red_flags]}
    row = await grading.assess(uow(request), customer_id, principal, body.scores, inputs, body.as_of)
    return assessment_out(row, request)


@router.post("/customers/{customer_id}/holds", response_model=HoldOut, status_code=201,
             summary="Freeze a customer's new orders (manual hold)", responses=problem_responses(404, 422))
async def place_hold(customer_id: str, body: HoldIn, request: Request, principal: Finance) -> HoldOut:
    return hold_out(await holds.place_manual(uow(request), customer_id, principal, body.reason))


@router.delete("/customers/{customer_id}/holds/{hold_id}", response_model=HoldOut, summary="Lift a hold",
               description="A person may lift any hold (manual, blacklist, or an overdue one early), with a reason.",
               responses=problem_responses(404, 409, 422))
async def release_hold(customer_id: str, hold_id: str, request: Request, principal: Finance,
                       reason: str = Query(..., min_length=1, max_length=2000)) -> HoldOut:
    return hold_out(await holds.release_manual(uow(request), customer_id, hold_id, principal, reason))


@router.get("/customers/{customer_id}/history", response_model=list[HistoryEntryOut],
            summary="The customer's credit timeline, newest first",
            description="File versions, assessments, grade and limit changes, holds, application steps, "
                        "red flags and checks.", responses=problem_responses(404))
async def history(customer_id: str, request: Request, _: Reader,
                  limit: int = Query(200, ge=1, le=1000)) -> list[HistoryEntryOut]:
    return [HistoryEntryOut(**e) for e in await files.timeline(uow(request), customer_id, limit)]


@router.post("/customers/{customer_id}/visits", status_code=204, summary="Record a customer visit",
             responses=problem_responses(404, 422))
async def visit(customer_id: str, body: VisitIn, request: Request, principal: Visitor) -> None:
    await files.record_visit(uow(request), customer_id, principal, body.role, body.visited_on, body.note)


@router.get("/visits/due", response_model=list[DueVisitOut], summary="Customers due a visit this year",
            description="Limit ≥ 30,000 and term ≥ 1 month: yearly by the sales manager; ≥ 50,000 also by the "
                        "department head (002 §2(4)).")
async def visits_due(request: Request, _: Reader) -> list[DueVisitOut]:
    return [DueVisitOut(customer_id=v.customer_id, role=v.role, last_visit=v.last_visit, due_by=v.due_by)
            for v in await files.due_visits(uow(request))]


@router.post("/rerating-runs", response_model=RerateRunOut, summary="Run the scheduled job now",
             description="Releases lapsed reservations and re-rates every customer due in the current cycle.")
async def rerate_now(request: Request, _: Finance) -> RerateRunOut:
    report = await jobs.run(request.app.state.runtime)
    return RerateRunOut(reservations_expired=report.reservations_expired, customers_rerated=report.customers_rerated)
