"""Dead letters through the admin API, present in every service, the same in both run
modes: list (paged), show one with its original message, replay one, replay all open ones
after a fix. The procedure is in docs/operations.md."""
from __future__ import annotations

import base64
import json
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from shared import auth
from shared import dead_letters as dl
from shared.errors import Conflict, NotFound
from shared.problems import problem_responses
from shared.wire import OffsetQuery, Timestamp

router = APIRouter(prefix="/dead-letters", tags=["dead-letters"], responses=problem_responses(401, 403))
AdminDep = Annotated[auth.Principal, auth.require_roles("admin")]


class DeadLetter(BaseModel):
    id: int
    consumer: str
    topic: str
    partition: int | None
    offset: int | None
    event_id: str | None
    event_type: str | None = Field(description="the CloudEvents type (ce_type)")
    correlation_id: str | None = Field(description="of the request that caused the event: grep the logs for it")
    key: str | None
    error_type: str
    error: str = Field(description="the last error: of the first attempt, or of the last failed replay")
    status: Literal["open", "replayed"]
    replay_count: int
    last_replay_at: Timestamp | None
    created_at: Timestamp


class Message(BaseModel):
    headers: dict[str, str] = Field(description="Kafka headers of the original message, plus the dlq_* ones")
    value: str | None = Field(description="the message value as text (UTF-8, undecodable bytes replaced)")
    value_base64: str | None = Field(description="the exact bytes of the value")


class DeadLetterDetail(DeadLetter):
    message: Message


class DeadLetterPage(BaseModel):
    items: list[DeadLetter]
    total: int
    limit: int
    offset: int


class ReplayResult(BaseModel):
    id: int
    outcome: Literal["applied", "already_applied", "failed"] = Field(
        description="applied: the event took effect now; already_applied: another copy had; "
                    "failed: still dead (the row keeps the new error)")
    error: str | None = None


class ReplayAll(BaseModel):
    applied: int
    already_applied: int
    failed: int
    results: list[ReplayResult]


def _summary(row) -> dict:
    headers = json.loads(row.headers)
    return {**{c: getattr(row, c) for c in DeadLetter.model_fields if c != "event_type"},
            "event_type": headers.get("ce_type")}


def _runtime(request: Request):
    return request.app.state.runtime


DeadLetterId = Annotated[int, Path(ge=1, le=2**63 - 1)]  # a BIGINT id: a larger one is a 422, not a 500


async def _row(request: Request, dead_letter_id: int):
    row = await dl.get(_runtime(request).db, dead_letter_id)
    if row is None:
        raise NotFound(f"no dead letter {dead_letter_id}")
    return row


@router.get("", response_model=DeadLetterPage, summary="List dead letters (admin), oldest first")
async def list_dead_letters(
        request: Request, _: AdminDep,
        status: Annotated[Literal["open", "replayed", "all"], Query()] = "open",
        topic: Annotated[str | None, Query(max_length=120)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: OffsetQuery = 0) -> DeadLetterPage:
    rows, total = await dl.page(_runtime(request).db, status=None if status == "all" else status, topic=topic,
                                limit=limit, offset=offset)
    return DeadLetterPage(items=[DeadLetter(**_summary(r)) for r in rows], total=total, limit=limit, offset=offset)


@router.get("/{dead_letter_id}", response_model=DeadLetterDetail, responses=problem_responses(404),
            summary="One dead letter with its original message (admin)")
async def show_dead_letter(dead_letter_id: DeadLetterId, request: Request, _: AdminDep) -> DeadLetterDetail:
    row = await _row(request, dead_letter_id)
    value = row.value
    return DeadLetterDetail(**_summary(row), message=Message(
        headers=json.loads(row.headers), value=value.decode(errors="replace") if value is not None else None,
        value_base64=base64.b64encode(value).decode() if value is not None else None))


@router.post("/{dead_letter_id}/replay", response_model=ReplayResult, responses=problem_responses(404, 409),
             summary="Apply a dead letter again through this service's consumer (admin)")
async def replay_dead_letter(dead_letter_id: DeadLetterId, request: Request, _: AdminDep) -> ReplayResult:
    row = await _row(request, dead_letter_id)
    if row.status != dl.OPEN:
        raise Conflict(f"dead letter {dead_letter_id} was already replayed", rule="already_replayed")
    outcome = await dl.replay(_runtime(request), row)
    return ReplayResult(id=outcome.id, outcome=outcome.outcome, error=outcome.error)


@router.post("/replay", response_model=ReplayAll, summary="Replay every open dead letter, oldest first (admin)")
async def replay_all_dead_letters(
        request: Request, _: AdminDep, topic: Annotated[str | None, Query(max_length=120)] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000) -> ReplayAll:
    outcomes = await dl.replay_open(_runtime(request), topic=topic, limit=limit)
    count = {k: sum(o.outcome == k for o in outcomes) for k in ("applied", "already_applied", "failed")}
    return ReplayAll(**count, results=[ReplayResult(id=o.id, outcome=o.outcome, error=o.error) for o in outcomes])
