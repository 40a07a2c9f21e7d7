"""The embedded default (`python -m services`: one process, four services on SQLite,
events through the outbox and the in-process delivery) under the backlog of one aging
sweep, as a new user meets it.

1. Start the real product as a process (uvicorn, a temporary AR_DATA_DIR, AR_ENV=test with
   a bootstrap admin key, the scheduled jobs off so nothing runs at an unplanned moment).
2. Import overdue invoices (CSV, the ledger's bulk import) dated so that the first sweep
   crosses all nine thresholds of each: 2,222 invoices -> 19,998 `overdue-threshold`
   events; and a graded customer (paid history, an assessment, a limit through the
   approval chain) for the credit check. Wait until every outbox is delivered.
3. Baseline, same run: a constant-rate client (open loop, latency from each request's
   scheduled time) checks the graded customer on the idle product.
4. `POST /ledger/v1/aging-sweeps`. From the sweep's end until every subscriber has applied
   every event (each subscriber's inbox, read from its SQLite file): the drain rate in
   total and per subscriber; the same credit-check client meanwhile (p50/p95/max against
   the idle baseline); an admin key issued at the ledger one second into the drain, tried
   in all four services every 50 ms until it works.
5. The delivery machinery alone, in this process: the same number of events from one
   producer to two subscribers whose handler does nothing (EmbeddedHost with no-op
   services), i.e. what the platform can deliver when handlers cost nothing.

Targets (printed, never asserted): drain >= 2,000 events/s; credit check p95 <= 50 ms during
the drain; a new key works everywhere within 2 s.

    python -m bench.embedded_backlog [--invoices 2222] [--rate 20] [--max-drain-seconds 600]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import httpx

from bench.common import ROOT, check_requests, report, verdict
from bench.credit import constant_rate

TOKEN = "bench-admin-key-0123456789abcdef"
SERVICES = ("ledger", "credit", "dunning", "reporting")
TOPIC = "overdue-threshold"
PY = sys.executable
MAPPING = {"columns": {"invoice_number": "invoiceNumber", "customer_id": "customerID", "issue_date": "InvoiceDate",
                       "due_date": "DueDate", "amount": "InvoiceAmount", "settled_date": "SettledDate",
                       "region": "countryCode", "disputed": "Disputed"},
           "date_format": "%Y-%m-%d", "currency": "CNY"}
GRADED = "GRADED-1"
SCORES = {"financial_strength": 9, "operating_condition": 9, "reputation_and_prospects": 9}
DOCUMENTS = [{"kind": k, "reference": f"REF-{k}"} for k in
             ("business_licence", "organisation_code", "legal_rep_id", "fixed_phone", "legal_rep_phones")]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def subscribers_of(topic: str) -> list[str]:
    from services.catalog import definitions

    return [d.name for d in definitions() if topic in d.all_handlers() or topic in d.batch_handlers]


# --- the product as a process --------------------------------------------------------------

@contextlib.contextmanager
def product(data_dir: Path, port: int):
    env = {**os.environ, "AR_PORT": str(port), "AR_HOST": "127.0.0.1", "AR_DATA_DIR": str(data_dir),
           "AR_ENV": "test", "AR_BOOTSTRAP_ADMIN_KEY": TOKEN, "AR_LOG_LEVEL": "WARNING",
           "AR_LEDGER_SWEEP_INTERVAL_SECONDS": "0", "AR_CREDIT_JOB_INTERVAL_SECONDS": "0", "PYTHONPATH": str(ROOT)}
    data_dir.mkdir(parents=True, exist_ok=True)
    log = (data_dir / "product.log").open("ab")
    proc = subprocess.Popen([PY, "-m", "services"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the product exited: {(data_dir / 'product.log').read_text()[-2000:]}")
            try:
                if all(httpx.get(f"http://127.0.0.1:{port}/{s}/readyz", timeout=2).status_code == 200
                       for s in SERVICES):
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the product did not start")
            time.sleep(0.3)
        yield proc
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


# --- the services' state, read from their SQLite files (read-only, WAL allows it) -----------

def _query(path: Path, sql: str, *params) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def applied(data_dir: Path, services: list[str], topic: str) -> dict[str, int]:
    """Events of `topic` each subscriber has applied or dead-lettered (its inbox)."""
    return {s: _query(data_dir / f"{s}.sqlite3", "SELECT count(*) FROM inbox WHERE topic = ?", topic)
            for s in services}


def unpublished(data_dir: Path) -> int:
    return sum(_query(data_dir / f"{s}.sqlite3", "SELECT count(*) FROM outbox WHERE published_at IS NULL")
               for s in SERVICES)


async def wait_quiet(data_dir: Path, timeout: float) -> float:
    """Until every outbox is delivered (twice in a row, half a second apart)."""
    started = time.monotonic()
    quiet = 0
    while quiet < 2:
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"outboxes not delivered after {timeout:.0f} s")
        await asyncio.sleep(0.5)
        quiet = quiet + 1 if await asyncio.to_thread(unpublished, data_dir) == 0 else 0
    return time.monotonic() - started


# --- the data -------------------------------------------------------------------------------

def backlog_csv(invoices: int, as_of: date, customers: int = 100) -> bytes:
    """`invoices` open invoices due 200-349 days before `as_of` (the first sweep crosses all
    nine thresholds of each), and the graded customer's 24 invoices, all paid before due."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["countryCode", "customerID", "invoiceNumber", "InvoiceDate", "DueDate", "InvoiceAmount",
                     "Disputed", "SettledDate"])
    for i in range(invoices):
        due = as_of - timedelta(days=200 + i % 150)
        writer.writerow(["391", f"OD-{i % customers:04d}", f"OD-INV-{i:06d}", (due - timedelta(days=30)).isoformat(),
                         due.isoformat(), f"{100 + i % 900}.{i % 100:02d}", "No", ""])
    for m in range(24):
        due = as_of - timedelta(days=60 + 30 * m)
        writer.writerow(["391", GRADED, f"GR-INV-{m:04d}", (due - timedelta(days=30)).isoformat(), due.isoformat(),
                         "25000.00", "No", (due - timedelta(days=5)).isoformat()])
    return out.getvalue().encode()


async def setup(client: httpx.AsyncClient, invoices: int, as_of: date) -> dict[str, dict]:
    r = await client.post("/ledger/v1/imports", files={"file": ("backlog.csv", backlog_csv(invoices, as_of),
                                                                "text/csv")},
                          data={"mapping": json.dumps(MAPPING)})
    assert r.status_code == 201, r.text[:2000]
    return r.json()


async def graded_customer(client: httpx.AsyncClient) -> dict[str, dict]:
    """Keys per role (issued at credit, stored there at once), the credit file, an
    assessment and a limit through the whole approval chain."""
    keys = {}
    for role in ("sales", "sales_manager", "sales_admin", "finance", "general_manager"):
        r = await client.post("/credit/v1/api-keys", json={"name": f"bench {role}", "roles": [role]})
        assert r.status_code == 201, r.text
        keys[role] = {"Authorization": f"Bearer {r.json()['key']}"}
    r = await client.put(f"/credit/v1/customers/{GRADED}", json={
        "name": "Graded customer", "region": "East", "customer_type": "distributor", "industry": "retail",
        "salesperson": "li", "onboarded_on": "2020-01-10", "currency": "CNY", "documents": DOCUMENTS})
    assert r.status_code in (200, 201), r.text
    r = await client.post(f"/credit/v1/customers/{GRADED}/assessments", json={"scores": SCORES},
                          headers=keys["finance"])
    assert r.status_code == 201, r.text
    app = await client.post("/credit/v1/applications", headers=keys["sales_manager"], json={
        "customer_id": GRADED, "kind": "grade_limit_term", "limit": "1000000", "term_days": 30, "currency": "CNY",
        "justification": "bench: a limit no check of the load exceeds"})
    assert app.status_code == 201, app.text
    for role in ("sales_admin", "finance", "general_manager"):
        r = await client.post(f"/credit/v1/applications/{app.json()['application_id']}/decisions",
                              json={"decision": "approve"}, headers=keys[role])
        assert r.status_code == 200, r.text
    return keys


def check_request(key: str):
    return check_requests(key, lambda n: GRADED, lambda n: f"{1000 + (n % 50) * 10}.00", "bl")


# --- during the drain -----------------------------------------------------------------------

async def watch_drain(data_dir: Path, targets: dict[str, int], started: float, max_seconds: float,
                      done: asyncio.Event) -> tuple[dict[str, float], float | None]:
    """Seconds from `started` until each subscriber's inbox holds its target; then until every
    outbox is marked delivered."""
    finished: dict[str, float] = {}
    published_at = None
    try:
        while time.perf_counter() - started < max_seconds:
            counts = await asyncio.to_thread(applied, data_dir, list(targets), TOPIC)
            now = time.perf_counter() - started
            for s, n in counts.items():
                if s not in finished and n >= targets[s]:
                    finished[s] = now
            if len(finished) == len(targets):
                if await asyncio.to_thread(unpublished, data_dir) == 0:
                    published_at = time.perf_counter() - started
                    break
            await asyncio.sleep(0.1)
    finally:
        done.set()
    return finished, published_at


async def key_probe(base: str, admin: dict, delay: float, max_seconds: float) -> tuple[float, dict[str, float | None]]:
    """Issue an admin key at the ledger `delay` s into the drain; seconds until it works in each service."""
    await asyncio.sleep(delay)
    works: dict[str, float | None] = {}
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        issued_at = time.perf_counter()
        r = await client.post("/ledger/v1/api-keys", json={"name": "issued during the drain", "roles": ["admin"]},
                              headers=admin)
        assert r.status_code == 201, r.text
        answered = time.perf_counter() - issued_at
        headers = {"Authorization": f"Bearer {r.json()['key']}"}

        async def until_it_works(service: str) -> None:
            while time.perf_counter() - issued_at < max_seconds:
                if (await client.get(f"/{service}/v1/api-keys", headers=headers)).status_code == 200:
                    works[service] = time.perf_counter() - issued_at
                    return
                await asyncio.sleep(0.05)
            works[service] = None

        await asyncio.gather(*(until_it_works(s) for s in SERVICES))
    return answered, works


# --- the delivery machinery alone -----------------------------------------------------------

NOOP_ENV = "from shared.migrations import run_env\n\nrun_env()\n"


async def _noop(_deps, _uow, _ctx, _event) -> None:
    return None


async def noop_delivery(events: int, tmp: Path, subscribers: int = 2, timeout: float = 600) -> dict:
    """`events` overdue-threshold events committed in one transaction by a producer, applied by
    `subscribers` services whose handler does nothing (inbox, transaction, delivery: the
    platform's own cost). The services borrow the real names (one SQLite file each) because
    the settings know a database per real service; their code is none of the real services'."""
    from shared.clock import SystemClock
    from shared.events.ledger import OverdueThresholdV1
    from shared.hosting import EmbeddedHost
    from shared.runtime import ServiceDefinition
    from shared.settings import Settings

    migrations = tmp / "noop-migrations"
    (migrations / "versions").mkdir(parents=True, exist_ok=True)
    (migrations / "env.py").write_text(NOOP_ENV)
    names = ["credit", "dunning", "reporting"][:subscribers]
    definitions = [ServiceDefinition(name="ledger", title="no-op producer", description="", migrations=migrations),
                   *(ServiceDefinition(name=n, title="no-op subscriber", description="", migrations=migrations,
                                       handlers={TOPIC: _noop}) for n in names)]
    settings = Settings(env="test", data_dir=tmp / "noop", bootstrap_admin_key=TOKEN, log_level="WARNING")
    host = EmbeddedHost(definitions, settings, clock=SystemClock(), run_jobs=False)
    await host.start()
    try:
        today = date.today()
        async with host.runtime("ledger").uow() as uow:
            for i in range(events):
                due = today - timedelta(days=200)
                uow.emit(OverdueThresholdV1.model_construct(
                    invoice_number=f"N-{i:06d}", instalment_seq=1, customer_id=f"C-{i % 100:03d}",
                    threshold_days=180, as_of=today, due_date=due, days_overdue=200, open_amount=Decimal("100.00"),
                    customer_open_amount=None, currency="CNY", region=None, product_line=None,
                    customer_type=None, salesperson=None))
            await uow.commit()
        started = time.perf_counter()
        finished: dict[str, float] = {}
        while len(finished) < len(names) and time.perf_counter() - started < timeout:
            await asyncio.sleep(0.05)
            for n in names:
                if n in finished:
                    continue
                async with host.runtime(n).db.engine.connect() as conn:
                    import sqlalchemy as sa
                    count = await conn.scalar(sa.text("SELECT count(*) FROM inbox WHERE topic = :t"), {"t": TOPIC})
                if count >= events:
                    finished[n] = time.perf_counter() - started
    finally:
        await host.stop()
    return finished


# --- the run --------------------------------------------------------------------------------

def fmt_latency(r: dict) -> str:
    return (f"{r['completed']:,} checks at {r['achieved_rps']:.0f}/s over {r['seconds']:.1f} s ({r['errors']} errors): "
            f"p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, max {r['max_ms']:.1f} ms")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=2222, help="x 9 thresholds = events of the sweep")
    parser.add_argument("--rate", type=float, default=20.0, help="credit checks per second")
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    parser.add_argument("--key-after", type=float, default=1.0, help="seconds into the drain to issue a key")
    parser.add_argument("--max-drain-seconds", type=float, default=600.0)
    parser.add_argument("--no-op-subscribers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="embedded-backlog-"))
    data_dir, port = tmp / "var", free_port()
    base = f"http://127.0.0.1:{port}"
    admin = {"Authorization": f"Bearer {TOKEN}"}
    as_of = date.today()
    subscribers = subscribers_of(TOPIC)
    try:
        with product(data_dir, port):
            async with httpx.AsyncClient(base_url=base, headers=admin, timeout=600) as client:
                imported = await setup(client, args.invoices, as_of)
                setup_drain = await wait_quiet(data_dir, args.max_drain_seconds)
                keys = await graded_customer(client)
                await wait_quiet(data_dir, args.max_drain_seconds)
                first = await client.post("/credit/v1/checks", headers=keys["sales"], json={
                    "customer_id": GRADED, "amount": "1000.00", "currency": "CNY", "order_ref": "bl-first",
                    "reserve": False})
                assert first.status_code == 200, first.text
                decision = first.json()["decision"] + "".join(
                    f", {x['code']}" for x in first.json()["reasons"])
                make = check_request(keys["sales"]["Authorization"].split()[1])
                idle = await constant_rate.run("127.0.0.1", port, args.rate, args.baseline_seconds, make,
                                               connections=8)
                before = await asyncio.to_thread(applied, data_dir, subscribers, TOPIC)
                r = await client.post("/ledger/v1/aging-sweeps", json={"as_of": as_of.isoformat()})
                assert r.status_code == 200, r.text
                sweep = r.json()
                started = time.perf_counter()
                targets = {s: before[s] + sweep["events"] for s in subscribers}
                done = asyncio.Event()
                watcher = asyncio.create_task(watch_drain(data_dir, targets, started, args.max_drain_seconds, done))
                probe = asyncio.create_task(key_probe(base, admin, args.key_after, args.max_drain_seconds))
                during = await constant_rate.run("127.0.0.1", port, args.rate, args.max_drain_seconds,
                                                 check_request(keys["sales"]["Authorization"].split()[1]),
                                                 connections=8, stop=done)
                finished, published = await watcher
                key_answer, key_works = await probe
        noop = await noop_delivery(sweep["events"], tmp, args.no_op_subscribers, args.max_drain_seconds)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    events = sweep["events"]
    drained = max(finished.values()) if len(finished) == len(subscribers) else None
    rate = events / drained if drained else 0.0
    noop_total = max(noop.values()) if noop else None
    noop_rate = events / noop_total if noop_total else 0.0
    rows = [
        ("command", "python -m bench.embedded_backlog " + " ".join(sys.argv[1:])),
        ("backlog", f"{events:,} {TOPIC} events from one aging sweep ({sweep['seconds']:.1f} s; "
                    f"{imported['imported_invoices']:,} invoices imported, their delivery took {setup_drain:.0f} s)"),
        ("subscribers of the sweep", ", ".join(subscribers)),
        ("drain, all subscribers", (f"{drained:.1f} s from the sweep's end: {rate:,.0f} events/s "
                                    f"(target >= 2,000: {verdict(rate, 2000)})") if drained else
         f"NOT drained within {args.max_drain_seconds:.0f} s"),
    ]
    for s in SERVICES:
        if s not in subscribers:
            rows.append((f"  {s}", f"does not subscribe to {TOPIC}"))
        elif s in finished:
            rows.append((f"  {s}", f"{events:,} applied in {finished[s]:.1f} s: {events / finished[s]:,.0f} events/s"))
        else:
            rows.append((f"  {s}", f"NOT done within {args.max_drain_seconds:.0f} s"))
    rows.append(("outboxes all delivered", f"{published:.1f} s after the sweep" if published else "not seen"))
    rows.append(("no-op delivery (baseline)", (
        f"the same {events:,} events to {len(noop)} no-op subscribers in {noop_total:.2f} s: {noop_rate:,.0f} events/s "
        f"(" + ", ".join(f"{n} {events / t:,.0f}/s" for n, t in noop.items()) + ")") if noop_total else "not done"))
    if noop_rate and rate:
        rows.append(("ratio drain / no-op", f"{rate / noop_rate:.2f}"))
    rows.append(("credit check, idle", f"{fmt_latency(idle)} (baseline, same run; decision {decision})"))
    rows.append(("credit check, draining", f"{fmt_latency(during)} (target p95 <= 50 ms: "
                                           f"{verdict(during['p95_ms'], 50, higher_is_better=False)})"))
    rows.append(("ratio p95 draining / idle", f"{during['p95_ms'] / idle['p95_ms']:.1f}x"))
    slowest = None if None in key_works.values() else max(key_works.values())
    rows.append(("key issued during the drain", (
        f"at the ledger {args.key_after:.0f} s into the drain (answered in {key_answer * 1000:.0f} ms); works in "
        + ", ".join(f"{s} {t:.2f} s" if t is not None else f"{s} NEVER" for s, t in key_works.items())
        + (f" (target <= 2 s everywhere: {verdict(slowest, 2, higher_is_better=False)})" if slowest is not None
           else " (target <= 2 s everywhere: MISSES target)"))))
    rows.append(("machine", f"{os.cpu_count()} cores, client and product on the same machine"))
    report("Embedded mode under a backlog: one aging sweep through the four services (SQLite, one process)", rows)


if __name__ == "__main__":
    asyncio.run(main())
