"""The app factory: every service gets the same /healthz, /readyz, /metrics, OpenAPI
docs, problem+json errors, API-key administration and request middleware."""
from __future__ import annotations

from fastapi import FastAPI, Response
from fastapi.openapi.utils import get_openapi
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field

from shared.api_docs import install_api_docs
from shared.api_keys_routes import router as api_keys_router
from shared.dead_letter_routes import router as dead_letters_router
from shared.problems import install_problem_handlers, problem_response, problem_responses
from shared.request_limits import RequestLimitsMiddleware
from shared.http import RequestContextMiddleware
from shared.idempotency import IdempotencyMiddleware
from shared.runtime import ServiceRuntime
from shared.unavailable import install_unavailable_handlers

PROBLEM_SCHEMA = {
    "type": "object", "title": "Problem",
    "description": "RFC 9457 problem details. `errors` names each invalid field and the rule it broke.",
    "properties": {
        "type": {"type": "string", "format": "uri"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"}, "instance": {"type": "string"},
        "correlation_id": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "rule": {"type": "string"}, "message": {"type": "string"}}}},
    },
    "required": ["type", "title", "status"],
}


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    service: str


def create_service_app(runtime: ServiceRuntime) -> FastAPI:
    d = runtime.definition
    app = FastAPI(
        title=d.title, description=d.description, version=d.version,
        openapi_tags=[*d.openapi_tags, {"name": "operations", "description": "Health, readiness, metrics"},
                      {"name": "api-keys", "description": "API keys (admin)"},
                      {"name": "dead-letters", "description": "Events this service could not apply: list, replay (admin)"}],
        docs_url=None, redoc_url=None, openapi_url="/openapi.json",  # served from the product: install_api_docs
        swagger_ui_parameters={"persistAuthorization": True},
    )
    app.state.runtime = runtime
    install_problem_handlers(app)
    install_unavailable_handlers(app)  # a database outage: 503 + Retry-After, not 500
    install_api_docs(app)
    # The service's own routes first: the router tries routes in order, and the credit
    # check is matched on every sale.
    for router in d.routers:
        app.include_router(router, prefix="/v1")
    for page in d.pages:
        app.include_router(page, include_in_schema=False)

    @app.get("/healthz", tags=["operations"], response_model=Health, summary="Liveness")
    async def healthz() -> Health:
        return Health(status="ok", service=runtime.name)

    @app.get("/readyz", tags=["operations"], response_model=Health, summary="Readiness: database reachable, migrated",
             responses={503: {**problem_responses(503)[503], "description": "Not ready"}})
    async def readyz():
        try:
            await runtime.db.ping()
        except Exception as exc:
            return problem_response(503, {"type": "about:blank", "title": "Not ready", "status": 503,
                                          "detail": f"database unreachable: {type(exc).__name__}"})
        if not runtime.migrated:
            return problem_response(503, {"type": "about:blank", "title": "Not ready", "status": 503,
                                          "detail": "migrations not applied yet"})
        return Health(status="ready", service=runtime.name)

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics", response_class=Response)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app.include_router(api_keys_router, prefix="/v1")
    app.include_router(dead_letters_router, prefix="/v1")
    app.add_middleware(IdempotencyMiddleware, db=runtime.db)
    app.add_middleware(RequestLimitsMiddleware, max_body_bytes=runtime.settings.max_body_bytes,
                       max_upload_bytes=runtime.settings.max_upload_bytes)
    app.add_middleware(RequestContextMiddleware, service=runtime.name)

    def openapi():
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description,
                             routes=app.routes, tags=app.openapi_tags)
        comps = schema.setdefault("components", {})
        comps.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        comps.setdefault("securitySchemes", {})["ApiKey"] = {
            "type": "http", "scheme": "bearer", "description": "An API key: `Authorization: Bearer <key>`"}
        schema["security"] = [{"ApiKey": []}]
        for path in ("/healthz", "/readyz", "/metrics"):
            for op in schema["paths"].get(path, {}).values():
                op["security"] = []
        for ops in schema["paths"].values():
            for method, op in ops.items():
                responses = op.setdefault("responses", {})
                if "422" in responses:  # FastAPI's own validation answer is problem+json here too
                    responses["422"] = problem_responses(422)[422]
                if method in ("post", "put", "patch") and "requestBody" in op:
                    # every body is bounded and must be JSON (or an upload)
                    for status, described in problem_responses(413, 415).items():
                        responses.setdefault(str(status), described)
        for unused in ("HTTPValidationError", "ValidationError"):
            comps["schemas"].pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
    return app
