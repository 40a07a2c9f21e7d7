"""The worker's own small HTTP server on AR_METRICS_HOST:AR_METRICS_PORT:

- `/metrics`  Prometheus (what `prometheus_client.start_http_server` served before);
- `/healthz`  the process answers;
- `/readyz`   200 once the worker does its job: migrations applied, the Kafka consumer has
  joined its group (partitions assigned; with more instances than partitions an instance
  may get none and is still a ready member), the outbox relay is running (leader, or
  standby behind another instance's lock). Otherwise 503 naming what is missing.

`deploy/local-cluster.sh up` waits for every worker's /readyz, so "up" means "consuming",
not only "the APIs answer". On the asyncio loop of the worker: it reads the state directly.
It binds loopback unless told otherwise (compose sets AR_METRICS_HOST=0.0.0.0 for Prometheus).
"""
from __future__ import annotations

import asyncio
import json
import logging

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared import metrics  # noqa: F401  (the ar_* series exist before the first event)

log = logging.getLogger(__name__)
_tracked: dict = {}


def track(runtime, relay, consumer) -> None:
    """Called by the worker once it has built its parts."""
    _tracked.update(runtime=runtime, relay=relay, consumer=consumer)


def readiness() -> tuple[bool, dict]:
    runtime, relay, consumer = (_tracked.get(k) for k in ("runtime", "relay", "consumer"))
    missing = []
    if runtime is None or not runtime.migrated:
        missing.append("database not opened or not migrated")
    if consumer is None or not consumer.ready.is_set():
        missing.append("consumer has not joined its group (no partitions assigned yet)")
    relay_state = getattr(relay, "state", None)
    if relay_state not in ("leader", "standby"):
        missing.append(f"outbox relay not running ({relay_state or 'not started'})")
    body = {"status": "ready" if not missing else "not ready", "service": getattr(runtime, "name", None),
            "relay": relay_state,
            "partitions": len(consumer.consumer.assignment()) if consumer is not None and consumer.consumer else 0}
    if missing:
        body["missing"] = missing
    return not missing, body


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        request = await asyncio.wait_for(reader.readline(), 5)
        while (await asyncio.wait_for(reader.readline(), 5)) not in (b"\r\n", b"\n", b""):
            pass  # headers: not needed
        parts = request.decode("latin-1").split()
        path = parts[1].split("?")[0] if len(parts) > 1 else "/"
        if path == "/metrics":
            status, ctype, body = 200, CONTENT_TYPE_LATEST, generate_latest()
        elif path == "/healthz":
            status, ctype, body = 200, "application/json", b'{"status":"ok"}'
        elif path == "/readyz":
            ok, info = readiness()
            status, ctype, body = (200 if ok else 503), "application/json", json.dumps(info).encode()
        else:
            status, ctype, body = 404, "application/problem+json", json.dumps(
                {"type": "about:blank", "title": "Not Found", "status": 404,
                 "detail": "the worker serves /metrics, /healthz and /readyz"}).encode()
        reason = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}[status]
        writer.write(f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                     "Connection: close\r\n\r\n".encode() + body)
        await writer.drain()
    except (asyncio.TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()


async def serve(host: str, port: int) -> asyncio.base_events.Server:
    server = await asyncio.start_server(_handle, host, port)
    log.info("worker status on http://%s:%d/ (metrics, healthz, readyz)", host, port)
    return server
