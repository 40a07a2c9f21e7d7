"""Legal cases: opened on a case, listed, changed (stage, counsel, costs, evidence, assessment)."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from services.dunning import views
from services.dunning.auth import Legal, Reader
from services.dunning.deps import Deps
from services.dunning.domain.legal import STAGES
from services.dunning.handlers import legal
from services.dunning.schemas import CaseIdPath, LegalCaseIdPath, LegalIn, LegalOut, LegalPage, LegalPatch, Limit
from shared.ids import IdQuery
from shared.problems import problem_responses
from shared.runtime import Uow
from shared.wire import OffsetQuery

router = APIRouter(tags=["legal"], responses=problem_responses(401, 403))


@router.post("/cases/{case_id}/legal", response_model=LegalOut, status_code=201,
             summary="Hand a case to legal (litigation or an agency)", responses=problem_responses(404, 409, 422))
async def open_legal(case_id: CaseIdPath, body: LegalIn, deps: Deps, uow: Uow, ctx: Legal) -> LegalOut:
    legal_case_id = await legal.open_case(deps, uow, ctx, case_id, kind=body.kind, counsel=body.counsel)
    return LegalOut.model_validate(await views.legal_case(deps, uow, ctx, legal_case_id))


@router.get("/legal-cases", response_model=LegalPage, summary="Legal cases, newest first",
            responses=problem_responses(422))
async def list_legal(deps: Deps, uow: Uow, ctx: Reader, stage: Literal[STAGES] | None = None,  # type: ignore
                     customer_id: IdQuery = None, limit: Limit = 50, offset: OffsetQuery = 0) -> LegalPage:
    return LegalPage.model_validate(await views.legal_cases(deps, uow, ctx, stage=stage, customer_id=customer_id,
                                                            limit=limit, offset=offset))


@router.patch("/legal-cases/{legal_case_id}", response_model=LegalOut, summary="Change a legal case",
              description="Stages move forward only (letter, filed, hearing, judgment, enforcement, closed); "
                          "evidence lists what is provided, the answer what is missing.",
              responses=problem_responses(404, 409, 422))
async def patch_legal(legal_case_id: LegalCaseIdPath, body: LegalPatch, deps: Deps, uow: Uow, ctx: Legal) -> LegalOut:
    await legal.change(deps, uow, ctx, legal_case_id, body.model_dump(exclude_unset=True))
    return LegalOut.model_validate(await views.legal_case(deps, uow, ctx, legal_case_id))
