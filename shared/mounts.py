"""The root ASGI app of a process: each service's app under `/<name>`, the process's
lifespan, an index at `/` and an aggregate `/healthz`.

A prefix lookup rather than a Starlette app with `Mount`s: a request then passes through
one application stack (its service's) instead of two, which is a tenth of the credit
check's CPU at moderate load (docs/benchmarks.md, "Credit check"). The child scope is the
one `Mount` gives (`root_path` extended by the prefix), so services see no difference.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from types import SimpleNamespace
from typing import Any

log = logging.getLogger(__name__)
ASGIApp = Callable[..., Any]


class ServiceMounts:
    def __init__(self, apps: Mapping[str, ASGIApp], lifespan: Callable[[Any], AbstractAsyncContextManager],
                 activity: Any = None, **state: Any) -> None:
        self._apps = {f"/{name}": app for name, app in apps.items()}
        self._activity = activity  # counts requests in flight (shared/write_lock.RequestActivity), if given
        self._names = list(apps)
        self._lifespan = lifespan
        self.state = SimpleNamespace(**state)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            await self._run_lifespan(receive, send)
            return
        path: str = scope["path"]
        end = path.find("/", 1)
        app = self._apps.get(path[:end]) if end > 0 else None
        if app is not None:
            root_path = scope.get("root_path", "")
            child = {**scope, "root_path": root_path + path[:end], "app_root_path": scope.get("app_root_path", root_path)}
            if self._activity is None or scope["type"] != "http":
                await app(child, receive, send)
                return
            self._activity.enter()
            try:
                await app(child, receive, send)
            finally:
                self._activity.leave()
        elif scope["type"] != "http":
            return  # a websocket nobody serves: closing without accepting refuses it
        elif path == "/":
            await _json(send, 200, {"services": {n: {"docs": f"/{n}/docs", "health": f"/{n}/healthz"}
                                                 for n in self._names}})
        elif path == "/healthz":
            await _json(send, 200, {"status": "ok", "services": self._names})
        else:
            await _json(send, 404, {"type": "about:blank", "title": "Not Found", "status": 404,
                                    "detail": f"no service serves {path}; see / for the services"},
                        b"application/problem+json")

    async def _run_lifespan(self, receive, send) -> None:
        """The ASGI lifespan protocol around the process's `lifespan` context manager."""
        message = await receive()
        assert message["type"] == "lifespan.startup"
        context = self._lifespan(self)
        try:
            await context.__aenter__()
        except BaseException as exc:
            log.exception("start-up failed")
            await send({"type": "lifespan.startup.failed", "message": repr(exc)})
            return
        await send({"type": "lifespan.startup.complete"})
        message = await receive()
        try:
            await context.__aexit__(None, None, None)
        except BaseException as exc:
            log.exception("shut-down failed")
            await send({"type": "lifespan.shutdown.failed", "message": repr(exc)})
            return
        await send({"type": "lifespan.shutdown.complete"})


async def _json(send, status: int, body: dict, media_type: bytes = b"application/json") -> None:
    content = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", media_type), (b"content-length", str(len(content)).encode())]})
    await send({"type": "http.response.body", "body": content})
