"""`Idempotency-Key` on POST: the first response for (caller, route, key) is stored and
replayed for repeats with the same body; the same key with a different body is a 409.

Kept in each service's own `idempotency_keys` table. The response is stored after the
request's transaction committed, so a crash in between can let a retry execute again;
the business keys (invoice number, payment reference, order ref) still make that
harmless. 5xx responses are not stored: the caller may retry them.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import sqlalchemy as sa

from shared.db import Database
from shared.platform_tables import idempotency_keys

HEADER = b"idempotency-key"


class IdempotencyMiddleware:
    def __init__(self, app, db: Database) -> None:
        self.app = app
        self.db = db

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        key = headers.get(HEADER)
        if not key:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        caller = hashlib.sha256(headers.get(b"authorization", b"")).hexdigest()[:16]
        route = f"POST {scope.get('root_path', '')}{scope.get('path', '')}"[:150]
        ident = {"scope": f"{caller}:{route}"[:200], "key": key.decode("latin-1")[:200]}
        request_hash = hashlib.sha256(body).hexdigest()
        stored = await self._lookup(ident)
        if stored is not None:
            if stored.request_hash != request_hash:
                await _send_json(send, 409, {
                    "type": "https://receivables.dev/problems/idempotency-key-reused", "status": 409,
                    "title": "Idempotency-Key reused with a different request",
                    "detail": "this Idempotency-Key was already used with another body"},
                    b"application/problem+json")
                return
            await _send_json(send, stored.status_code, json.loads(stored.response), b"application/json",
                             replayed=True)
            return

        captured: dict = {"status": None, "body": b"", "type": b""}

        async def send_capture(message) -> None:
            if message["type"] == "http.response.start":
                response_headers = dict(message.get("headers") or ())
                captured["status"] = message["status"]
                captured["type"] = response_headers.get(b"content-type", b"")
                captured["no_store"] = b"no-store" in response_headers.get(b"cache-control", b"")
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        await self.app(scope, _replay(body), send_capture)
        status = captured["status"] or 500
        # Responses marked Cache-Control: no-store (e.g. a new API key) are never kept.
        if status < 500 and captured["type"].startswith(b"application/json") and not captured.get("no_store"):
            await self._store(ident, request_hash, status, captured["body"])

    async def _lookup(self, ident: dict):
        async with self.db.sessionmaker() as session:
            return (await session.execute(sa.select(idempotency_keys).where(
                idempotency_keys.c.scope == ident["scope"], idempotency_keys.c.key == ident["key"]))).first()

    async def _store(self, ident: dict, request_hash: str, status: int, body: bytes) -> None:
        try:
            async with self.db.unit_of_work("/idempotency") as uow:
                await uow.execute(sa.insert(idempotency_keys).values(
                    **ident, request_hash=request_hash, status_code=status, response=body.decode(),
                    created_at=datetime.now(timezone.utc)))
                await uow.commit()
        except sa.exc.IntegrityError:
            pass  # a concurrent twin stored it first; both saw the same business outcome


async def _read_body(receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


def _replay(body: bytes):
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _send_json(send, status: int, payload, content_type: bytes, replayed: bool = False) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    if replayed:
        headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
