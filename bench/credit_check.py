"""Credit check throughput and latency, against a bare FastAPI JSON endpoint (same run).

Both are served the same way (uvicorn, one worker, 127.0.0.1, `log_config=None,
access_log=False`): (a) the credit API, `python -m services.credit api`, on PostgreSQL
when AR_BENCH_POSTGRES_URL is set (a fresh database), else SQLite in a temporary folder,
seeded with customers that have a grade, a limit and open items; (b) bench/credit/bare_app.py.

1. Max throughput of each with wrk (fixed duration, fixed connections, JSON bodies with
   varying customer ids and unique order refs). Target: check ≥ 0.35 × bare. The servers'
   CPU time per request is printed alongside (from /proc).
2. The check at half its max throughput, open-loop constant rate (bench/credit/
   constant_rate.py): p50/p99 latency. Target: p99 ≤ 10 ms.
3. How many checks found their customer's state in memory (the server's /metrics).
Figures are printed and written to docs/benchmarks.md under "Credit check", one block per
database (SQLite; PostgreSQL with fsync off or durable, read from the server), keeping the
section's prose and the other databases' blocks.

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

import asyncpg
import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.common import ROOT, check_requests, fresh_database, report, verdict
from bench.credit import constant_rate
from services.credit.bootstrap import SERVICE
from services.credit.tables import CreditFileRow, CreditProfileRow, InstalmentRow, ReceivableRow
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
    await migrations.upgrade_service(SERVICE.migrations, url)
    db = Database(url)
    now = datetime.now(timezone.utc)
    today = date.today()
    files, profiles, items, instalments = [], [], [], []
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
            number = f"INV-{i:05d}-{n}"
            items.append({"invoice_number": number, "customer_id": cid, "currency": "CNY",
                          "issue_date": due - timedelta(days=30), "due_date": due, "amount_minor": amount,
                          "open_minor": amount, "disputed_minor": 0, "extended_days": 0,
                          "written_off_minor": 0, "our_fault": False})
            instalments.append({"invoice_number": number, "seq": 1, "customer_id": cid, "currency": "CNY",
                                "due_date": due, "amount_minor": amount, "open_minor": amount,
                                "highest_threshold": 0})
    async with db.engine.begin() as conn:
        for table, rows in ((CreditFileRow.__table__, files), (CreditProfileRow.__table__, profiles),
                            (ReceivableRow.__table__, items), (InstalmentRow.__table__, instalments)):
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


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured_wrk(proc, port: int, seconds: int, connections: int, customers: int) -> tuple[float, int, str]:
    """wrk against a server; also its CPU time per request."""
    before = cpu_seconds(proc.pid)
    rps, bad = wrk(port, seconds, connections, customers)
    after = cpu_seconds(proc.pid)
    per_request = "" if before is None or after is None else \
        f", server CPU {(after - before) / (rps * seconds) * 1e6:,.0f} µs/request"
    return rps, bad, per_request


async def postgres_mode(url: str) -> str:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        fsync, sync_commit = await conn.fetchval("SHOW fsync"), await conn.fetchval("SHOW synchronous_commit")
    finally:
        await conn.close()
    if fsync == "on" and sync_commit != "off":
        return "durable"
    return f"fsync {fsync}, synchronous_commit {sync_commit}"


def wrk(port: int, seconds: int, connections: int, customers: int) -> tuple[float, int]:
    env = {**os.environ, "CHECK_TOKEN": TOKEN, "CHECK_CUSTOMERS": str(customers),
           "CHECK_RUN": uuid.uuid4().hex[:8]}
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "-s", str(ROOT / "bench" / "credit" / "post.lua"), f"http://127.0.0.1:{port}"],
                         env=env, capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, int(bad.group(1)) if bad else 0


def state_cache_lookups(port: int) -> str:
    """The checks' state cache over the whole run (warm-up, full and half load), from /metrics:
    after a customer's first check its state is in memory, so most checks skip the read."""
    text = httpx.get(f"http://127.0.0.1:{port}/credit/metrics", timeout=10).text
    found = {m.group(1): float(m.group(2)) for m in re.finditer(
        r'^ar_cache_lookups_total\{[^}]*cache="credit_state"[^}]*result="(\w+)"[^}]*\} (\S+)$', text, re.M)}
    total = sum(found.values())
    if not total:
        return "not used (SQLite, or AR_CREDIT_STATE_CACHE_ENTRIES=0)"
    return ", ".join(f"{found.get(k, 0):,.0f} {k}" for k in ("hit", "miss", "off")) + \
        f" ({found.get('hit', 0) / total:.1%} of lookups answered from memory)"


def body_maker(customers: int):
    return check_requests(TOKEN, lambda n: f"C{(n * 7919) % customers:05d}", lambda n: f"{1000 + (n % 50) * 100}.00",
                          "p99")


def write_docs(text: str) -> None:
    """Put this run's block in the "Credit check" section: it replaces the block with the same
    title (same database and durability); the section's prose and other blocks stay."""
    block, title = f"```\n{text}\n```", text.splitlines()[0]
    current = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    section = re.search(r"## Credit check\n.*?(?=\n## |\Z)", current, re.S)
    if section is None:
        DOCS.write_text(current.rstrip("\n") + f"\n\n## Credit check\n\n{block}\n")
        return
    body = section.group(0)
    same = re.search(r"```\n" + re.escape(title) + r"\n.*?\n```", body, re.S)
    if same:
        body = body[:same.start()] + block + body[same.end():]
    else:  # after the section's last figures, or at its end
        last = list(re.finditer(r"```\n== Credit check.*?\n```", body, re.S))
        at = last[-1].end() if last else len(body.rstrip("\n"))
        body = body[:at] + f"\n\n{block}" + body[at:]
    DOCS.write_text(current[:section.start()] + body + current[section.end():])


def command(pg_admin: str | None) -> str:
    env = f"AR_BENCH_POSTGRES_URL={make_url(pg_admin).render_as_string(hide_password=True)} " if pg_admin else ""
    return f"{env}python -m bench.credit_check " + " ".join(sys.argv[1:])


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
            url = await stack.enter_async_context(fresh_database(pg_admin))
            backend = f"PostgreSQL, {await postgres_mode(url)}"
        else:
            url, backend = f"sqlite+aiosqlite:///{tmp / 'credit.sqlite3'}", "SQLite"
        await seed(url, args.customers)
        env = {**os.environ, "AR_CREDIT_DATABASE_URL": url, "AR_DATA_DIR": str(tmp), "AR_BOOTSTRAP_ADMIN_KEY": TOKEN,
               "AR_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
        bare_port, credit_port = free_port(), free_port()
        with serve([PY, "-m", "bench.credit.bare_app", str(bare_port)], bare_port, env) as bare:
            wrk(bare_port, 2, args.connections, args.customers)  # warm-up
            bare_rps, _, bare_cpu = measured_wrk(bare, bare_port, args.seconds, args.connections, args.customers)
        with serve([PY, "-m", "services.credit", "api", "--port", str(credit_port)], credit_port, env) as credit:
            wrk(credit_port, 2, args.connections, args.customers)
            check_rps, bad, check_cpu = measured_wrk(credit, credit_port, args.seconds, args.connections,
                                                     args.customers)
            half = constant_rate.run("127.0.0.1", credit_port, check_rps / 2, args.seconds,
                                     body_maker(args.customers), connections=args.connections)
            half = await half
            cache = state_cache_lookups(credit_port)
    shutil.rmtree(tmp, ignore_errors=True)
    ratio = check_rps / bare_rps
    text = report(f"Credit check: POST /credit/v1/checks vs a bare FastAPI JSON endpoint ({backend}, same run)", [
        ("command", command(pg_admin)),
        ("load", f"wrk -t1 -c{args.connections} -d{args.seconds}s, {args.customers} customers, unique order refs"),
        ("bare FastAPI endpoint", f"{bare_rps:,.0f} requests/s{bare_cpu}"),
        ("credit check", f"{check_rps:,.0f} requests/s ({bad} non-2xx){check_cpu}"),
        ("ratio", f"{ratio:.3f} (target >= 0.35: {verdict(ratio, 0.35)})"),
        ("half load", f"{half['achieved_rps']:,.0f} requests/s constant rate for {args.seconds}s, "
                      f"{half['completed']} done, {half['errors']} errors"),
        ("latency at half load", f"p50 {half['p50_ms']:.2f} ms, p99 {half['p99_ms']:.2f} ms, "
                                 f"max {half['max_ms']:.2f} ms (target p99 <= 10 ms: "
                                 f"{verdict(half['p99_ms'], 10, higher_is_better=False)})"),
        ("state cache", cache),
        ("machine", f"{os.cpu_count()} cores, client and servers on the same machine"),
    ])
    write_docs(text)


if __name__ == "__main__":
    asyncio.run(main())
