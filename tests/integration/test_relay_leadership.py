"""Issue 11: the relay's leadership survives a PostgreSQL restart. Two relays (as two
worker instances) share a service database; PostgreSQL restarts mid-stream, which drops
the leader's session and so its advisory lock. A relay that dies is started again, as a
process manager does. Every event must reach Kafka exactly once (no second leader
publishing alongside the first) and in order per customer."""
from __future__ import annotations

import asyncio
import json
import uuid

import pytest
import sqlalchemy as sa

from shared.db import Database
from shared.platform_tables import outbox
from shared.relay import OutboxRelay
from shared.transport import KafkaTransport
from tests.support import probe
from tests.support.kafka import collect
from tests.support.private_postgres import private_postgres

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
TOTAL, CUSTOMERS = 120, 6


class RecordingTransport(KafkaTransport):
    def __init__(self, bootstrap: str, name: str, sent: list) -> None:
        super().__init__(bootstrap, f"relay-{name}")
        self.name, self.sent = name, sent

    async def send_batch(self, messages):
        self.sent += [(self.name, json.loads(m.value)["invoice_number"]) for m in messages]
        return await super().send_batch(messages)


async def supervised_relay(name: str, url: str, bootstrap: str, sent: list, stop: asyncio.Event) -> None:
    """Like a worker under a process manager: a relay that crashes starts again."""
    while not stop.is_set():
        db = Database(url)
        transport = RecordingTransport(bootstrap, name, sent)
        await transport.start()
        try:
            await OutboxRelay(db, transport, "relay-probe", batch_size=5, poll_seconds=0.05,
                              takeover_seconds=2.0, probe_seconds=0.5, lock_retry_seconds=0.3).run(stop)
        except Exception:  # noqa: BLE001 - the crash of the process; restarted below
            await asyncio.sleep(0.3)
        finally:
            await transport.stop()
            await db.dispose()


async def produce(db: Database, unique: str, count: int, start: int) -> None:
    """One event every few ms, waiting out the restart like a client retrying."""
    for i in range(start, start + count):
        while True:
            try:
                async with db.unit_of_work("/probe") as uow:
                    uow.emit(probe.invoice(f"LEAD{unique}-{i:04d}", customer=f"L{unique}-{i % CUSTOMERS}"))
                    await uow.commit()
                break
            except Exception:  # noqa: BLE001 - the database is restarting
                await asyncio.sleep(0.2)
        await asyncio.sleep(0.02)


async def unpublished(db: Database) -> int:
    try:
        async with db.engine.connect() as conn:
            return await conn.scalar(sa.select(sa.func.count()).select_from(outbox).where(
                outbox.c.published_at.is_(None)))
    except Exception:  # noqa: BLE001
        return -1


async def test_a_postgres_restart_under_two_relays_publishes_each_event_once_in_order(kafka_bootstrap):
    unique = uuid.uuid4().hex[:8]
    with private_postgres() as pg:
        db = Database(pg.url())
        await probe.create_schema(db)
        sent: list = []
        stop = asyncio.Event()
        relays = [asyncio.create_task(supervised_relay(n, pg.url(), kafka_bootstrap, sent, stop)) for n in "AB"]
        try:
            await produce(db, unique, TOTAL // 2, 0)
            producing = asyncio.create_task(produce(db, unique, TOTAL // 2, TOTAL // 2))
            await asyncio.sleep(0.3)
            await asyncio.to_thread(pg.restart)  # mid-stream: the leader's session and lock are gone
            await producing
            async with asyncio.timeout(60):
                while await unpublished(db) != 0:
                    await asyncio.sleep(0.3)
            await asyncio.sleep(3)  # a second leader, if any, has every chance to publish again
        finally:
            stop.set()
            await asyncio.wait_for(asyncio.gather(*relays, return_exceptions=True), 60)
            await db.dispose()

    mine = await collect(kafka_bootstrap, "invoice-issued", lambda m: f"LEAD{unique}".encode() in m.value,
                         expect=TOTAL, timeout=30)
    numbers = [json.loads(m.value)["invoice_number"] for m in mine]
    twice = sorted({n for n in numbers if numbers.count(n) > 1})
    assert not twice, f"{len(twice)} events reached Kafka twice: {twice[:10]}; senders {sent[-40:]}"
    assert len(numbers) == TOTAL
    for c in range(CUSTOMERS):
        ours = [n for m, n in zip(mine, numbers) if m.key.decode() == f"L{unique}-{c}"]
        assert ours == sorted(ours), f"customer {c} out of order: {ours}"
