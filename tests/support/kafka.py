"""Small helpers to talk to the real broker in tests."""
from __future__ import annotations

import asyncio
import contextlib
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.consumer import EventProcessor
from shared.events.topics import topic_partitions
from shared.kafka_consumer import KafkaConsumerRunner


async def produce(bootstrap: str, topic: str, messages: list[tuple[bytes | None, bytes | None, list]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for key, value, headers in messages:
            await producer.send_and_wait(topic, value, key=key, headers=headers)
    finally:
        await producer.stop()


async def collect(bootstrap: str, topic: str, predicate, *, expect: int, timeout: float = 30.0) -> list:
    """Read `topic` from the beginning until `expect` records match `predicate`."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=f"t-{uuid.uuid4().hex}",
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    found = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=300)
            found += [m for records in batch.values() for m in records if predicate(m)]
            if len(found) >= expect and not batch:
                break
        return found
    finally:
        await consumer.stop()


async def wait_until(condition, timeout: float = 30.0, interval: float = 0.2) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if await condition():
            return True
        await asyncio.sleep(interval)
    return False


@contextlib.asynccontextmanager
async def running_consumer(processor: EventProcessor, bootstrap: str, group_id: str, **kwargs):
    runner = KafkaConsumerRunner(processor, bootstrap_servers=bootstrap, group_id=group_id, **kwargs)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    try:
        yield runner
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)


async def skip_history(bootstrap: str, group: str, topics: list[str]) -> None:
    """A new consumer group starts at the end of the shared topics, not their history."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        declared = topic_partitions()
        partitions = [TopicPartition(t, p) for t in topics for p in range(declared[t])]
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        await consumer.commit({tp: offset for tp, offset in ends.items()})
    finally:
        await consumer.stop()
