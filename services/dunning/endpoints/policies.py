"""Policies (ladders), versioned, and the phone scripts."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from services.dunning.auth import PolicyKeeper, Reader
from services.dunning.deps import Deps
from services.dunning.domain.policies import Policy, Step
from services.dunning.handlers import policies
from services.dunning.schemas import PolicyIn, PolicyNamePath, PolicyOut, ScriptIn, ScriptOut
from shared.problems import problem_responses
from shared.runtime import Uow

router = APIRouter(tags=["policies"], responses=problem_responses(401, 403))
Level = Annotated[int, Path(ge=1, le=3, description="the script's level (001): 1 to 3")]


def _out(p: Policy) -> PolicyOut:
    return PolicyOut(name=p.name, version=p.version, description=p.description, grades=list(p.grades),
                     segments=list(p.segments), currency=p.currency,
                     steps=[{"key": s.key, "day": s.day, "action": s.action, "performer": s.performer,
                             "template": s.template, "script_level": s.script_level, "min_amount": s.min_amount,
                             "day_established": s.day_established, "optional": s.optional} for s in p.steps])


@router.get("/policies", response_model=list[PolicyOut], summary="Every policy's current version")
async def list_policies(deps: Deps, uow: Uow, ctx: Reader) -> list[PolicyOut]:
    return [_out(p) for p in await policies.list_policies(deps, uow, ctx)]


@router.get("/policies/{name}", response_model=PolicyOut, summary="A policy (its current version, or `version`)",
            responses=problem_responses(404, 422))
async def get_policy(name: PolicyNamePath, deps: Deps, uow: Uow, ctx: Reader,
                     version: int | None = Query(None, ge=1, le=1_000_000)) -> PolicyOut:
    return _out(await policies.get_policy(deps, uow, ctx, name, version))


@router.put("/policies/{name}", response_model=PolicyOut, summary="A new version of a policy",
            description="Steps ordered by day, none on the same day, known actions and templates (else 422). "
                        "New cases take the new version; open cases keep theirs unless `migrate_running_cases`.",
            responses=problem_responses(422))
async def put_policy(name: PolicyNamePath, body: PolicyIn, deps: Deps, uow: Uow, ctx: PolicyKeeper) -> PolicyOut:
    policy = Policy(name, tuple(Step(s.key, s.day, s.action, s.performer, s.template, s.script_level, s.min_amount,
                                     s.day_established, s.optional) for s in body.steps),
                    description=body.description, grades=tuple(body.grades), segments=tuple(body.segments),
                    currency=body.currency)
    version = await policies.put_policy(deps, uow, ctx, policy, body.migrate_running_cases)
    return _out(await policies.get_policy(deps, uow, ctx, name, version))


@router.get("/scripts", response_model=list[ScriptOut], summary="The phone scripts at three levels (001)")
async def list_scripts(deps: Deps, uow: Uow, ctx: Reader) -> list[ScriptOut]:
    return [ScriptOut(level=s.level, zh_cn=s.zh_cn, en=s.en, updated_by=s.updated_by)
            for s in await policies.scripts(deps, uow, ctx)]


@router.put("/scripts/{level}", response_model=list[ScriptOut], summary="Edit a phone script",
            responses=problem_responses(422))
async def put_script(level: Level, body: ScriptIn, deps: Deps, uow: Uow, ctx: PolicyKeeper) -> list[ScriptOut]:
    await policies.put_script(deps, uow, ctx, level, body.zh_cn, body.en)
    return await list_scripts(deps, uow, ctx)
