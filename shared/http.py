"""ASGI middleware: correlation id in and out, request metrics by route template, and
one access-log line per request. Pure ASGI (not BaseHTTPMiddleware) to stay cheap on
the credit check's hot path."""
from __future__ import annotations

import json
import logging
import time

from shared.logs import correlation_id, new_correlation_id, service_name
from shared.metrics import HTTP_LATENCY, HTTP_REQUESTS

log = logging.getLogger("ar.access")
_HEADERS = (b"x-correlation-id", b"x-request-id")


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
        cid = None
        for name, value in scope.get("headers", ()):
            if name in _HEADERS and value:
                cid = value.decode("latin-1")[:100]
                break
        cid = cid or new_correlation_id()
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
        except Exception:
            # Rendered here, not by Starlette's outermost handler, so the problem and
            # the log line still carry the correlation id.
            log.exception("unhandled error", extra={"path": scope.get("path")})
            if not started:
                await send_wrapper({"type": "http.response.start", "status": 500, "headers": [
                    (b"content-type", b"application/problem+json")]})
                await send_wrapper({"type": "http.response.body", "body": json.dumps({
                    "type": "https://receivables.dev/problems/internal-error", "title": "Internal server error",
                    "status": 500, "detail": "an internal error occurred; quote the correlation id to support",
                    "instance": scope.get("path"), "correlation_id": cid}).encode()})
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
