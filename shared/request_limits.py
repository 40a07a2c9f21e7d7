"""What a request body may be, checked before any route sees it: a JSON body (the API's
only body besides file uploads) of at most `max_body_bytes`, a multipart upload of at most
`max_upload_bytes` (the import has its own, smaller limit besides). Anything else is a
415; more is a 413 — both problem+json, declared in the OpenAPI document. A client that
sends 20 MB of JSON is refused after reading its length, not after the process spent a
minute parsing it.

Pure ASGI (not BaseHTTPMiddleware): it sits on the credit check's hot path."""
from __future__ import annotations

import json

from shared.errors import RuleError
from shared.logs import current_correlation_id

JSON_TYPES = ("application/json",)
UPLOAD_TYPES = ("multipart/form-data",)


def _media_type(headers: dict[bytes, bytes]) -> str:
    return headers.get(b"content-type", b"").decode("latin-1").partition(";")[0].strip().lower()


class RequestLimitsMiddleware:
    def __init__(self, app, *, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_upload = max_upload_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        length = headers.get(b"content-length")
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        has_body = chunked or (length is not None and length.strip() not in (b"", b"0"))
        if not has_body:
            await self.app(scope, receive, send)
            return
        media = _media_type(headers)
        upload = media in UPLOAD_TYPES
        if not upload and not (media in JSON_TYPES or (media.startswith("application/") and media.endswith("+json"))):
            await _refuse(send, scope, 415, "unsupported-media-type", "Unsupported media type",
                          f"send the body as JSON (Content-Type: application/json), not {media or 'no type'}",
                          "content_type")
            return
        limit = self.max_upload if upload else self.max_body
        if length is not None and length.strip().isdigit() and int(length) > limit:
            await _refuse(send, scope, 413, "payload-too-large", "Payload too large",
                          f"the body is {int(length):,} bytes; at most {limit:,} are accepted here", "body_size")
            return
        # Count what actually arrives (a chunked body, or a length that lied).
        body, more = [], True
        received = 0
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                await _refuse(send, scope, 413, "payload-too-large", "Payload too large",
                              f"the body is over {limit:,} bytes, the most accepted here", "body_size")
                return
            body.append(chunk)
            more = message.get("more_body", False)
        data = b"".join(body)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _refuse(send, scope, status: int, slug: str, title: str, detail: str, rule: str) -> None:
    problem = RuleError(detail, "body", rule, status)
    problem.slug, problem.title = slug, title
    payload = json.dumps(problem.body(scope.get("path"), current_correlation_id())).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
