"""Cases, actions and their documents; the ladder run on demand."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response

from services.dunning import views
from services.dunning.auth import Collector, PolicyKeeper, Reader
from services.dunning.deps import Deps
from services.dunning.handlers import collection, ladder
from services.dunning.schemas import (
    ActionIdPath, ActionOut, ActionPage, ActionPatch, CaseIdPath, CaseOut, CasePage, LadderRunOut, Limit,
)
from shared.ids import IdQuery
from shared.problems import problem_responses
from shared.runtime import Uow
from shared.wire import OffsetQuery

router = APIRouter(tags=["cases"], responses=problem_responses(401, 403))


@router.get("/cases", response_model=CasePage, summary="Collection cases, newest first",
            description="A collector sees the cases assigned to it; the others all.", responses=problem_responses(422))
async def list_cases(deps: Deps, uow: Uow, ctx: Reader, customer_id: IdQuery = None,
                     status: Literal["open", "closed"] | None = None, collector: IdQuery = None, limit: Limit = 50,
                     offset: OffsetQuery = 0) -> CasePage:
    return CasePage.model_validate(await views.cases(deps, uow, ctx, customer_id=customer_id, status=status,
                                                     collector=collector, limit=limit, offset=offset))


@router.get("/cases/{case_id}", response_model=CaseOut,
            summary="A case: items, steps done and due, pauses, promises, plans, contact log, channels",
            responses=problem_responses(404, 422))
async def get_case(case_id: CaseIdPath, deps: Deps, uow: Uow, ctx: Reader) -> CaseOut:
    return CaseOut.model_validate(await views.case(deps, uow, ctx, case_id))


@router.get("/actions", response_model=ActionPage, summary="Every step and message, newest first",
            responses=problem_responses(422))
async def list_actions(deps: Deps, uow: Uow, ctx: Reader, customer_id: IdQuery = None, case_id: IdQuery = None,
                       status: Literal["queued", "sent", "failed", "skipped", "open", "done", "requested"] | None = None,
                       limit: Limit = 50, offset: OffsetQuery = 0) -> ActionPage:
    return ActionPage.model_validate(await views.actions(deps, uow, ctx, customer_id=customer_id, case_id=case_id,
                                                         status=status, limit=limit, offset=offset))


@router.get("/actions/{action_id}/document", response_class=Response, summary="The rendered letter, as a PDF",
            responses={200: {"content": {"application/pdf": {}}, "description": "the letter"},
                       **problem_responses(404, 409, 422)})
async def document(action_id: ActionIdPath, deps: Deps, uow: Uow, ctx: Reader) -> Response:
    return Response(await views.document(deps, uow, ctx, action_id), media_type="application/pdf")


@router.patch("/actions/{action_id}", response_model=ActionOut, summary="Follow up an action",
              description="Mark an open task done, or record the day a letter's signed receipt came back.",
              responses=problem_responses(404, 409, 422))
async def follow_up(action_id: ActionIdPath, body: ActionPatch, deps: Deps, uow: Uow, ctx: Collector) -> ActionOut:
    await collection.follow_up(deps, uow, ctx, action_id, done=body.done,
                               receipt_returned_on=body.receipt_returned_on)
    return ActionOut.model_validate(await views.action(deps, uow, ctx, action_id))


@router.post("/jobs/ladder", response_model=LadderRunOut, summary="Run the daily ladder now",
             description="What the scheduled job does: every open case advanced by today's business date.")
async def run_ladder(deps: Deps, uow: Uow, ctx: PolicyKeeper) -> LadderRunOut:
    r = await ladder.run(deps, uow, ctx)
    return LadderRunOut(cases=r.cases, actions=r.actions, messages=r.messages, skipped=r.skipped,
                        paused_items=r.paused_items, promises_broken=r.promises_broken,
                        plans_breached=r.plans_breached)
