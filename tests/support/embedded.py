"""The whole product in-process for tests: EmbeddedHost on temporary SQLite files (or
PostgreSQL URLs), called through httpx's ASGITransport."""
from __future__ import annotations

import contextlib
from datetime import datetime, timezone

import httpx

from shared.events.envelope import new_envelope, to_kafka
from shared.transport import OutgoingMessage

from services.catalog import definitions
from shared.clock import FixedClock
from shared.hosting import EmbeddedHost
from shared.settings import Settings

ADMIN_KEY = "test-admin-key-0123456789abcdef"


@contextlib.asynccontextmanager
async def embedded_product(tmp_path, *, names=None, now: datetime | None = None, **overrides):
    settings = Settings(env="test", data_dir=tmp_path, bootstrap_admin_key=ADMIN_KEY,
                        relay_poll_seconds=0.05, **overrides)
    clock = FixedClock(now or datetime(2026, 6, 1, 4, 0, tzinfo=timezone.utc))
    host = EmbeddedHost(definitions(names) if names else definitions(), settings, clock=clock, run_jobs=False)
    app = host.app()
    await host.start()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test",
                                     headers={"Authorization": f"Bearer {ADMIN_KEY}"}) as client:
            client.host = host
            client.clock = clock
            yield client
    finally:
        await host.stop()


async def deliver(client, *payloads, source: str = "/billing") -> None:
    """Events as another system would publish them, through the in-process bus (the
    same envelope bytes as Kafka), then every outbox settled."""
    messages = []
    for p in payloads:
        key, value, headers = to_kafka(new_envelope(p, source))
        messages.append(OutgoingMessage(p.topic, key, value, headers))
    await client.host.bus.dispatch(messages)
    await client.host.settle()
