"""Reporting's scheduled work: the warning signals' gauges refreshed for today (the
`/warnings` route sets them too); the month-end pack (queued once per period from the
configured day, default the 5th, for the previous month end), and every pack still waiting
to be built (asked for while no API process could build it, or abandoned mid-build)."""
from __future__ import annotations

from services.reporting import views
from services.reporting.handlers import month_end_packs
from shared.runtime import ServiceRuntime


async def warning_gauges(runtime: ServiceRuntime) -> dict[str, int]:
    ctx = runtime.system_context()
    return (await views.warnings(runtime.deps, runtime.uow(), ctx))["counts"]


async def month_end_pack_schedule(runtime: ServiceRuntime) -> list[str]:
    """Queue the period's pack if due, then build what waits; the ids built."""
    ctx = runtime.system_context()
    await month_end_packs.schedule(runtime.deps, runtime.uow(), ctx)
    built = []
    for pack_id in await month_end_packs.waiting(runtime.deps, runtime.uow(), ctx):
        if await month_end_packs.build(runtime.deps, runtime.uow(), ctx, pack_id) is not None:
            built.append(pack_id)
    return built
