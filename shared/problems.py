"""Errors as RFC 9457 problem+json: the one place a `RuleError` (and FastAPI's own
validation and HTTP errors) becomes a response, and the shapes the OpenAPI document
declares for them."""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import RuleError
from shared.logs import current_correlation_id

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"


def problem_response(status: int, body: dict[str, Any], headers: dict | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def render(error: RuleError, instance: str | None = None) -> JSONResponse:
    headers = {"WWW-Authenticate": getattr(error, "challenge", "Bearer")} if error.status == 401 else None
    return problem_response(error.status, error.body(instance, current_correlation_id()), headers)


def _loc(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or ".".join(str(p) for p in loc)


def _json_error(error: dict) -> dict:
    """A body that is not JSON at all: name the body and where the parser stopped."""
    where = next((p for p in error.get("loc", ()) if isinstance(p, int)), None)
    at = f" at character {where}" if where is not None else ""
    return {"field": "body", "rule": "json_invalid", "message": f"not valid JSON{at}: {error.get('ctx', {}).get('error', '')}".rstrip(": ")}


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(RuleError)
    async def _rule(request: Request, exc: RuleError):
        return render(exc, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = [_json_error(e) if e.get("type") == "json_invalid" else
                  {"field": _loc(tuple(e.get("loc", ()))), "rule": e.get("type", "invalid"), "message": e.get("msg", "")}
                  for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return render(RuleError(detail or "invalid request", errors=errors), request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400 and exc.detail == _BODY_NOT_PARSED:  # e.g. bytes that are not UTF-8
            return render(RuleError("the body is not valid JSON text", "body", "json_invalid"), request.url.path)
        problem = RuleError(str(exc.detail), status=exc.status_code)
        problem.slug, problem.title = "http-error", _titles.get(exc.status_code, "Error")
        return problem_response(exc.status_code, problem.body(request.url.path, current_correlation_id()),
                                getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        log.exception("unhandled error", extra={"path": request.url.path})
        problem = RuleError("an internal error occurred; quote the correlation id to support", status=500)
        problem.slug, problem.title = "internal-error", "Internal server error"
        return problem_response(500, problem.body(request.url.path, current_correlation_id()))


_BODY_NOT_PARSED = "There was an error parsing the body"  # FastAPI's bare 400: the same 422 as any bad JSON
_titles = {404: "Not found", 405: "Method not allowed", 401: "Authentication required",
           403: "Not allowed", 409: "Conflict", 413: "Payload too large", 415: "Unsupported media type"}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """For `responses=` on routes, so the OpenAPI document shows the problem shapes."""
    described = {400: "Bad request", 401: "Missing or unknown API key", 403: "Role not allowed",
                 404: "Not found", 409: "Conflicts with what is stored", 413: "The body is larger than accepted",
                 415: "The body is not JSON", 422: "Invalid input", 503: "The database is unavailable: retry"}
    return {s: {"description": described.get(s, "Problem"),
                "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            for s in statuses}
