"""The credit check before a sale, and the override of a review.

Hot path: `POST /checks` is a plain route (`shared.plain_route`) without FastAPI's
per-request machinery, for speed; it authorizes and reads its body itself, with the same
outcomes as any route."""
from __future__ import annotations

from fastapi import APIRouter, Request, Response

from services.credit.auth import CHECKERS, Overrider
from services.credit.deps import Deps
from services.credit.handlers import checks
from services.credit.schemas import CheckIn, OrderRefPath, CheckOut, OverrideIn
from shared.plain_route import PlainRoute, authorize, json_body, json_body_doc
from shared.problems import problem_responses
from shared.runtime import Uow, service_deps, unit_of_work

router = APIRouter(tags=["checks"], responses=problem_responses(401, 403))
JSON = "application/json"


async def check(request: Request) -> Response:
    ctx = await authorize(request, CHECKERS)
    body = await json_body(request, CheckIn)
    text = await checks.check(service_deps(request), unit_of_work(request), ctx, body.customer_id, body.amount,
                              body.currency, body.order_ref, body.reserve, body.term_days)
    # The handler returns the stored JSON: sent as is, not re-validated against CheckOut.
    return Response(content=text, media_type=JSON)


router.add_api_route(
    "/checks", check, methods=["POST"], route_class_override=PlainRoute, response_model=CheckOut,
    summary="Check an order against the customer's credit",
    description="approve, review or reject with every reason (unknown_customer, currency_mismatch, blacklisted, "
                "on_hold, prepayment_required, over_limit, overdue_debt, term_exceeds_approved: an order asking for a "
                "longer `term_days` than approved). Idempotent per order_ref: the same body "
                "returns the first result, another body is a 409.",
    responses=problem_responses(409, 422), openapi_extra=json_body_doc(CheckIn))


@router.post("/checks/{order_ref}/override", response_model=CheckOut, summary="Approve a review, with a reason",
             description="finance or general_manager; only a review can be overridden (a reject is a 409).",
             responses=problem_responses(404, 409, 422))
async def override(order_ref: OrderRefPath, body: OverrideIn, deps: Deps, uow: Uow, ctx: Overrider) -> Response:
    return Response(content=await checks.override(deps, uow, ctx, order_ref, body.reason), media_type=JSON)
