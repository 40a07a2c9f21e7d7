"""Reporting's scheduled work: the warning signals' gauges refreshed for today (the
`/warnings` route sets them too). The month-end pack's schedule joins here."""
from __future__ import annotations

from services.reporting import views
from shared.runtime import ServiceRuntime


async def warning_gauges(runtime: ServiceRuntime) -> dict[str, int]:
    ctx = runtime.system_context()
    return (await views.warnings(runtime.deps, runtime.uow(), ctx))["counts"]
