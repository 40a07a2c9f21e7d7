"""Issue 11: a worker is ready when it consumes (joined its group) and its relay runs, not
when the process merely started; `local-cluster.sh up` waits for this /readyz."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

import httpx

from shared import worker_status
from tests.support.processes import free_port


async def test_the_worker_is_ready_only_once_consumer_and_relay_run():
    joined = asyncio.Event()
    consumer = SimpleNamespace(ready=joined, consumer=None)
    relay = SimpleNamespace(state="starting")
    worker_status.track(SimpleNamespace(migrated=True, name="probe"), relay, consumer)
    port = free_port()
    server = await worker_status.serve("127.0.0.1", port)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            r = await client.get("/readyz")
            assert r.status_code == 503 and len(r.json()["missing"]) == 2
            joined.set()
            assert (await client.get("/readyz")).status_code == 503
            relay.state = "standby"  # another instance holds the lock: still a ready worker
            r = await client.get("/readyz")
            assert r.status_code == 200 and r.json()["relay"] == "standby"
            assert (await client.get("/healthz")).status_code == 200
            assert "ar_outbox_backlog" in (await client.get("/metrics")).text
            assert (await client.get("/nope")).status_code == 404
    finally:
        server.close()
        worker_status._tracked.clear()
