"""How outbox events leave a service through the relay: Kafka (distributed), or an
in-process bus. The embedded host no longer relays: its subscribers read each outbox from
their own cursors (shared/embedded_delivery.py) and use the bus only for events from
outside the product (tests). Both carry the same bytes (CloudEvents binary mode)."""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    topic: str
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


class Transport(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def send_batch(self, messages: list[OutgoingMessage]) -> asyncio.Future:
        """Hand the messages over in order; the returned future resolves when all are
        acknowledged (the relay marks rows sent only then) or fails."""


class KafkaTransport:
    """Idempotent producer with acks=all: a retry inside the client never duplicates."""

    def __init__(self, bootstrap_servers: str, client_id: str) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.client_id = client_id
        self.producer = None

    async def start(self) -> None:
        from aiokafka import AIOKafkaProducer

        self.producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers, client_id=self.client_id,
            enable_idempotence=True, acks="all", linger_ms=5,
            max_batch_size=256 * 1024, request_timeout_ms=30_000)
        await self.producer.start()

    async def stop(self) -> None:
        if self.producer is not None:
            await self.producer.stop()
            self.producer = None

    async def send_batch(self, messages: list[OutgoingMessage]) -> asyncio.Future:
        # Enqueued strictly in order before returning, so the next batch cannot
        # interleave; the acknowledgements are awaited separately by the relay.
        send = self.producer.send
        futures = [await send(m.topic, m.value, key=m.key, headers=m.headers) for m in messages]
        return asyncio.gather(*futures)


class Subscriber(Protocol):
    async def deliver(self, messages: list[OutgoingMessage]) -> None: ...


class InProcessBus:
    """Topic → subscribers, in one process. Delivery is synchronous: a relay's batch counts
    as published only when every subscriber has committed it (or dead-lettered it), so
    a crash in between means redelivery after restart, and the inbox drops the repeat."""

    def __init__(self) -> None:
        self.subscribers: dict[str, list[Subscriber]] = defaultdict(list)

    def subscribe(self, topics: list[str], subscriber: Subscriber) -> None:
        for topic in topics:
            self.subscribers[topic].append(subscriber)

    async def dispatch(self, messages: list[OutgoingMessage]) -> None:
        targets: dict[int, tuple[Subscriber, list[OutgoingMessage]]] = {}
        for message in messages:
            for sub in self.subscribers.get(message.topic, ()):
                targets.setdefault(id(sub), (sub, []))[1].append(message)
        for sub, batch in targets.values():
            await sub.deliver(batch)


class InProcessTransport:
    def __init__(self, bus: InProcessBus) -> None:
        self.bus = bus

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send_batch(self, messages: list[OutgoingMessage]) -> asyncio.Future:
        await self.bus.dispatch(messages)  # synchronous: done when every subscriber committed
        done = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done
