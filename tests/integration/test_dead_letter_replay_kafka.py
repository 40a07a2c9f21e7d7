"""Issue 11/10, the Kafka mode of the dead-letter procedure (the embedded one is in
tests/unit/shared/test_dead_letter_replay.py): the real worker (`run_worker`, as
`python -m services.ledger worker` runs it) records a dead letter in the ledger's own
table besides publishing it to ledger.dead-letter; the API process lists it and, after
the fix (a configuration that refused large orders now flags them), replays it through the
ledger's EventProcessor, and it takes effect. The
worker's /readyz says ready only once its consumer joined the group and its relay runs."""
from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from services.ledger.bootstrap import SERVICE, dependencies
from services.ledger.config import load_config
from shared import worker_status
from shared.app_factory import create_service_app
from shared.events.envelope import new_envelope, to_kafka
from shared.events.ledger import InvoiceIssuedV1
from shared.hosting import run_worker
from shared.runtime import ServiceRuntime
from shared.settings import Settings
from tests.support.embedded import ADMIN_KEY
from tests.support.kafka import collect, produce, skip_history, wait_until
from tests.support.processes import free_port

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
AUTH = {"Authorization": f"Bearer {ADMIN_KEY}"}


async def test_a_worker_dead_letter_is_listed_and_replayed_through_the_api(postgres_url, kafka_bootstrap,
                                                                          monkeypatch):
    unique = uuid.uuid4().hex[:8]
    monkeypatch.setenv("AR_LEDGER_LARGE_ORDER_ACTION", "refuse")  # the worker's configuration
    port = free_port()
    settings = Settings(env="test", ledger_database_url=postgres_url, kafka_bootstrap_servers=kafka_bootstrap,
                        transport="kafka", bootstrap_admin_key=ADMIN_KEY, relay_poll_seconds=0.05,
                        consumer_backoff_seconds=0.05, metrics_port=port)
    # group "ledger" as the real worker: from the end of the shared topics (other tests' events)
    await skip_history(kafka_bootstrap, "ledger", sorted(set(SERVICE.all_handlers()) | set(SERVICE.batch_handlers)))
    stop = asyncio.Event()
    server = await worker_status.serve("127.0.0.1", port)
    worker = asyncio.create_task(run_worker(SERVICE, settings, stop))
    api_runtime = ServiceRuntime(SERVICE, settings)  # the API process: same database, no consumer
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as status:
            first = await status.get("/readyz")
            async def ready():
                return (await status.get("/readyz")).status_code == 200
            assert await wait_until(ready, timeout=60), (await status.get("/readyz")).text
            assert first.status_code in (200, 503)
            assert "ar_events_consumed" in (await status.get("/metrics")).text
        await api_runtime.open()
        large = InvoiceIssuedV1(invoice_number=f"INV-{unique}", customer_id=f"K{unique}", issue_date="2026-04-01",
                                payment_terms="NET30", amount="2000000.00", currency="CNY")
        env = new_envelope(large, "/billing", f"corr-{unique}")
        await produce(kafka_bootstrap, "invoice-issued", [to_kafka(env)])

        app = create_service_app(api_runtime)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t",
                                     headers=AUTH) as api:
            async def mine() -> list:
                items = (await api.get("/v1/dead-letters?limit=500")).json()["items"]
                return [i for i in items if i["event_id"] == env.id]
            assert await wait_until(mine, timeout=30)
            (item,) = await mine()
            assert item["event_id"] == env.id and item["correlation_id"] == f"corr-{unique}"
            assert item["partition"] is not None and item["offset"] is not None
            on_topic = await collect(kafka_bootstrap, "ledger.dead-letter", lambda m: unique.encode() in m.value,
                                     expect=1)
            assert len(on_topic) == 1

            # the fix: large orders are booked and flagged (the API process runs the new configuration)
            api_runtime.deps = dependencies(api_runtime, load_config(large_order_action="flag"))
            replayed = await api.post(f"/v1/dead-letters/{item['id']}/replay")
            assert replayed.json()["outcome"] == "applied", replayed.text
            booked = (await api.get(f"/v1/invoices/INV-{unique}")).json()
            assert booked["flags"] == ["large_order.no_instalments"]
            assert await mine() == []
    finally:
        stop.set()
        await asyncio.wait_for(worker, 60)
        server.close()
        await api_runtime.close()
