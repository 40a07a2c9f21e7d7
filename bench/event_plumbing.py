"""Foundation benchmarks on the real broker and database (same run, same broker):

1. Outbox relay publish rate ÷ a raw aiokafka batch producer sending the same messages
   (same size, same headers, same idempotent acks=all producer). Target ≥ 0.5.
2. A consumer applying events to PostgreSQL with one transaction per fetched batch
   (inbox included) vs the same consumer committing per message. Targets: ≥ 5,000
   events/s and ≥ 5× the per-message rate.

    python -m bench.event_plumbing [--events 50000] [--per-message-events 3000]
"""
from __future__ import annotations

import argparse
import asyncio
import json
from datetime import datetime, timezone

import sqlalchemy as sa
from aiokafka import AIOKafkaProducer

from bench.common import Timer, delete_topic, fresh_database, fresh_topic, kafka, postgres_admin, report, verdict
from shared.consumer import EventProcessor, TableDeadLetterSink
from shared.db import Database
from shared.events.envelope import headers_from_attributes, new_envelope, to_kafka
from shared.kafka_consumer import KafkaConsumerRunner
from shared.platform_tables import outbox
from shared.relay import OutboxRelay
from shared.transport import KafkaTransport
from tests.support import probe


def sample_rows(n: int, topic: str) -> list[dict]:
    rows = []
    now = datetime.now(timezone.utc)
    for i in range(n):
        env = new_envelope(probe.invoice(f"B-{i:08d}", customer=f"C{i % 997}"), "/bench")
        rows.append({"event_id": env.id, "topic": topic, "key": env.key, "event_type": env.type,
                     "attributes": json.dumps(env.attributes(), separators=(",", ":")),
                     "payload": json.dumps(env.data, separators=(",", ":")), "created_at": now,
                     "published_at": None})
    return rows


async def raw_producer_rate(bootstrap: str, topic: str, rows: list[dict], batch: int | None = 500) -> float:
    """The same messages, prepared in memory beforehand, sent by a bare aiokafka producer
    with the relay's settings: batch by batch (send `batch`, await their acks), or with
    batch=None as one stream (enqueue everything, then await every ack)."""
    messages = [(r["key"].encode(), r["payload"].encode(), headers_from_attributes(json.loads(r["attributes"])))
                for r in rows]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all",
                                linger_ms=5, max_batch_size=256 * 1024)
    await producer.start()
    step = batch or len(messages)
    try:
        with Timer() as t:
            for start in range(0, len(messages), step):
                futures = [await producer.send(topic, v, key=k, headers=h) for k, v, h in messages[start:start + step]]
                await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return len(messages) / t.seconds


async def relay_rate(bootstrap: str, db: Database, rows: list[dict]) -> float:
    async with db.engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            await conn.execute(sa.insert(outbox), rows[start:start + 5000])
    transport = KafkaTransport(bootstrap, "bench-relay")
    await transport.start()
    try:
        relay = OutboxRelay(db, transport, "bench", batch_size=500)
        with Timer() as t:
            sent = await relay.drain()
    finally:
        await transport.stop()
    assert sent == len(rows), (sent, len(rows))
    return sent / t.seconds


async def fill_topic(bootstrap: str, topic: str, n: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20, max_batch_size=512 * 1024)
    await producer.start()
    try:
        futures = []
        for i in range(n):
            k, v, h = to_kafka(new_envelope(probe.invoice(f"E-{i:08d}", customer=f"C{i % 997}"), "/bench"))
            futures.append(await producer.send(topic, v, key=k, headers=h))
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def consume_rate(bootstrap: str, url: str, topic: str, n: int, per_message: bool) -> float:
    db = Database(url)
    await probe.create_schema(db)
    processor = EventProcessor(db=db, service="bench", handlers={}, batch_handlers={topic: probe.on_invoice_batch},
                               dead_letters=TableDeadLetterSink(db, "/bench"))
    runner = KafkaConsumerRunner(processor, bootstrap_servers=bootstrap, group_id=f"bench-{per_message}",
                                 batch_size=1000, commit_every_message=per_message)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    try:
        while await probe.count_effects(db) == 0:  # wait for assignment + first batch
            await asyncio.sleep(0.05)
        start_count = await probe.count_effects(db)
        with Timer() as t:
            while (done := await probe.count_effects(db)) < n:
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await task
        await db.dispose()
    return (done - start_count) / t.seconds


async def main(events: int, per_message_events: int) -> list[str]:
    bootstrap, admin = kafka(), postgres_admin()
    out = []
    topic = await fresh_topic(bootstrap, "bench-relay")
    try:
        async with fresh_database(admin) as url:
            db = Database(url)
            await probe.create_schema(db)
            rows = sample_rows(events, topic)
            raw = await raw_producer_rate(bootstrap, topic, rows, batch=500)
            stream = await raw_producer_rate(bootstrap, topic, rows, batch=None)
            relay = await relay_rate(bootstrap, db, sample_rows(events, topic))
            await db.dispose()
        ratio = relay / max(raw, stream)  # judged against the faster of the two baselines
        out.append(report("Outbox relay vs raw aiokafka producer", [
            ("events", f"{events:,} (~{len(rows[0]['payload'])} B payload + CloudEvents headers)"),
            ("raw aiokafka, batch by batch (500)", f"{raw:,.0f} msg/s"),
            ("raw aiokafka, one unbounded stream", f"{stream:,.0f} msg/s"),
            ("outbox relay (PostgreSQL → Kafka)", f"{relay:,.0f} msg/s"),
            ("ratio relay / faster raw", f"{ratio:.2f} (target ≥ 0.5: {verdict(ratio, 0.5)})"),
        ]))
    finally:
        await delete_topic(bootstrap, topic)

    topic = await fresh_topic(bootstrap, "bench-consume")
    try:
        await fill_topic(bootstrap, topic, events)
        async with fresh_database(admin) as url:
            batched = await consume_rate(bootstrap, url, topic, events, per_message=False)
        async with fresh_database(admin) as url:
            single = await consume_rate(bootstrap, url, topic, per_message_events, per_message=True)
        ratio = batched / single
        out.append(report("Consumer into PostgreSQL: transaction per batch vs per message", [
            ("events", f"{events:,} batched, {per_message_events:,} per-message"),
            ("per fetched batch (inbox included)", f"{batched:,.0f} events/s (target ≥ 5,000: {verdict(batched, 5000)})"),
            ("per message (commit + offset each)", f"{single:,.0f} events/s"),
            ("ratio batch / per-message", f"{ratio:.1f}× (target ≥ 5: {verdict(ratio, 5)})"),
        ]))
    finally:
        await delete_topic(bootstrap, topic)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--per-message-events", type=int, default=3_000)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.per_message_events))
