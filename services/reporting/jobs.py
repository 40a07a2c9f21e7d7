"""Reporting's scheduled work: the month-end pack (queued once per period from the
configured day, default the 5th, for the previous month end), and every pack still waiting
to be built (asked for while this worker was away, or abandoned mid-build)."""
from __future__ import annotations

from services.reporting.handlers import month_end_packs
from shared.runtime import ServiceRuntime


async def month_end_pack_schedule(runtime: ServiceRuntime) -> list[str]:
    """Queue the period's pack if due, then build what waits; the ids built."""
    ctx = runtime.system_context()
    await month_end_packs.schedule(runtime.deps, runtime.uow(), ctx)
    built = []
    for pack_id in await month_end_packs.waiting(runtime.deps, runtime.uow(), ctx):
        if await month_end_packs.build(runtime.deps, runtime.uow(), ctx, pack_id) is not None:
            built.append(pack_id)
    return built
