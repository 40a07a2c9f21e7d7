"""The month-end pack over a real read model on PostgreSQL: seeded with COPY as in
bench/reporting_aging.py (invoices over three years, 20,000 customers, one in five open),
then in the same run (a) the pack's fourteen report views alone, for the last month end,
in one transaction (the baseline: what the data costs), and (b) the whole build:
claiming, the same views, the XLSX and CSV zip rendered in a thread, the files stored.
Also one export: aging by customer as XLSX. Targets (ours): build ≤ 3 × the views alone;
< 60 s for 20,000 customers.

    python -m bench.reporting_pack [--invoices 500000] [--customers 20000]
"""
from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import date
from pathlib import Path

from bench.common import Timer, fresh_database, postgres_admin, report, verdict
from bench.reporting_aging import seed
from services.reporting.bootstrap import SERVICE
from services.reporting.domain.month_end import period_of, previous_month_end
from services.reporting.handlers import month_end_packs
from services.reporting.outputs.xlsx import to_xlsx
from services.reporting.views.exports import pack_tables, report_table
from services.reporting.views.month_end_packs import pack_file
from shared.runtime import ServiceRuntime
from shared.settings import Settings


async def main(n: int, customers: int) -> str:
    today = date.today()
    as_of = previous_month_end(today)
    async with fresh_database(postgres_admin()) as url:
        dsn = url.replace("postgresql+asyncpg://", "postgresql://")
        rt = ServiceRuntime(SERVICE, Settings(env="dev", reporting_database_url=url,
                                              data_dir=Path(tempfile.mkdtemp(prefix="pack-bench-"))))
        await rt.open()
        try:
            with Timer() as seeding:
                opened = await seed(dsn, n, customers, 5, today)
            ctx = rt.system_context()
            uow = rt.uow()
            with Timer() as views_alone:
                async with uow:
                    tables = await pack_tables(rt.deps, uow, ctx, as_of)
            cells = sum(len(t.rows) * len(t.columns) for t in tables)
            pack_id = await month_end_packs.request(rt.deps, rt.uow(), ctx, period_of(as_of))
            with Timer() as build:
                status = await month_end_packs.build(rt.deps, rt.uow(), ctx, pack_id)
            xlsx, _ = await pack_file(rt.deps, rt.uow(), ctx, pack_id, "xlsx")
            archive, _ = await pack_file(rt.deps, rt.uow(), ctx, pack_id, "zip")
            with Timer() as export:
                table = await report_table(rt.deps, rt.uow(), ctx, "aging", as_of=as_of, group_by="customer")
                exported = await asyncio.to_thread(to_xlsx, [table], "zh-CN")
        finally:
            await rt.close()
    ratio = build.seconds / views_alone.seconds
    return report(f"month-end pack for {as_of}", [
        ("data", f"{n:,} invoices, {opened:,} open today, {customers:,} customers (COPY in {seeding.seconds:.0f} s)"),
        ("the pack's views alone (baseline)", f"{views_alone.seconds:.2f} s, {len(tables)} tables, {cells:,} cells"),
        ("the whole build", f"{build.seconds:.2f} s → {status}; XLSX {len(xlsx) / 1e6:.1f} MB, "
                            f"CSV zip {len(archive) / 1e6:.1f} MB"),
        ("build / views", f"{ratio:.2f}x ({verdict(ratio, 3, higher_is_better=False)} ≤ 3x)"),
        ("build time", f"{build.seconds:.1f} s ({verdict(build.seconds, 60, higher_is_better=False)} < 60 s)"),
        ("export aging by customer .xlsx", f"{export.seconds:.2f} s, {len(table.rows):,} rows, "
                                           f"{len(exported) / 1e6:.1f} MB"),
    ])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=500_000)
    parser.add_argument("--customers", type=int, default=20_000)
    args = parser.parse_args()
    asyncio.run(main(args.invoices, args.customers))
