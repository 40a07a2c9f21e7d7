"""Dunning's scheduled work: the daily ladder (every open case advanced by the business
date, in batches) and the dispatcher delivering the message outbox after commit."""
from __future__ import annotations

import logging

from services.dunning.handlers import deliveries, ladder
from shared.runtime import ServiceRuntime

log = logging.getLogger("dunning.jobs")


async def ladder_run(runtime: ServiceRuntime) -> ladder.LadderReport:
    def progress(done: int, report: ladder.LadderReport) -> None:
        log.info("ladder: %d cases, %d actions, %d messages so far", done, report.actions, report.messages)

    return await ladder.run(runtime.deps, runtime.uow(), runtime.system_context(), progress)


async def deliver(runtime: ServiceRuntime) -> deliveries.DeliveryReport:
    return await deliveries.dispatch_all(runtime.deps, runtime.uow(), runtime.system_context())
