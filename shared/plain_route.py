"""A route served without FastAPI's per-request machinery, for hot paths (the credit check:
`services/credit/endpoints/checks.py`). For every request FastAPI resolves the
dependencies, parses and validates the body and records each step for its telemetry: about
40 µs of the ~330 µs a credit check costs the process under load, a tenth of its
throughput (docs/benchmarks.md, "Credit check").

`PlainRoute` keeps the route an APIRoute (OpenAPI description, response model, problem
handlers, body size limit) but calls the endpoint with the request alone; the endpoint
gets its command context with `authorize` and reads its body with `json_body`, with the
outcomes of the usual route: 401/403, then 422 naming each invalid field.
"""
from __future__ import annotations

from typing import TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from shared import auth
from shared.context import Context

Model = TypeVar("Model", bound=BaseModel)


class PlainRoute(APIRoute):
    def get_route_handler(self):
        return self.endpoint


async def authorize(request: Request, roles: tuple[str, ...]) -> Context:
    """`shared.auth.requires(*roles)` as a plain call: the command context of the caller."""
    principal = auth.authorize(await auth.current_principal(request), roles)
    return auth.context_of(request, principal)


async def json_body(request: Request, model: type[Model]) -> Model:
    """The body as `model`. (Its media type and size were checked by shared.request_limits.)"""
    try:
        return model.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError([{**error, "loc": ("body", *error["loc"])}
                                      for error in exc.errors(include_url=False)]) from exc


def json_body_doc(model: type[BaseModel]) -> dict:
    """`openapi_extra` describing the body a plain route reads."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": model.model_json_schema()}}}}
