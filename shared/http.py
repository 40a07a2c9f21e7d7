"""ASGI middleware: correlation id in and out, request metrics by route template, and
one access-log line per request. Pure ASGI (not BaseHTTPMiddleware) to stay cheap on
the credit check's hot path."""
from __future__ import annotations

import json
import logging
import time

from shared.logs import correlation_id, new_correlation_id, service_name
from shared.metrics import HTTP_LATENCY, HTTP_REQUESTS
from shared.unavailable import crash_problem


log = logging.getLogger("ar.access")


def caller_correlation_id(headers) -> str | None:
    """The caller's X-Correlation-ID wins over X-Request-ID, whatever their order: a gateway
    adds its own request id (nginx), and the caller's id must survive it."""
    request_id = None
    for name, value in headers:
        if not value:
            continue
        if name == b"x-correlation-id":
            return value.decode("latin-1")[:100]
        if name == b"x-request-id" and request_id is None:
            request_id = value.decode("latin-1")[:100]
    return request_id


class RequestContextMiddleware:
    def __init__(self, app, service: str) -> None:
        self.app = app
        self.service = service
        # (method, route, status) -> its counter and histogram: `labels()` takes a lock and
        # builds a key on every call; there are only a few dozen combinations.
        self._series: dict[tuple[str, str, int], tuple] = {}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cid = caller_correlation_id(scope.get("headers", ())) or new_correlation_id()
        token = correlation_id.set(cid)
        svc_token = service_name.set(self.service)
        t0 = time.perf_counter()
        status = 500
        started = False

        async def send_wrapper(message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-correlation-id", cid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            # Rendered here, not by Starlette's outermost handler, so the problem and
            # the log line still carry the correlation id.
            # A database outage inside a middleware (the Idempotency-Key lookup) is a 503 too.
            if not started:
                body, headers = crash_problem(exc, scope.get("path"), cid)
                await send_wrapper({"type": "http.response.start", "status": body["status"], "headers": [
                    (b"content-type", b"application/problem+json"), *headers]})
                await send_wrapper({"type": "http.response.body", "body": json.dumps(body).encode()})
        finally:
            elapsed = time.perf_counter() - t0
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope.get("method", "")
            series = self._series.get((method, template, status))
            if series is None:
                series = self._series[(method, template, status)] = (
                    HTTP_REQUESTS.labels(self.service, method, template, str(status)),
                    HTTP_LATENCY.labels(self.service, method, template))
            series[0].inc()
            series[1].observe(elapsed)
            if template not in ("/healthz", "/readyz", "/metrics"):
                log.info("%s %s %s", method, scope.get("path"), status,
                         extra={"status": status, "ms": round(elapsed * 1000, 2), "route": template})
            correlation_id.reset(token)
            service_name.reset(svc_token)
