"""API-key administration, present in every service (a key issued by one works in all)."""
from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from shared import auth
from shared.errors import NotFound
from shared.problems import problem_responses
from shared.platform_tables import api_keys
from shared.wire import Timestamp

router = APIRouter(prefix="/api-keys", tags=["api-keys"],
                   responses=problem_responses(401, 403))
AdminDep = Annotated[auth.Principal, auth.require_roles("admin")]


class KeyRequest(BaseModel):
    name: str = Field(min_length=1, max_length=200, examples=["billing integration"])
    roles: list[str] = Field(min_length=1, examples=[["integration"]],
                             description=f"any of: {', '.join(sorted(auth.ROLES))}")


class IssuedKey(BaseModel):
    key_id: str
    key: str = Field(description="shown once; only its SHA-256 is stored")
    name: str
    roles: list[str]


class KeyInfo(BaseModel):
    key_id: str
    name: str
    roles: list[str]
    created_at: Timestamp
    revoked_at: Timestamp | None


@router.post("", status_code=201, response_model=IssuedKey, summary="Issue an API key",
             responses=problem_responses(422))
async def issue(body: KeyRequest, request: Request, response: Response, _: AdminDep) -> IssuedKey:
    runtime = request.app.state.runtime
    response.headers["Cache-Control"] = "no-store"  # the secret is shown once, never stored or cached
    key_id, key = await auth.issue_key(runtime.uow(), body.name, body.roles)
    return IssuedKey(key_id=key_id, key=key, name=body.name, roles=sorted(body.roles))


@router.get("", response_model=list[KeyInfo], summary="List API keys (never the keys themselves)")
async def list_keys(request: Request, _: AdminDep) -> list[KeyInfo]:
    async with request.app.state.runtime.db.sessionmaker() as session:
        rows = (await session.execute(sa.select(api_keys).order_by(api_keys.c.created_at))).all()
    return [KeyInfo(key_id=r.key_id, name=r.name, roles=r.roles.split(","), created_at=r.created_at,
                    revoked_at=r.revoked_at) for r in rows]


@router.delete("/{key_id}", status_code=204, summary="Revoke an API key (never the last admin key: 409)",
            responses=problem_responses(404, 409))
async def revoke(key_id: str, request: Request, _: AdminDep) -> None:
    runtime = request.app.state.runtime
    if not await auth.revoke_key(runtime.uow(), key_id):
        raise NotFound(f"no active API key {key_id!r}")
    runtime.keys.forget()
