"""The aging clock over 1,000,000 open instalments on the real PostgreSQL: seed a fresh
database with COPY (due dates over the past year and the next two months, every
instalment swept up to yesterday), run the ledger's `run_aging_sweep` for today, and
check that the `overdue-threshold` events in the outbox are exactly the crossings
computed independently here. A re-run must emit nothing. Baseline: a bare indexed
SELECT of the same due rows. Target: < 10 s.

    python -m bench.aging_sweep [--instalments 1000000]
"""
from __future__ import annotations

import argparse
import asyncio
from datetime import date, timedelta

import asyncpg

from bench.common import Timer, fresh_database, postgres_admin, report, verdict
from bench.ledger.seed import copy_in, plan
from services.ledger.bootstrap import SERVICE
from services.ledger.config import LedgerConfig
from services.ledger.handlers.sweep import run_aging_sweep
from shared.runtime import ServiceRuntime
from shared.settings import Settings


def expected_crossings(overdue_days: list[int], ladder: tuple[int, ...]) -> int:
    """Independently of the ledger's code: swept yesterday, so today each instalment crosses
    the threshold equal to its days overdue today, if there is one."""
    thresholds = set(ladder)
    return sum(1 for d in overdue_days if d in thresholds)


async def bare_select(dsn: str, today: date) -> tuple[float, int]:
    conn = await asyncpg.connect(dsn)
    try:
        with Timer() as t:
            rows = await conn.fetch("SELECT i.id, i.invoice_number, i.seq, i.customer_id, i.due_date, i.open_minor, "
                                    "i.last_threshold_index FROM instalments i WHERE i.next_threshold_date <= $1",
                                    today)
    finally:
        await conn.close()
    return t.seconds, len(rows)


async def count(dsn: str, sql: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


async def main(n: int) -> str:
    ladder, today = LedgerConfig().thresholds, date.today()
    async with fresh_database(postgres_admin()) as url:
        dsn = url.replace("postgresql+asyncpg://", "postgresql://")
        runtime = ServiceRuntime(SERVICE, Settings(env="dev", ledger_database_url=url))
        await runtime.open()
        invoices, instalments, overdue = plan(n, today, ladder)
        with Timer() as seeding:
            await copy_in(dsn, invoices, instalments)
        expected = expected_crossings(overdue, ladder)
        baseline, due_rows = await bare_select(dsn, today)
        with Timer() as t:
            result = await run_aging_sweep(runtime.deps, runtime.uow(), runtime.system_context(), today)
        emitted = await count(dsn, "SELECT count(*) FROM outbox WHERE topic = 'overdue-threshold'")
        with Timer() as again:
            rerun = await run_aging_sweep(runtime.deps, runtime.uow(), runtime.system_context(), today)
        emitted_after = await count(dsn, "SELECT count(*) FROM outbox WHERE topic = 'overdue-threshold'")
        await runtime.close()
    exact = emitted == expected == result.events and rerun.events == 0 and emitted_after == emitted
    return report("Aging sweep over open instalments (PostgreSQL)", [
        ("open instalments", f"{n:,} (seeded by COPY in {seeding.seconds:.1f} s, swept up to "
                             f"{(today - timedelta(days=1)).isoformat()})"),
        ("due rows (next_threshold_date <= today)", f"{due_rows:,}"),
        ("ledger run_aging_sweep", f"{t.seconds:.2f} s, {result.chunks} chunks "
                                   f"(target < 10 s: {verdict(t.seconds, 10, higher_is_better=False)})"),
        ("overdue-threshold events in the outbox", f"{emitted:,}; expected {expected:,} "
                                                   f"({'exact' if exact else 'MISMATCH'})"),
        ("re-run the same day", f"{again.seconds:.2f} s, {rerun.events} events"),
        ("baseline: bare indexed SELECT of the due rows", f"{baseline:.2f} s"),
        ("ratio sweep / bare SELECT", f"{t.seconds / baseline:.1f}×"),
    ])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--instalments", type=int, default=1_000_000)
    args = parser.parse_args()
    asyncio.run(main(args.instalments))
