"""Aging grouped by customer over 1,000,000 open invoices among 5,000,000 in total, through
reporting's HTTP API (uvicorn, one worker, 127.0.0.1) on the real PostgreSQL, against a
raw SQL GROUP BY over the same data in the same run, for today and for a date a year back;
and the service's memory growth over the requests.

The read model is seeded with COPY as the consumers would have left it: every invoice with
its one instalment (`rpt_invoices`, `rpt_instalments`) and its spans: a paid invoice one
ended span (issue → payment, `rpt_past_spans`, in invoice order, not the order they ended
in), an open one its current span (`rpt_open_spans`). Invoices are
issued over the last three years to 20,000 customers, due 30 days later; one in five is
still open. The raw query is the GROUP BY a person would write on the spans, asyncpg,
no ORM. Targets: API ≤ 2 × raw and < 2 s, for both dates; memory growth < 200 MB.

    python -m bench.reporting_aging [--invoices 5000000] [--open-every 5] [--customers 20000]
"""
from __future__ import annotations

import argparse
import asyncio
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import asyncpg
import httpx

from bench.common import ROOT, Timer, fresh_database, postgres_admin, report, verdict
from services.reporting.bootstrap import SERVICE
from shared.runtime import ServiceRuntime
from shared.settings import Settings

TOKEN = "bench-admin-key-0123456789abcdef"
PY = sys.executable
CHUNK = 500_000
SPAN = ["invoice_number", "seq", "customer_id", "currency", "issue_date", "due_date", "open_minor", "valid_from"]
RUNS = 5

RAW = """
SELECT customer_id,
       CASE WHEN due_date IS NULL OR due_date >= $1 THEN 0
            WHEN due_date >= $1 - 30 THEN 1 WHEN due_date >= $1 - 60 THEN 2
            WHEN due_date >= $1 - 90 THEN 3 WHEN due_date >= $1 - 180 THEN 4 ELSE 5 END AS slab,
       sum(open_minor)
FROM (SELECT customer_id, due_date, open_minor FROM rpt_open_spans
      WHERE currency = 'CNY' AND valid_from <= $1
      UNION ALL
      SELECT customer_id, due_date, open_minor FROM rpt_past_spans
      WHERE currency = 'CNY' AND valid_from <= $1 AND valid_to > $1) AS spans
GROUP BY 1, 2
"""

#: the service's own statement (pivoted, JIT off), raw: what the API adds beyond its SQL
PIVOT = """
SELECT customer_id,
       sum(CASE WHEN due_date IS NULL OR due_date >= $1 THEN open_minor ELSE 0 END),
       sum(CASE WHEN due_date >= $1 - 30 AND due_date < $1 THEN open_minor ELSE 0 END),
       sum(CASE WHEN due_date >= $1 - 60 AND due_date < $1 - 30 THEN open_minor ELSE 0 END),
       sum(CASE WHEN due_date >= $1 - 90 AND due_date < $1 - 60 THEN open_minor ELSE 0 END),
       sum(CASE WHEN due_date >= $1 - 180 AND due_date < $1 - 90 THEN open_minor ELSE 0 END),
       sum(CASE WHEN due_date < $1 - 180 THEN open_minor ELSE 0 END)
FROM (SELECT customer_id, due_date, open_minor FROM rpt_open_spans
      WHERE currency = 'CNY' AND valid_from <= $1
      UNION ALL
      SELECT customer_id, due_date, open_minor FROM rpt_past_spans
      WHERE currency = 'CNY' AND valid_from <= $1 AND valid_to > $1) AS spans
GROUP BY 1
"""


def invoice(i: int, today: date, customers: int, open_every: int):
    issued = today - timedelta(days=i % 1095)
    paid = None if i % open_every == 0 else min(today, issued + timedelta(days=10 + (i * 7919) % 80))
    customer = (i * 2654435761 >> 7) % customers  # spread: open and paid invoices over every customer
    return f"I{i:08d}", f"C{customer:05d}", issued, issued + timedelta(days=30), 1000 + (i * 104729) % 99000, paid


async def seed(dsn: str, n: int, customers: int, open_every: int, today: date) -> int:
    """COPY the read model in chunks of CSV; the number of open invoices."""
    conn = await asyncpg.connect(dsn)
    opened = 0
    try:
        for start in range(0, n, CHUNK):
            inv, inst, spans, past = io.StringIO(), io.StringIO(), io.StringIO(), io.StringIO()
            for i in range(start, min(n, start + CHUNK)):
                number, customer, issued, due, amount, paid = invoice(i, today, customers, open_every)
                inv.write(f"{number},{customer},CNY,{issued},{due},{amount}\n")
                inst.write(f"{number},1,{due},{amount}\n")
                if paid is None:
                    opened += 1
                    spans.write(f"{number},1,{customer},CNY,{issued},{due},{amount},{issued}\n")
                elif paid > issued:
                    past.write(f"{number},1,{customer},CNY,{issued},{due},{amount},{issued},{paid}\n")
            for table, columns, data in (
                    ("rpt_invoices", ["invoice_number", "customer_id", "currency", "issue_date", "due_date",
                                      "amount_minor"], inv),
                    ("rpt_instalments", ["invoice_number", "seq", "due_date", "amount_minor"], inst),
                    ("rpt_open_spans", SPAN, spans), ("rpt_past_spans", [*SPAN, "valid_to"], past)):
                await conn.copy_to_table(table, source=io.BytesIO(data.getvalue().encode()), columns=columns,
                                         format="csv")
        await conn.execute("VACUUM ANALYZE")  # as autovacuum leaves a settled database
    finally:
        await conn.close()
    return opened


async def raw(dsn: str, on: date, sql: str = RAW, jit: bool = True) -> tuple[float, int, int]:
    """Median seconds of a raw statement; its groups; Σ open."""
    conn = await asyncpg.connect(dsn)
    try:
        if not jit:
            await conn.execute("SET jit = off")
        times, rows = [], []
        for _ in range(RUNS):
            with Timer() as t:
                rows = await conn.fetch(sql, on)
            times.append(t.seconds)
    finally:
        await conn.close()
    return statistics.median(times), len({r[0] for r in rows}), sum(sum(int(x or 0) for x in r[1:]) if sql is PIVOT
                                                                    else int(r[2]) for r in rows)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def api(port: int, on: date) -> tuple[float, int, int]:
    """Median seconds of GET /aging (the first page: the configured most rows) ; groups; Σ total."""
    url = f"http://127.0.0.1:{port}/reporting/v1/aging"
    times, body = [], {}
    with httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120) as client:
        for _ in range(RUNS):
            with Timer() as t:
                r = client.get(url, params={"as_of": on.isoformat(), "group_by": "customer", "currency": "CNY"})
            r.raise_for_status()
            times.append(t.seconds)
            body = r.json()
    total = int(body["total"]["total"].replace(".", ""))
    return statistics.median(times), body["count"], total


def other_reports(port: int) -> list[tuple[str, float]]:
    """One call of each other report the dashboard and the month-end pack read (informative)."""
    out = []
    with httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=300) as client:
        for path in ("/dso", "/dso/rolling", "/summary", "/warnings", "/provision?method=ecl"):
            with Timer() as t:
                client.get(f"http://127.0.0.1:{port}/reporting/v1{path}").raise_for_status()
            out.append((path, t.seconds))
    return out


async def main(n: int, open_every: int, customers: int) -> str:
    today = date.today()
    year_back = today - timedelta(days=365)
    tmp = Path(tempfile.mkdtemp(prefix="reporting-bench-"))
    async with fresh_database(postgres_admin()) as url:
        dsn = url.replace("postgresql+asyncpg://", "postgresql://")
        runtime = ServiceRuntime(SERVICE, Settings(env="dev", reporting_database_url=url, data_dir=tmp))
        await runtime.open()  # migrations
        await runtime.close()
        with Timer() as seeding:
            opened = await seed(dsn, n, customers, open_every, today)
        figures, pivots = {}, {}
        for label, on in (("today", today), ("a year back", year_back)):
            figures[label] = await raw(dsn, on)
            pivots[label] = await raw(dsn, on, PIVOT, jit=False)
        port = free_port()
        env = {**os.environ, "AR_REPORTING_DATABASE_URL": url, "AR_DATA_DIR": str(tmp), "AR_BOOTSTRAP_ADMIN_KEY": TOKEN,
               "AR_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([PY, "-m", "services.reporting", "api", "--port", str(port)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stderr.read().decode()[-2000:])
                try:
                    httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("the reporting API did not start")
                    time.sleep(0.2)
            before = rss_mb(proc.pid)
            served = {label: api(port, on) for label, on in (("today", today), ("a year back", year_back))}
            after = rss_mb(proc.pid)
            others = other_reports(port)
            after_all = rss_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    rows = [("data", f"{n:,} invoices, {opened:,} open today, {customers:,} customers (COPY in "
                     f"{seeding.seconds:.0f} s)")]
    for label in ("today", "a year back"):
        raw_s, raw_groups, raw_total = figures[label]
        api_s, api_groups, api_total = served[label]
        ratio = api_s / raw_s
        same = "same groups and total" if (raw_groups, raw_total) == (api_groups, api_total) else (
            f"MISMATCH raw {raw_groups} groups {raw_total} vs API {api_groups} groups {api_total}")
        rows += [(f"{label}: raw SQL GROUP BY", f"{raw_s:.3f} s (median of {RUNS}), {raw_groups:,} customers"),
                 (f"{label}: the service's own SQL, raw", f"{pivots[label][0]:.3f} s (median of {RUNS}); API / it "
                                                         f"{api_s / pivots[label][0]:.2f}×"),
                 (f"{label}: GET /aging?group_by=customer", f"{api_s:.3f} s (median of {RUNS}); {same}"),
                 (f"{label}: ratio API / raw", f"{ratio:.2f}× (target ≤ 2: {verdict(ratio, 2, False)}; "
                                                f"< 2 s: {verdict(api_s, 2, False)})")]
    rows += [(f"other report: {path}", f"{seconds:.2f} s (one call, no target)") for path, seconds in others]
    rows.append(("service memory (RSS)", f"{before:.0f} MB → {after:.0f} MB, growth {after - before:.0f} MB "
                                         f"(target < 200 MB: {verdict(after - before, 200, False)}); "
                                         f"{after_all:.0f} MB after the other reports"))
    return report("Reporting: aging by customer through the API vs raw SQL (PostgreSQL, same run)", rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=5_000_000)
    parser.add_argument("--open-every", type=int, default=5)
    parser.add_argument("--customers", type=int, default=20_000)
    args = parser.parse_args()
    asyncio.run(main(args.invoices, args.open_every, args.customers))
