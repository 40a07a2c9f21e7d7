"""The outbox/inbox guarantees on the real components: Apache Kafka (KRaft) and
PostgreSQL, including processes killed with SIGKILL at the worst moment."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY

from shared.consumer import EventProcessor
from shared.db import Database
from shared.events.envelope import new_envelope, to_kafka
from shared.kafka_consumer import KafkaDeadLetterSink
from shared.relay import OutboxRelay
from shared.transport import KafkaTransport
from tests.support import probe
from tests.support.kafka import collect, produce, running_consumer, wait_until

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


@pytest.fixture
async def db(postgres_url):
    database = Database(postgres_url)
    await probe.create_schema(database)
    yield database
    await database.dispose()


@pytest.fixture
async def dlq(kafka_bootstrap):
    sink = KafkaDeadLetterSink(kafka_bootstrap, "ledger")
    await sink.start()
    yield sink
    await sink.stop()


def make_processor(db, dlq, **kwargs) -> EventProcessor:
    # service "ledger" so dead letters go to the declared topic ledger.dead-letter
    return EventProcessor(db=db, service="ledger", handlers={"invoice-issued": probe.on_invoice},
                          dead_letters=dlq, max_attempts=2, backoff_seconds=0.05, **kwargs)


def ce_id(record) -> str:
    return dict(record.headers)["ce_id"].decode()


async def test_an_event_in_a_rolled_back_transaction_is_never_published(db, kafka_bootstrap, unique):
    transport = KafkaTransport(kafka_bootstrap, "test")
    await transport.start()
    try:
        with pytest.raises(RuntimeError):
            async with db.unit_of_work("/probe") as uow:
                uow.emit(probe.invoice(f"RB-{unique}"))
                raise RuntimeError("request failed after emitting")
        async with db.unit_of_work("/probe") as uow:
            uow.emit(probe.invoice(f"OK-{unique}"))
            await uow.commit()
        assert await OutboxRelay(db, transport, "probe").drain() == 1
    finally:
        await transport.stop()
    mine = await collect(kafka_bootstrap, "invoice-issued", lambda m: unique.encode() in m.value, expect=1)
    assert [json.loads(m.value)["invoice_number"] for m in mine] == [f"OK-{unique}"]


async def test_a_message_delivered_twice_is_applied_once(db, dlq, kafka_bootstrap, unique):
    message = to_kafka(new_envelope(probe.invoice(f"DUP-{unique}"), "/billing"))
    await produce(kafka_bootstrap, "invoice-issued", [message, message])
    async with running_consumer(make_processor(db, dlq), kafka_bootstrap, f"g-{unique}"):
        assert await wait_until(lambda: _has(db, f"DUP-{unique}"))
        await asyncio.sleep(1.0)  # give the second copy every chance to be applied too
    assert await probe.count_effects(db, f"DUP-{unique}") == 1


async def _has(db, number) -> bool:
    return await probe.count_effects(db, number) >= 1


def run_crash_point(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.support.crash_points", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


async def test_consumer_killed_after_db_commit_before_offset_commit_applies_once(
        db, dlq, kafka_bootstrap, unique):
    number = f"KILL-C-{unique}"
    await produce(kafka_bootstrap, "invoice-issued", [to_kafka(new_envelope(probe.invoice(number), "/billing"))])
    group = f"g-{unique}"
    result = await asyncio.to_thread(run_crash_point, "consumer", db.url, kafka_bootstrap, group, number)
    assert result.returncode == -9, result.stderr[-2000:]
    assert "database committed" in result.stdout
    assert await probe.count_effects(db, number) == 1  # the effect was committed before the kill
    # The same group restarts: the offset was never committed, so Kafka redelivers.
    async with running_consumer(make_processor(db, dlq), kafka_bootstrap, group) as runner:
        assert await wait_until(lambda: _committed_past(runner, number))
    assert await probe.count_effects(db, number) == 1


async def _committed_past(runner, number) -> bool:
    consumer = runner.consumer
    if consumer is None or not consumer.assignment():
        return False
    for tp in consumer.assignment():
        end = (await consumer.end_offsets([tp]))[tp]
        committed = await consumer.committed(tp)
        if (committed or 0) < end:
            return False
    return True


async def test_relay_killed_after_sending_before_marking_republishes_and_applies_once(
        db, dlq, kafka_bootstrap, unique):
    number = f"KILL-R-{unique}"
    async with db.unit_of_work("/probe") as uow:
        event_id = uow.emit(probe.invoice(number))
        await uow.commit()
    result = await asyncio.to_thread(run_crash_point, "relay", db.url, kafka_bootstrap)
    assert result.returncode == -9, result.stderr[-2000:]
    assert "sent 1" in result.stdout
    transport = KafkaTransport(kafka_bootstrap, "test")
    await transport.start()
    try:
        assert await OutboxRelay(db, transport, "probe").drain() == 1  # still unmarked: sent again
    finally:
        await transport.stop()
    copies = await collect(kafka_bootstrap, "invoice-issued", lambda m: number.encode() in m.value, expect=2)
    assert [ce_id(m) for m in copies] == [event_id, event_id]
    consumer_db = Database(db.url)
    async with running_consumer(make_processor(consumer_db, dlq), kafka_bootstrap, f"g-{unique}") as runner:
        assert await wait_until(lambda: _committed_past(runner, number))
    await consumer_db.dispose()
    assert await probe.count_effects(db, number) == 1


def _dead_lettered() -> float:
    return REGISTRY.get_sample_value("ar_events_dead_lettered_total",
                                     {"service": "ledger", "topic": "invoice-issued"}) or 0.0


async def test_bad_messages_go_to_the_dead_letter_topic_and_the_consumer_goes_on(
        db, dlq, kafka_bootstrap, unique):
    before = _dead_lettered()
    garbage = (b"C1", f"not json {unique}".encode(), [("ce_id", f"x-{unique}".encode())])
    refused = to_kafka(new_envelope(probe.invoice(f"REJECT-{unique}"), "/billing"))
    invalid = new_envelope(probe.invoice(f"INVALID-{unique}"), "/billing")
    invalid_msg = to_kafka(invalid)
    invalid_msg = (invalid_msg[0], invalid_msg[1].replace(b'"100.00"', b'"-1x"'), invalid_msg[2])
    good = to_kafka(new_envelope(probe.invoice(f"AFTER-{unique}"), "/billing"))
    await produce(kafka_bootstrap, "invoice-issued", [garbage, refused, invalid_msg, good])
    async with running_consumer(make_processor(db, dlq), kafka_bootstrap, f"g-{unique}"):
        assert await wait_until(lambda: _has(db, f"AFTER-{unique}"))
    dead = await collect(kafka_bootstrap, "ledger.dead-letter", lambda m: unique.encode() in (m.value or b""),
                         expect=3)
    assert len(dead) == 3
    kinds = sorted(dict(m.headers)["dlq_error_type"].decode() for m in dead)
    assert kinds == ["EnvelopeError", "RuleError", "ValidationError"]
    for m in dead:
        headers = dict(m.headers)
        assert headers["dlq_original_topic"] == b"invoice-issued"
        assert int(headers["dlq_original_partition"]) >= 0 and int(headers["dlq_original_offset"]) >= 0
        assert headers["dlq_error"]
    assert _dead_lettered() - before >= 3
    assert await probe.count_effects(db, f"REJECT-{unique}") == 0


async def test_every_event_is_applied_exactly_once_across_rebalances(db, dlq, kafka_bootstrap, unique):
    """Consumers join and leave the group while events stream in: partitions move between
    them mid-stream, and still no event is lost or applied twice."""
    total = 300
    messages = [to_kafka(new_envelope(probe.invoice(f"RB{unique}-{i:04d}", customer=f"C{i % 17}"), "/billing"))
                for i in range(total)]
    group = f"g-{unique}"
    second_db = Database(db.url)

    async def applied() -> int:
        async with db.engine.connect() as conn:
            return await conn.scalar(
                sa.select(sa.func.count(sa.distinct(probe.effects.c.invoice_number))).where(
                    probe.effects.c.invoice_number.like(f"RB{unique}-%")))

    async with running_consumer(make_processor(db, dlq), kafka_bootstrap, group, batch_size=20):
        await produce(kafka_bootstrap, "invoice-issued", messages[:100])
        async with running_consumer(make_processor(second_db, dlq), kafka_bootstrap, group, batch_size=20):
            await produce(kafka_bootstrap, "invoice-issued", messages[100:200])
            await asyncio.sleep(2)
        # the second consumer left: its partitions come back to the first
        await produce(kafka_bootstrap, "invoice-issued", messages[200:])
        assert await wait_until(lambda: _count_is(applied, total), timeout=60)
    await second_db.dispose()
    async with db.engine.connect() as conn:
        rows = await conn.scalar(sa.select(sa.func.count()).select_from(probe.effects).where(
            probe.effects.c.invoice_number.like(f"RB{unique}-%")))
    assert rows == total  # no duplicates


async def _count_is(counter, expected) -> bool:
    return await counter() >= expected
