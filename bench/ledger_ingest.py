"""Ledger ingest on the real broker and database: `invoice-issued` events from Kafka into
PostgreSQL through the ledger's own consumer (ServiceRuntime + EventProcessor +
KafkaConsumerRunner, the batch handler with bulk inserts, inbox included), against
same-run baselines: the same invoices into a bare indexed table with a raw COPY (asyncpg
copy_records_to_table) and with a plain INSERT executemany. Target: >= 5,000 invoices/s.

    python -m bench.ledger_ingest [--events 50000] [--batch 1000]
"""
from __future__ import annotations

import argparse
import asyncio
import time

import asyncpg
import sqlalchemy as sa
from aiokafka import AIOKafkaProducer

from bench.common import Timer, delete_topic, fresh_database, fresh_topic, kafka, postgres_admin, report, verdict
from bench.ledger.data import invoice_events
from services.ledger.bootstrap import SERVICE
from services.ledger.consumers import BATCH_HANDLERS
from services.ledger.tables import Instalment, Invoice
from shared.consumer import EventProcessor, TableDeadLetterSink
from shared.events.envelope import new_envelope, to_kafka
from shared.kafka_consumer import KafkaConsumerRunner
from shared.runtime import ServiceRuntime
from shared.settings import Settings


async def fill_topic(bootstrap: str, topic: str, events) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20, max_batch_size=512 * 1024)
    await producer.start()
    try:
        futures = []
        for event in events:
            k, v, h = to_kafka(new_envelope(event, "/billing"))
            futures.append(await producer.send(topic, v, key=k, headers=h))
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def count(db, table=Invoice.__table__) -> int:
    async with db.engine.connect() as conn:
        return await conn.scalar(sa.select(sa.func.count()).select_from(table))


class CountingProcessor(EventProcessor):
    """Counts applied messages in memory, so measuring never loads the database."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.done = 0
        self.first_batch_at: float | None = None
        self.first_batch = 0
        self.finished = asyncio.Event()
        self.target = 0

    async def process(self, messages) -> None:
        await super().process(messages)
        self.done += len(messages)
        if self.first_batch_at is None:
            self.first_batch_at, self.first_batch = time.perf_counter(), self.done
        if self.done >= self.target:
            self.finished.set()


async def ledger_rate(bootstrap: str, url: str, topic: str, n: int, batch: int) -> tuple[float, int, int]:
    settings = Settings(env="dev", ledger_database_url=url, db_pool_size=4)
    runtime = ServiceRuntime(SERVICE, settings)
    await runtime.open()
    processor = CountingProcessor(db=runtime.db, service="ledger", handlers={},
                                  batch_handlers={topic: BATCH_HANDLERS["invoice-issued"]},
                                  dead_letters=TableDeadLetterSink(runtime.db, "/ledger"),
                                  deps=lambda: runtime.deps, clock=runtime.clock)
    processor.target = n
    runner = KafkaConsumerRunner(processor, bootstrap_servers=bootstrap, group_id=f"bench-ledger-{topic}",
                                 batch_size=batch)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    try:
        await asyncio.wait_for(processor.finished.wait(), timeout=600)
        seconds = time.perf_counter() - processor.first_batch_at  # from the end of the first batch
        invoices, instalments = await count(runtime.db), await count(runtime.db, Instalment.__table__)
    finally:
        stop.set()
        await task
        await runtime.close()
    assert invoices == n, (invoices, n)
    return (n - processor.first_batch) / seconds, invoices, instalments


async def raw_rates(url: str, events) -> tuple[float, float]:
    """The same invoices into a bare indexed table: COPY, and a plain INSERT executemany."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        rates = []
        for table in ("bare_copy", "bare_insert"):
            await conn.execute(f"CREATE TABLE {table} (invoice_number varchar(100) PRIMARY KEY, customer_id "
                               "varchar(100), issue_date date, due_date date, amount_minor bigint, currency char(3))")
        records = [(e.invoice_number, e.customer_id, e.issue_date, e.due_date or e.issue_date,
                    int(e.amount * 100), e.currency) for e in events]
        with Timer() as t:
            await conn.copy_records_to_table("bare_copy", records=records)
        rates.append(len(records) / t.seconds)
        with Timer() as t:
            for start in range(0, len(records), 1000):
                async with conn.transaction():
                    await conn.executemany("INSERT INTO bare_insert VALUES ($1, $2, $3, $4, $5, $6)",
                                           records[start:start + 1000])
        rates.append(len(records) / t.seconds)
    finally:
        await conn.close()
    return rates[0], rates[1]


async def main(n: int, batch: int) -> str:
    bootstrap, admin = kafka(), postgres_admin()
    events = invoice_events(n)
    topic = await fresh_topic(bootstrap, "bench-ledger-ingest")
    try:
        await fill_topic(bootstrap, topic, events)
        async with fresh_database(admin) as url:
            rate, done, instalments = await ledger_rate(bootstrap, url, topic, n, batch)
        async with fresh_database(admin) as url:
            copy, insert = await raw_rates(url, events)
    finally:
        await delete_topic(bootstrap, topic)
    return report("Ledger ingest: invoice-issued from Kafka into PostgreSQL", [
        ("events", f"{n:,} invoices ({instalments:,} instalments; 1 in 10 with a 3-part schedule)"),
        ("consumer batch", f"{batch} events per fetch, one transaction per batch (inbox included)"),
        ("ledger consumer", f"{rate:,.0f} invoices/s (target ≥ 5,000: {verdict(rate, 5000)})"),
        ("baseline: raw COPY into a bare table", f"{copy:,.0f} rows/s"),
        ("baseline: INSERT executemany, 1,000/txn", f"{insert:,.0f} rows/s"),
        ("ratio ledger / raw COPY", f"{rate / copy:.3f}"),
        ("ratio ledger / raw INSERT", f"{rate / insert:.2f}"),
    ])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.batch))
