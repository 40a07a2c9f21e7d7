"""Run as a separate process by the crash tests: the real relay or consumer, killed with
SIGKILL at the worst moment (after the side effect, before the bookkeeping).

    python -m tests.support.crash_points relay    <database_url> <bootstrap>
    python -m tests.support.crash_points consumer <database_url> <bootstrap> <group> <invoice_number>
"""
from __future__ import annotations

import asyncio
import os
import signal
import sys

from shared.consumer import EventProcessor, TableDeadLetterSink
from shared.db import Database
from shared.kafka_consumer import KafkaConsumerRunner
from shared.relay import OutboxRelay
from shared.transport import KafkaTransport
from tests.support import probe


def die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


class RelayKilledBeforeMarking(OutboxRelay):
    async def _mark_published(self, conn, seqs):
        print(f"sent {len(seqs)}", flush=True)
        die()


class ConsumerKilledBeforeOffsetCommit(KafkaConsumerRunner):
    """Dies right before committing the offsets of the batch that applied `target`
    (earlier batches, e.g. other tests' events on the topic, commit normally)."""

    target: str = ""

    async def _commit(self, offsets):
        if await probe.count_effects(self.processor.db, self.target):
            print("database committed", flush=True)
            die()
        await super()._commit(offsets)


async def main(role: str, url: str, bootstrap: str, group: str | None = None, target: str = "") -> None:
    db = Database(url)
    if role == "relay":
        transport = KafkaTransport(bootstrap, "crash-relay")
        await transport.start()
        await RelayKilledBeforeMarking(db, transport, "probe").relay_once()
    else:
        processor = EventProcessor(db=db, service="ledger", handlers={"invoice-issued": probe.on_invoice},
                                   dead_letters=TableDeadLetterSink(db, "/probe"))
        runner = ConsumerKilledBeforeOffsetCommit(processor, bootstrap_servers=bootstrap, group_id=group)
        runner.target = target
        await runner.run(asyncio.Event())


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
