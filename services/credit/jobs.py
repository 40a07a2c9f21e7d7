"""Credit's scheduled work: reservations past their expiry are released, and every July (by
default) each assessed customer is re-rated with its latest entered scores."""
from __future__ import annotations

from services.credit.handlers.jobs import JobReport, run
from shared.runtime import ServiceRuntime


async def rerating_and_reservations(runtime: ServiceRuntime) -> JobReport:
    return await run(runtime.deps, runtime.uow(), runtime.system_context())
