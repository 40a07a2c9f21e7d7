"""Turning service definitions into processes.

- Embedded (`make run`): one process, one port, the four services mounted under their
  prefixes, each on its own SQLite file; every subscriber reads each producer's outbox
  from its own cursor into its inbox (shared/embedded_delivery.py).
- Distributed: per service an API process (HTTP only) and a worker process (outbox
  relay to Kafka, Kafka consumer, scheduled jobs), on PostgreSQL. The API process
  mounts its service under the same prefix, so the gateway passes paths through.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from shared.app_factory import create_service_app
from shared.clock import Clock
from shared.consumer import TableDeadLetterSink
from shared.dead_letters import FanOutDeadLetterSink
from shared.embedded_delivery import EmbeddedDelivery
from shared.mounts import ServiceMounts
from shared.relay import OutboxRelay
from shared.runtime import ScheduledJob, ServiceDefinition, ServiceRuntime
from shared.settings import Settings
from shared.transport import KafkaTransport
from shared import worker_status
from shared.write_lock import RequestActivity, background

log = logging.getLogger(__name__)


def mount_services(runtimes: Sequence[ServiceRuntime], lifespan, activity=None) -> ServiceMounts:
    return ServiceMounts({r.name: create_service_app(r) for r in runtimes}, lifespan, activity,
                         runtimes={r.name: r for r in runtimes})


async def run_job(runtime: ServiceRuntime, job: ScheduledJob, stop: asyncio.Event) -> None:
    """Run a job shortly after start-up (so a restart never delays it by a whole
    interval), then every `interval` seconds. Jobs must be idempotent: several worker
    instances may run the same one."""
    interval = job.interval_seconds(runtime.deps)
    if interval <= 0:
        return
    delay = min(5.0, interval)
    while not stop.is_set():
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)
        if stop.is_set():
            return
        delay = interval
        try:
            with background():  # on SQLite, requests waiting for the write lock go first
                await job.run(runtime)
        except Exception:
            log.exception("scheduled job %s failed", job.name, extra={"service": runtime.name})


class EmbeddedHost:
    """Everything `make run` starts, also used by tests to run the whole product in-process."""

    def __init__(self, definitions: Sequence[ServiceDefinition], settings: Settings,
                 clock: Clock | None = None, run_jobs: bool = True) -> None:
        self.settings = settings
        self.runtimes = [ServiceRuntime(d, settings, clock) for d in definitions]
        self.activity = RequestActivity()  # requests in flight: delivery lets them finish first
        self.delivery = self._delivery()
        self.run_jobs = run_jobs
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task] = []

    def runtime(self, name: str) -> ServiceRuntime:
        return next(r for r in self.runtimes if r.name == name)

    @property
    def bus(self):
        """Events from outside the product (tests: billing's), applied at once by every
        subscriber: `await host.bus.dispatch([OutgoingMessage, ...])`."""
        return self.delivery.bus

    def _delivery(self) -> EmbeddedDelivery:
        delivery = EmbeddedDelivery(max_batch=self.settings.consumer_batch_size,
                                    retention_days=self.settings.outbox_retention_days, requests=self.activity)
        for runtime in self.runtimes:
            delivery.add_producer(runtime.name, runtime.db)
            delivery.add_subscriber(runtime.name, runtime.processor(TableDeadLetterSink(runtime.db, runtime.source)),
                                    runtime.keys)
        return delivery

    async def start(self) -> None:
        self._stop.clear()
        for runtime in self.runtimes:
            await runtime.open()
        self._tasks += await self.delivery.start(self._stop)
        if self.run_jobs:
            for runtime in self.runtimes:
                for job in runtime.definition.jobs:
                    self._tasks.append(asyncio.create_task(run_job(runtime, job, self._stop)))

    async def settle(self, timeout: float = 60.0) -> None:
        """Until every subscriber has applied every event of every outbox (tests); events
        the handlers emit meanwhile included."""
        await self.delivery.settle(timeout)

    async def stop(self) -> None:
        self._stop.set()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, timeout=10)
        self._tasks.clear()
        self.delivery.close()
        self.delivery = self._delivery()  # a later start() begins from the stored cursors
        for runtime in self.runtimes:
            await runtime.close()

    def app(self) -> ServiceMounts:
        @contextlib.asynccontextmanager
        async def lifespan(_app):
            await self.start()
            try:
                yield
            finally:
                await self.stop()

        return mount_services(self.runtimes, lifespan, self.activity)


def standalone_api_app(definition: ServiceDefinition, settings: Settings) -> ServiceMounts:
    runtime = ServiceRuntime(definition, settings)

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        await runtime.open()
        try:
            yield
        finally:
            await runtime.close()

    return mount_services([runtime], lifespan)


async def run_worker(definition: ServiceDefinition, settings: Settings, stop: asyncio.Event,
                     clock: Clock | None = None) -> None:
    """Outbox relay → Kafka, Kafka consumer → inbox, scheduled jobs; until `stop`."""
    from shared.kafka_consumer import KafkaConsumerRunner, KafkaDeadLetterSink

    runtime = ServiceRuntime(definition, settings, clock)
    await runtime.open()
    transport = KafkaTransport(settings.kafka_bootstrap_servers, f"{settings.kafka_client_id}-{runtime.name}")
    dead_letters = KafkaDeadLetterSink(settings.kafka_bootstrap_servers, runtime.name, settings.kafka_client_id)
    await transport.start()
    await dead_letters.start()
    relay = OutboxRelay(runtime.db, transport, runtime.name, batch_size=settings.relay_batch_size,
                        poll_seconds=settings.relay_poll_seconds,
                        retention_days=settings.outbox_retention_days)
    # Dead letters in the service's own table too, where the admin API lists and replays them.
    sink = FanOutDeadLetterSink(TableDeadLetterSink(runtime.db, runtime.source), dead_letters)
    consumer = KafkaConsumerRunner(runtime.processor(sink),
                                   bootstrap_servers=settings.kafka_bootstrap_servers,
                                   group_id=runtime.name, client_id=settings.kafka_client_id,
                                   batch_size=settings.consumer_batch_size)
    worker_status.track(runtime, relay, consumer)  # the worker's /readyz (shared/worker_status.py)
    tasks = [asyncio.create_task(relay.run(stop), name="relay"),
             asyncio.create_task(consumer.run(stop), name="consumer")]
    tasks += [asyncio.create_task(run_job(runtime, job, stop), name=job.name) for job in definition.jobs]
    log.info("worker started", extra={"service": runtime.name, "topics": runtime.definition.all_handlers().keys()})
    try:
        done, _ = await asyncio.wait([*tasks, asyncio.create_task(stop.wait())],
                                     return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task.exception() if not task.cancelled() else None:
                raise task.exception()
    finally:
        stop.set()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, timeout=15)
        await dead_letters.stop()
        await transport.stop()
        await runtime.close()
