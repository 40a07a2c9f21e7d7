"""Typed errors that carry their HTTP status, rendered by one handler as RFC 9457
problem+json. Services raise these from handlers; consumers treat a 4xx as a defect of
the message (dead-letter it) rather than something a retry can fix."""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.logs import current_correlation_id

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"
TYPE_BASE = "https://receivables.dev/problems/"


class ProblemError(Exception):
    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None,
                 status: int | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.extra = extra
        if status is not None:
            self.status = status

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": TYPE_BASE + self.slug, "title": self.title,
                                "status": self.status, "detail": self.detail}
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
        if cid := current_correlation_id():
            body["correlation_id"] = cid
        body.update(self.extra)
        return body


class ValidationProblem(ProblemError):
    status, slug, title = 422, "validation-error", "The request is not valid"

    @classmethod
    def field(cls, field: str, message: str, rule: str = "invalid") -> "ValidationProblem":
        return cls(f"{field}: {message}", errors=[{"field": field, "rule": rule, "message": message}])


class NotFound(ProblemError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(ProblemError):
    status, slug, title = 409, "conflict", "Conflict with the current state"


class Unauthorized(ProblemError):
    status, slug, title = 401, "unauthorized", "Authentication required"


class Forbidden(ProblemError):
    status, slug, title = 403, "forbidden", "Not allowed"


def problem_response(status: int, body: dict[str, Any], headers: dict | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _loc(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or ".".join(str(p) for p in loc)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return problem_response(exc.status, exc.body(request.url.path), headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = [{"field": _loc(tuple(e.get("loc", ()))), "rule": e.get("type", "invalid"),
                   "message": e.get("msg", "")} for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        problem = ValidationProblem(detail or "invalid request", errors=errors)
        return problem_response(422, problem.body(request.url.path))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        problem = ProblemError(str(exc.detail), status=exc.status_code)
        problem.slug, problem.title = "http-error", _titles.get(exc.status_code, "Error")
        return problem_response(exc.status_code, problem.body(request.url.path),
                                getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        log.exception("unhandled error", extra={"path": request.url.path})
        problem = ProblemError("an internal error occurred; quote the correlation id to support",
                               status=500)
        problem.slug, problem.title = "internal-error", "Internal server error"
        return problem_response(500, problem.body(request.url.path))


_titles = {404: "Not found", 405: "Method not allowed", 401: "Authentication required",
           403: "Not allowed", 409: "Conflict", 413: "Payload too large", 415: "Unsupported media type"}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """For `responses=` on routes, so the OpenAPI document shows the problem shapes."""
    described = {400: "Bad request", 401: "Missing or unknown API key", 403: "Role not allowed",
                 404: "Not found", 409: "Conflicts with what is stored", 422: "Invalid input"}
    return {s: {"description": described.get(s, "Problem"),
                "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            for s in statuses}
