"""Issue 11: `ar_outbox_backlog` shows the real backlog while the transport is down (it
used to be refreshed only after a successful drain, so it read 0 during a Kafka outage)."""
from __future__ import annotations

import asyncio

from prometheus_client import REGISTRY

from shared.db import Database
from shared.relay import OutboxRelay
from tests.support import probe


class BrokerDown:
    """A transport whose broker never answers: sends fail after a while, as aiokafka's do."""

    async def send_batch(self, messages):
        await asyncio.sleep(0.05)
        raise ConnectionError("broker unreachable")


def gauge(service: str) -> float | None:
    return REGISTRY.get_sample_value("ar_outbox_backlog", {"service": service})


async def test_the_backlog_gauge_counts_unpublished_rows_during_a_broker_outage(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'p.sqlite3'}")
    await probe.create_schema(db)
    async with db.unit_of_work("/p") as uow:
        for i in range(7):
            uow.emit(probe.invoice(f"WAIT-{i}"))
        await uow.commit()
    relay = OutboxRelay(db, BrokerDown(), "backlog-probe", poll_seconds=0.05, backlog_seconds=0.1)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        for _ in range(50):
            await asyncio.sleep(0.1)
            if gauge("backlog-probe") == 7:
                break
        assert gauge("backlog-probe") == 7
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        await db.dispose()
