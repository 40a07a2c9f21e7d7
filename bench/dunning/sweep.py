"""The service side of the dunning benchmark: a fresh PostgreSQL database, N customers each
with one invoice (bill-to e-mail) booked through dunning's own `invoice-recorded` handler
(not timed), then, timed: the `overdue-threshold` facts of the pre-due reminder (7 days
before due) in consumer-sized batches — every case opens and its first step writes a
message to the outbox — and the dispatcher delivering the outbox to the SMTP sink."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import asyncpg

from bench.common import fresh_database, postgres_admin
from shared.events.ledger import Contact, InvoiceRecordedV1, OverdueThresholdV1, RecordedInstalment
from shared.runtime import ServiceRuntime
from shared.settings import Settings

BATCH = 500  # facts per consumer batch (the event processor's order of magnitude)


@dataclass
class SweepFigures:
    cases: int
    seed_seconds: float
    open_seconds: float
    deliver_seconds: float
    opened: int
    messages: int
    sent: int
    failed: int
    accepted: int

    @property
    def seconds(self) -> float:
        return self.open_seconds + self.deliver_seconds


def _invoice(n: int, today: date) -> InvoiceRecordedV1:
    due = today + timedelta(days=7)
    return InvoiceRecordedV1(
        invoice_number=f"BI{n:07d}", customer_id=f"BC{n:07d}", issue_date=today - timedelta(days=23), due_date=due,
        payment_terms="NET30", amount=Decimal("12345.60"), currency="CNY",
        instalments=[RecordedInstalment(seq=1, due_date=due, amount=Decimal("12345.60"))],
        region="East", salesperson="zhang", recorded_via="api",
        bill_to=Contact(name="王经理", email=f"ap{n}@customer.example", language="zh-CN"))


def _threshold(n: int, today: date) -> OverdueThresholdV1:
    return OverdueThresholdV1(
        invoice_number=f"BI{n:07d}", instalment_seq=1, customer_id=f"BC{n:07d}", threshold_days=-7, as_of=today,
        due_date=today + timedelta(days=7), days_overdue=-7, open_amount=Decimal("12345.60"), currency="CNY",
        region="East", salesperson="zhang")


async def _count(dsn: str, sql: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


async def run_sweep(smtp_port: int, cases: int, accepted) -> SweepFigures:
    # The channels read their settings from the environment (bootstrap builds the senders).
    os.environ.update(AR_DUNNING_SMTP_HOST="127.0.0.1", AR_DUNNING_SMTP_PORT=str(smtp_port),
                      AR_DUNNING_SMTP_FROM="ar@bench.example", AR_DUNNING_COMPANY_NAME="华东机械有限公司")
    from services.dunning.bootstrap import SERVICE
    from services.dunning.handlers import deliveries, facts
    from shared.context import Context

    async with fresh_database(postgres_admin()) as url:
        dsn = url.replace("postgresql+asyncpg://", "postgresql://")
        runtime = ServiceRuntime(SERVICE, Settings(env="dev", dunning_database_url=url))
        await runtime.open()
        deps, today = runtime.deps, runtime.clock.today()
        try:
            started = time.perf_counter()
            for first in range(0, cases, BATCH):
                ctx = Context.event(runtime.clock, "/ledger")
                await facts.invoices_recorded(deps, runtime.uow(), [(_invoice(n, today), ctx)
                                                                    for n in range(first, min(cases, first + BATCH))])
            seeded = time.perf_counter() - started
            before = accepted.value
            started = time.perf_counter()
            for first in range(0, cases, BATCH):
                ctx = Context.event(runtime.clock, "/ledger")
                await facts.overdue_thresholds(deps, runtime.uow(), [(_threshold(n, today), ctx)
                                                                     for n in range(first, min(cases, first + BATCH))])
            opened_in = time.perf_counter() - started
            started = time.perf_counter()
            report = await deliveries.dispatch_all(deps, runtime.uow(), runtime.system_context())
            delivered_in = time.perf_counter() - started
            opened = await _count(dsn, "SELECT count(*) FROM dunning_cases")
            messages = await _count(dsn, "SELECT count(*) FROM dunning_messages")
        finally:
            await runtime.close()
    return SweepFigures(cases, seeded, opened_in, delivered_in, opened, messages, report.sent, report.failed,
                        accepted.value - before)
