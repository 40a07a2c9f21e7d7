"""Credit check throughput and latency, against a bare FastAPI JSON endpoint (same run).

Both are served the same way (uvicorn, one worker, 127.0.0.1, `log_config=None,
access_log=False`): (a) the credit API, `python -m services.credit api`, on PostgreSQL
when AR_BENCH_POSTGRES_URL is set (a fresh database), else SQLite in a temporary folder,
seeded with customers that have a grade, a limit and open items; (b) bench/credit/bare_app.py.

1. Max throughput of each with wrk (fixed duration, fixed connections, JSON bodies with
   varying customer ids and unique order refs). Target: check ≥ 0.35 × bare.
2. The check at half its max throughput, open-loop constant rate (bench/credit/
   constant_rate.py): p50/p99 latency. Target: p99 ≤ 10 ms.
Figures are printed and written to docs/benchmarks.md under "Credit check".

    python -m bench.credit_check [--seconds 10] [--customers 1000] [--connections 32]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench.common import ROOT, fresh_database, report, verdict
from bench.credit import constant_rate
from services.credit.bootstrap import SERVICE
from services.credit.tables import CreditFileRow, CreditProfileRow, ReceivableRow
from shared import migrations
from shared.db import Database

TOKEN = "bench-admin-key-0123456789abcdef"
PY = sys.executable
DOCS = ROOT / "docs" / "benchmarks.md"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def seed(url: str, customers: int) -> None:
    await migrations.upgrade(SERVICE.migrations, url)
    db = Database(url)
    now = datetime.now(timezone.utc)
    today = date.today()
    files, profiles, items = [], [], []
    for i in range(customers):
        cid = f"C{i:05d}"
        files.append({"customer_id": cid, "name": f"Bench customer {i}", "region": "East", "currency": "CNY",
                      "onboarded_on": date(2020, 1, 1), "version": 1, "created_at": now, "updated_at": now,
                      "updated_by": "bench"})
        profiles.append({"customer_id": cid, "currency": "CNY", "grade": "ABCD"[i % 4], "rated_grade": "ABCD"[i % 4],
                         "total_score": 85, "limit_minor": 50_000_000, "term_days": 30, "blacklisted": False,
                         "updated_at": now})
        for n in range(4):  # some open items, one of them a few days overdue for every 5th customer
            due = today + timedelta(days=20 - n * 10) if i % 5 else today - timedelta(days=3 + n)
            amount = 100_000 + n * 25_000
            items.append({"invoice_number": f"INV-{i:05d}-{n}", "customer_id": cid, "currency": "CNY",
                          "issue_date": due - timedelta(days=30), "due_date": due, "amount_minor": amount,
                          "open_minor": amount, "disputed_minor": 0, "highest_threshold": 0, "extended_days": 0,
                          "written_off_minor": 0, "our_fault": False,
                          "instalments": [{"seq": 1, "due_date": due.isoformat(), "amount_minor": amount,
                                           "open_minor": amount}]})
    async with db.engine.begin() as conn:
        for table, rows in ((CreditFileRow.__table__, files), (CreditProfileRow.__table__, profiles),
                            (ReceivableRow.__table__, items)):
            for start in range(0, len(rows), 500):
                await conn.execute(sa.insert(table), rows[start:start + 500])
    await db.dispose()


@contextlib.contextmanager
def serve(cmd: list[str], port: int, env: dict):
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd} exited: {proc.stderr.read().decode()[-2000:]}")
            try:
                httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{cmd} did not start")
                time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def wrk(port: int, seconds: int, connections: int, customers: int) -> tuple[float, int]:
    env = {**os.environ, "CHECK_TOKEN": TOKEN, "CHECK_CUSTOMERS": str(customers),
           "CHECK_RUN": uuid.uuid4().hex[:8]}
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "-s", str(ROOT / "bench" / "credit" / "post.lua"), f"http://127.0.0.1:{port}"],
                         env=env, capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, int(bad.group(1)) if bad else 0


def body_maker(customers: int):
    run = uuid.uuid4().hex[:8]
    head = (f"POST /credit/v1/checks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n"
            "Content-Type: application/json\r\n")

    def make(n: int) -> bytes:
        body = (f'{{"customer_id":"C{(n * 7919) % customers:05d}","amount":"{1000 + (n % 50) * 100}.00",'
                f'"currency":"CNY","order_ref":"p99-{run}-{n}","reserve":false}}').encode()
        return f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body
    return make


def write_docs(text: str) -> None:
    section = f"## Credit check\n\n```\n{text}\n```\n"
    current = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    pattern = re.compile(r"## Credit check\n.*?(?=\n## |\Z)", re.S)
    updated = pattern.sub(section.rstrip("\n"), current) if pattern.search(current) else \
        current.rstrip("\n") + "\n\n" + section
    DOCS.write_text(updated.rstrip("\n") + "\n")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
    pg_admin = os.environ.get("AR_BENCH_POSTGRES_URL")
    tmp = Path(tempfile.mkdtemp(prefix="credit-bench-"))
    async with contextlib.AsyncExitStack() as stack:
        if pg_admin:
            url, backend = await stack.enter_async_context(fresh_database(pg_admin)), "PostgreSQL"
        else:
            url, backend = f"sqlite+aiosqlite:///{tmp / 'credit.sqlite3'}", "SQLite"
        await seed(url, args.customers)
        env = {**os.environ, "AR_CREDIT_DATABASE_URL": url, "AR_DATA_DIR": str(tmp), "AR_BOOTSTRAP_ADMIN_KEY": TOKEN,
               "AR_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
        bare_port, credit_port = free_port(), free_port()
        with serve([PY, "-m", "bench.credit.bare_app", str(bare_port)], bare_port, env):
            wrk(bare_port, 2, args.connections, args.customers)  # warm-up
            bare_rps, _ = wrk(bare_port, args.seconds, args.connections, args.customers)
        with serve([PY, "-m", "services.credit", "api", "--port", str(credit_port)], credit_port, env):
            wrk(credit_port, 2, args.connections, args.customers)
            check_rps, bad = wrk(credit_port, args.seconds, args.connections, args.customers)
            half = constant_rate.run("127.0.0.1", credit_port, check_rps / 2, args.seconds,
                                     body_maker(args.customers), connections=args.connections)
            half = await half
    shutil.rmtree(tmp, ignore_errors=True)
    ratio = check_rps / bare_rps
    text = report(f"Credit check: POST /credit/v1/checks vs a bare FastAPI JSON endpoint ({backend}, same run)", [
        ("command", "python -m bench.credit_check " + " ".join(sys.argv[1:])),
        ("load", f"wrk -t1 -c{args.connections} -d{args.seconds}s, {args.customers} customers, unique order refs"),
        ("bare FastAPI endpoint", f"{bare_rps:,.0f} requests/s"),
        ("credit check", f"{check_rps:,.0f} requests/s ({bad} non-2xx)"),
        ("ratio", f"{ratio:.2f} (target >= 0.35: {verdict(ratio, 0.35)})"),
        ("half load", f"{half['achieved_rps']:,.0f} requests/s constant rate for {args.seconds}s, "
                      f"{half['completed']} done, {half['errors']} errors"),
        ("latency at half load", f"p50 {half['p50_ms']:.2f} ms, p99 {half['p99_ms']:.2f} ms, "
                                 f"max {half['max_ms']:.2f} ms (target p99 <= 10 ms: "
                                 f"{verdict(half['p99_ms'], 10, higher_is_better=False)})"),
        ("machine", f"{os.cpu_count()} cores, client and servers on the same machine"),
    ])
    write_docs(text)


if __name__ == "__main__":
    asyncio.run(main())
