"""Provision for bad debts."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from services.reporting import views
from services.reporting.auth import Reader
from services.reporting.deps import Deps
from services.reporting.endpoints.params import AsOf, Currency
from services.reporting.schemas import ProvisionOut
from shared.problems import problem_responses
from shared.runtime import Uow

router = APIRouter(tags=["provisions"], responses=problem_responses(401, 403, 422))


@router.get("/provision", response_model=ProvisionOut,
            summary="Provision for bad debts (flat, matrix or expected credit loss), coverage, adequacy",
            description="ECL: observed loss rates per aging slab over the configured look-back (the simplified "
                        "approach of IFRS 9 / CAS 22); the adequacy test compares the flat-rate provision with it.")
async def provision(deps: Deps, uow: Uow, ctx: Reader, as_of: AsOf = None,
                    method: Literal["flat", "matrix", "ecl"] = "ecl", currency: Currency = None) -> ProvisionOut:
    return ProvisionOut.model_validate(await views.provision(deps, uow, ctx, as_of=as_of, method=method,
                                                             currency=currency))
