"""The ledger's scheduled work: the aging clock for the business date today, and the
gauges of payments parked until their invoice comes (a payment whose invoice never
comes must be seen, not waited for)."""
from __future__ import annotations

from prometheus_client import Gauge

from services.ledger.handlers.sweep import SweepResult, run_aging_sweep
from services.ledger.repository import parked as parked_repo
from shared.db import as_utc
from shared.runtime import ServiceRuntime

PARKED = Gauge("ar_parked_payments", "Payments waiting for the invoice they name", ["service"])
PARKED_OLDEST = Gauge("ar_parked_payment_oldest_age_seconds",
                      "How long the oldest parked payment has waited (0 when none)", ["service"])


async def aging_sweep(runtime: ServiceRuntime) -> SweepResult:
    ctx = runtime.system_context()
    return await run_aging_sweep(runtime.deps, runtime.uow(), ctx, ctx.today)


async def parked_payment_gauges(runtime: ServiceRuntime) -> int:
    async with runtime.uow() as uow:
        count, oldest = await parked_repo.backlog(uow)
    PARKED.labels(runtime.name).set(count)
    age = (runtime.clock.now() - as_utc(oldest)).total_seconds() if oldest is not None else 0
    PARKED_OLDEST.labels(runtime.name).set(max(age, 0))
    return count
