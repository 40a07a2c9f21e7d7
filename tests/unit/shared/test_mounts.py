"""The root ASGI app of a process: services under their prefixes, the index, the aggregate
health check, a problem for any other path, and the lifespan around the process."""
from __future__ import annotations

import contextlib
import json

from shared.mounts import ServiceMounts


def recording_app(name: str, seen: list):
    async def app(scope, receive, send):
        seen.append((name, scope["path"], scope["root_path"]))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": name.encode()})
    return app


async def get(app, path: str, root_path: str = "") -> tuple[int, dict, bytes]:
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)
    await app({"type": "http", "method": "GET", "path": path, "root_path": root_path, "headers": []}, receive, send)
    return sent[0]["status"], dict(sent[0]["headers"]), b"".join(m.get("body", b"") for m in sent[1:])


def mounts(seen: list, lifespan=None) -> ServiceMounts:
    @contextlib.asynccontextmanager
    async def nothing(_app):
        yield
    return ServiceMounts({"ledger": recording_app("ledger", seen), "credit": recording_app("credit", seen)},
                         lifespan or nothing)


async def test_a_request_goes_to_its_service_with_the_prefix_as_root_path_like_a_mount():
    seen = []
    app = mounts(seen)
    assert (await get(app, "/credit/v1/checks"))[2] == b"credit"
    assert (await get(app, "/ledger/v1/invoices", root_path="/api"))[2] == b"ledger"
    assert seen == [("credit", "/credit/v1/checks", "/credit"), ("ledger", "/ledger/v1/invoices", "/api/ledger")]


async def test_the_index_and_health_name_the_services():
    app = mounts([])
    status, _, body = await get(app, "/")
    assert status == 200 and json.loads(body)["services"]["credit"] == {"docs": "/credit/docs",
                                                                         "health": "/credit/healthz"}
    status, _, body = await get(app, "/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok", "services": ["ledger", "credit"]}


async def test_any_other_path_is_a_404_problem():
    seen = []
    app = mounts(seen)
    for path in ("/dunning/v1/cases", "/credit", "/credits/v1/checks"):
        status, headers, body = await get(app, path)
        assert status == 404 and headers[b"content-type"] == b"application/problem+json"
        assert json.loads(body)["status"] == 404 and path in json.loads(body)["detail"]
    assert seen == []


async def lifespan_messages(app, messages: list[str]) -> list[dict]:
    queue, sent = list(messages), []

    async def receive():
        return {"type": queue.pop(0)}

    async def send(message):
        sent.append(message)
    await app({"type": "lifespan"}, receive, send)
    return sent


async def test_the_lifespan_wraps_the_process():
    events = []

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        events.append("started")
        yield
        events.append("stopped")
    sent = await lifespan_messages(mounts([], lifespan), ["lifespan.startup", "lifespan.shutdown"])
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert events == ["started", "stopped"]


async def test_a_failed_start_up_is_reported_to_the_server():
    @contextlib.asynccontextmanager
    async def lifespan(_app):
        raise RuntimeError("database unreachable")
        yield
    sent = await lifespan_messages(mounts([], lifespan), ["lifespan.startup"])
    assert sent[0]["type"] == "lifespan.startup.failed" and "database unreachable" in sent[0]["message"]
