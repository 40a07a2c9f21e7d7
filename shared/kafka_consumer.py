"""The Kafka side of consuming: fetch a batch, hand it to the processor, and commit the
offsets only after the processor's database commit. A crash in between redelivers the
batch and the inbox skips what was applied. A rebalance waits for the batch in flight
(the listener takes the same lock) so a partition is never handed over half-done."""
from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError

from shared.consumer import EventProcessor, RawMessage, dead_letter_headers
from shared.events.topics import dead_letter_topic
from shared.metrics import CONSUMER_LAG

log = logging.getLogger(__name__)


class KafkaDeadLetterSink:
    """Dead letters as Kafka messages on <service>.dead-letter: the original key, value and
    headers plus dlq_error, dlq_error_type and the original topic/partition/offset."""

    def __init__(self, bootstrap_servers: str, service: str, client_id: str = "receivables") -> None:
        self.topic = dead_letter_topic(service)
        self.producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, client_id=f"{client_id}-dlq",
                                         enable_idempotence=True, acks="all")

    async def start(self) -> None:
        await self.producer.start()

    async def stop(self) -> None:
        await self.producer.stop()

    async def send(self, raw: RawMessage, error: BaseException, consumer: str) -> None:
        await self.producer.send_and_wait(self.topic, raw.value, key=raw.key,
                                          headers=dead_letter_headers(raw, error, consumer))


class _WaitForBatch(ConsumerRebalanceListener):
    def __init__(self, lock: asyncio.Lock, joined: asyncio.Event) -> None:
        self.lock = lock
        self.joined = joined

    async def on_partitions_revoked(self, revoked) -> None:
        async with self.lock:  # the batch in flight finishes and commits first
            pass

    async def on_partitions_assigned(self, assigned) -> None:
        self.joined.set()  # a member of the group now, even with no partition (the worker's /readyz)


class KafkaConsumerRunner:
    def __init__(self, processor: EventProcessor, *, bootstrap_servers: str, group_id: str,
                 client_id: str = "receivables", batch_size: int = 500,
                 commit_every_message: bool = False) -> None:
        self.processor = processor
        self.bootstrap_servers = bootstrap_servers
        self.group_id = group_id
        self.client_id = client_id
        self.batch_size = batch_size
        self.commit_every_message = commit_every_message  # only for the benchmark's baseline
        self._lock = asyncio.Lock()
        self.consumer: AIOKafkaConsumer | None = None
        self.ready = asyncio.Event()
        self._lag_reported_at = 0.0

    async def run(self, stop: asyncio.Event) -> None:
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers, group_id=self.group_id,
            client_id=f"{self.client_id}-{self.group_id}", enable_auto_commit=False,
            auto_offset_reset="earliest", max_poll_records=self.batch_size,
            isolation_level="read_committed")
        self.consumer.subscribe(self.processor.topics, listener=_WaitForBatch(self._lock, self.ready))
        await self.consumer.start()
        try:
            while not stop.is_set():
                batch = await self.consumer.getmany(timeout_ms=500, max_records=self.batch_size)
                if self.consumer.assignment():
                    self.ready.set()
                if not batch:
                    await self._report_lag()
                    continue
                async with self._lock:
                    await self._handle(batch)
                await self._report_lag()
        finally:
            await self.consumer.stop()

    async def _handle(self, batch: dict[TopicPartition, list]) -> None:
        raws = [RawMessage(m.topic, m.key, m.value, list(m.headers or ()), m.partition, m.offset)
                for records in batch.values() for m in records]
        try:
            if self.commit_every_message:
                for raw in raws:
                    await self.processor.process([raw])
                    await self._commit({TopicPartition(raw.topic, raw.partition): raw.offset + 1})
                return
            await self.processor.process(raws)
        except Exception:
            # Only an unexpected bug gets here: rewind so nothing is skipped.
            log.exception("batch processing crashed; rewinding", extra={"group": self.group_id})
            for tp, records in batch.items():
                self.consumer.seek(tp, records[0].offset)
            await asyncio.sleep(1.0)
            return
        await self._commit({tp: records[-1].offset + 1 for tp, records in batch.items()})

    async def _commit(self, offsets: dict[TopicPartition, int]) -> None:
        try:
            await self.consumer.commit(offsets)
        except (CommitFailedError, KafkaError) as exc:
            # The group rebalanced: the new owner redelivers, the inbox drops the repeats.
            log.warning("offset commit failed: %s", exc, extra={"group": self.group_id})

    async def _report_lag(self) -> None:
        now = asyncio.get_running_loop().time()
        if now - self._lag_reported_at < 5.0:
            return
        self._lag_reported_at = now
        for tp in self.consumer.assignment():
            highwater = self.consumer.highwater(tp)
            if highwater is None:
                continue
            try:
                position = await asyncio.wait_for(self.consumer.position(tp), 1.0)
            except Exception:
                continue
            CONSUMER_LAG.labels(self.processor.service, tp.topic, str(tp.partition)).set(
                max(0, highwater - position))
