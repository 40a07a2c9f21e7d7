"""Against the real broker started by deploy/kafka/start.sh (env AR_TEST_KAFKA_BOOTSTRAP,
e.g. 127.0.0.1:19092): every listed topic exists, and aiokafka can produce and consume."""

from __future__ import annotations

import asyncio
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from deploy_helpers import listed_topics, require_env  # noqa: E402

pytestmark = pytest.mark.kafka


def _bootstrap() -> str:
    return require_env("AR_TEST_KAFKA_BOOTSTRAP", "the Kafka broker tests (deploy/kafka/start.sh)")


def test_every_listed_topic_exists_with_its_partition_count():
    bootstrap = _bootstrap()

    async def describe() -> dict[str, int]:
        from aiokafka.admin import AIOKafkaAdminClient

        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            names = set(await admin.list_topics())
            wanted = [n for n, _ in listed_topics() if n in names]
            described = await admin.describe_topics(wanted) if wanted else []
            return {d["topic"]: len(d["partitions"]) for d in described if d["error_code"] == 0}
        finally:
            await admin.close()

    found = asyncio.run(describe())
    problems = [f"{n}: want {p}, found {found.get(n)}" for n, p in listed_topics() if found.get(n) != p]
    assert not problems, "; ".join(problems)


def test_produce_and_consume_round_trip_keeps_per_key_order():
    bootstrap = _bootstrap()
    topic = f"ar-deploy-test-{uuid.uuid4().hex[:12]}"  # scratch topic: the listed ones stay clean
    keys = [f"customer-{i}" for i in range(4)]
    sent = [(keys[i % len(keys)], f"event-{i}") for i in range(40)]

    async def round_trip() -> tuple[list[tuple[str, str, dict]], int]:
        from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
        from aiokafka.admin import AIOKafkaAdminClient, NewTopic

        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            await admin.create_topics([NewTopic(topic, 3, 1)])
            producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
            await producer.start()
            try:
                for key, value in sent:
                    await producer.send(
                        topic, value.encode(), key=key.encode(),
                        headers=[("ce_id", value.encode()), ("ce_type", b"test.event.v1")],
                    )
                await producer.flush()
            finally:
                await producer.stop()

            group = f"ar-deploy-test-{uuid.uuid4().hex[:8]}"
            consumer = AIOKafkaConsumer(
                topic, bootstrap_servers=bootstrap, group_id=group,
                auto_offset_reset="earliest", enable_auto_commit=False,
            )
            await consumer.start()
            received: list[tuple[str, str, dict]] = []
            try:
                async with asyncio.timeout(60):
                    while len(received) < len(sent):
                        batches = await consumer.getmany(timeout_ms=1000)
                        for records in batches.values():
                            for r in records:
                                received.append((r.key.decode(), r.value.decode(), dict(r.headers)))
                await consumer.commit()
                committed = 0
                for p in range(3):
                    committed += await consumer.committed(TopicPartition(topic, p)) or 0
            finally:
                await consumer.stop()
            return received, committed
        finally:
            await admin.delete_topics([topic])
            await admin.close()

    received, committed = asyncio.run(round_trip())
    assert sorted(v for _, v, _ in received) == sorted(v for _, v in sent)
    assert committed == len(sent)
    for key in keys:  # one key -> one partition -> order kept
        assert [v for k, v, _ in received if k == key] == [v for k, v in sent if k == key]
    assert all(h["ce_id"] == v.encode() and h["ce_type"] == b"test.event.v1" for _, v, h in received)
