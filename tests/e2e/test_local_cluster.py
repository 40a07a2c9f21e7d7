"""The distributed topology for real: deploy/local-cluster.sh starts Kafka, PostgreSQL,
an API and a worker process per service and the nginx gateway; the test talks to the
gateway on one port, as clients do, and to Kafka as billing does."""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import time
import uuid

import asyncpg
import httpx
import pytest

from shared.events.envelope import new_envelope, to_kafka
from shared.events.ledger import InvoiceIssuedV1
from tests.support.kafka import produce
from tests.support.processes import ROOT, free_port

KEY = "cluster-admin-key-0123456789abcdef"
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def cluster():
    if os.environ.get("CI") != "true" and not os.environ.get("AR_TEST_KAFKA_BOOTSTRAP"):
        pytest.skip("run through `make test` (needs Java, Maven, PostgreSQL and nginx)")
    # Under the repository, not pytest's private tmp: PostgreSQL runs as another user.
    directory = ROOT / "var" / f"e2e-cluster-{uuid.uuid4().hex[:8]}"
    kafka_port = free_port()
    env = {**os.environ, "AR_CLUSTER_DIR": str(directory), "AR_ENV": "test", "AR_BOOTSTRAP_ADMIN_KEY": KEY,
           "AR_GATEWAY_PORT": str(free_port()), "AR_CLUSTER_KAFKA_PORT": str(kafka_port),
           "AR_CLUSTER_PG_PORT": str(free_port()), "AR_CLUSTER_TIMEOUT": "120"}
    for name in ("LEDGER", "CREDIT", "DUNNING", "REPORTING"):
        env[f"AR_{name}_PORT"] = str(free_port())
        env[f"AR_{name}_METRICS_PORT"] = str(free_port())
    script = str(ROOT / "deploy" / "local-cluster.sh")
    up = subprocess.run([script, "up"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    try:
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        yield {"gateway": f"http://127.0.0.1:{env['AR_GATEWAY_PORT']}", "kafka": f"127.0.0.1:{kafka_port}",
               "dir": directory, "env": env}
    finally:
        subprocess.run([script, "down", "--wipe"], cwd=ROOT, env=env, capture_output=True, timeout=120)
        shutil.rmtree(directory, ignore_errors=True)


def eventually(check, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.3)
    return last


def test_gateway_serves_every_service_under_its_prefix(cluster):
    for name in ("ledger", "credit", "dunning", "reporting"):
        r = httpx.get(f"{cluster['gateway']}/{name}/healthz")
        assert r.json() == {"status": "ok", "service": name}
        assert httpx.get(f"{cluster['gateway']}/{name}/readyz").status_code == 200
        # metrics and docs: on the API's own (loopback) port, not on the gateway
        assert httpx.get(f"{cluster['gateway']}/{name}/metrics").status_code == 404
        api = f"http://127.0.0.1:{cluster['env'][f'AR_{name.upper()}_PORT']}/{name}"
        assert "ar_http_requests_total" in httpx.get(f"{api}/metrics").text
        assert "docs-assets/swagger-ui-bundle.js" in httpx.get(f"{api}/docs").text
        worker = f"http://127.0.0.1:{cluster['env'][f'AR_{name.upper()}_METRICS_PORT']}"
        assert httpx.get(f"{worker}/readyz").json()["status"] == "ready"
        assert "ar_outbox_backlog" in httpx.get(f"{worker}/metrics").text
    assert httpx.get(f"{cluster['gateway']}/ledger/v1/invoices").status_code == 401


def test_a_key_issued_by_one_service_reaches_the_others_through_kafka(cluster):
    auth = {"Authorization": f"Bearer {KEY}"}
    issued = httpx.post(f"{cluster['gateway']}/credit/v1/api-keys", headers=auth,
                        json={"name": "e2e", "roles": ["auditor"]})
    assert issued.status_code == 201, issued.text
    key = {"Authorization": f"Bearer {issued.json()['key']}"}
    ok = eventually(lambda: httpx.get(f"{cluster['gateway']}/reporting/v1/activity?from=2026-01-01&to=2026-01-02",
                                      headers=key).status_code == 200)
    assert ok


def test_billing_events_on_kafka_reach_reporting_and_dunning(cluster):
    """Billing's input on Kafka → the ledger books it and publishes its facts; the ledger's
    aging clock (run for a past business date) → `overdue-threshold` → dunning opens a case."""
    auth = {"Authorization": f"Bearer {KEY}"}
    customer = f"E2E-{uuid.uuid4().hex[:8]}"
    invoice = InvoiceIssuedV1(invoice_number=f"INV-{customer}", customer_id=customer, issue_date="2026-03-14",
                              due_date="2026-04-13", amount="1234.56", currency="CNY")
    asyncio.run(produce(cluster["kafka"], "invoice-issued", [to_kafka(new_envelope(invoice, "/billing"))]))

    def activity():
        r = httpx.get(f"{cluster['gateway']}/reporting/v1/activity?from=2026-03-14&to=2026-03-14", headers=auth)
        assert r.status_code == 200, r.text
        return [row for row in r.json() if row["currency"] == "CNY" and row["credit_sales"] != "0.00"]

    assert eventually(activity)
    sweep = httpx.post(f"{cluster['gateway']}/ledger/v1/aging-sweeps", json={"as_of": "2026-05-13"}, headers=auth)
    assert sweep.status_code == 200, sweep.text

    def case():
        r = httpx.get(f"{cluster['gateway']}/dunning/v1/cases", params={"customer_id": customer}, headers=auth)
        assert r.status_code == 200, r.text
        return r.json()["items"]

    cases = eventually(case)
    assert len(cases) == 1 and cases[0]["status"] == "open"
    assert cases[0]["open_amount"] == "1234.56" and cases[0]["max_days_overdue"] >= 30


def test_an_invoice_posted_to_the_ledger_reaches_credit_and_reporting(cluster):
    """REST → ledger (PostgreSQL, outbox) → relay → Kafka → credit's and reporting's
    workers (inbox, PostgreSQL) → their APIs, all through the gateway."""
    auth = {"Authorization": f"Bearer {KEY}"}
    gw = cluster["gateway"]
    customer = f"CHAIN-{uuid.uuid4().hex[:8]}"
    r = httpx.put(f"{gw}/credit/v1/customers/{customer}", headers=auth,
                  json={"name": "Chain Co", "region": "East", "customer_type": "distributor", "industry": "retail",
                        "salesperson": "li", "onboarded_on": "2024-01-10"})
    assert r.status_code in (200, 201), r.text
    invoice = {"invoice_number": f"INV-{customer}", "customer_id": customer, "issue_date": "2026-02-27",
               "payment_terms": "NET30", "amount": "2500.00", "currency": "CNY"}
    created = httpx.post(f"{gw}/ledger/v1/invoices", headers=auth, json=invoice)
    assert created.status_code == 201, created.text
    assert created.json()["due_date"] == "2026-03-29"
    assert httpx.post(f"{gw}/ledger/v1/invoices", headers=auth, json=invoice).status_code == 200

    def exposure():
        body = httpx.get(f"{gw}/credit/v1/customers/{customer}", headers=auth).json()
        return body["exposure"]["open_receivables"] == "2500.00"

    assert eventually(exposure), httpx.get(f"{gw}/credit/v1/customers/{customer}", headers=auth).text

    def reported():
        rows = httpx.get(f"{gw}/reporting/v1/activity?from=2026-02-27&to=2026-02-27", headers=auth).json()
        return any(row["invoices"] >= 1 for row in rows)

    assert eventually(reported)


def test_one_correlation_id_leads_from_the_gateway_to_every_consumer(cluster):
    """Issue 11: the caller's X-Correlation-ID survives the gateway, and grepping it finds
    the gateway's line, the API's, and a line of every worker that applied the events."""
    auth = {"Authorization": f"Bearer {KEY}"}
    gw, cid = cluster["gateway"], f"e2e-trace-{uuid.uuid4().hex[:12]}"
    customer = f"TRACE-{uuid.uuid4().hex[:8]}"
    r = httpx.put(f"{gw}/credit/v1/customers/{customer}", headers=auth, json={
        "name": "Trace Co", "region": "East", "customer_type": "distributor", "industry": "retail",
        "salesperson": "li", "onboarded_on": "2024-01-10"})
    assert r.status_code in (200, 201), r.text
    created = httpx.post(f"{gw}/ledger/v1/invoices", headers={**auth, "X-Correlation-ID": cid}, json={
        "invoice_number": f"INV-{customer}", "customer_id": customer, "issue_date": "2026-02-27",
        "payment_terms": "NET30", "amount": "10.00", "currency": "CNY"})
    assert created.status_code == 201, created.text
    assert created.headers["x-correlation-id"] == cid
    logs = cluster["dir"] / "logs"

    def grep() -> set[str]:
        return {p.stem for p in logs.glob("*.log") if cid in p.read_text(errors="replace")}

    assert eventually(lambda: {"gateway", "ledger-api", "credit-worker", "reporting-worker"} <= grep()), grep()
    applied = [line for p in logs.glob("*-worker.log") for line in p.read_text(errors="replace").splitlines()
               if cid in line]
    assert all('"applied' in line and "event_ids" in line for line in applied), applied


def test_a_killed_worker_is_restarted_by_its_supervisor(cluster):
    child = cluster["dir"] / "dunning-worker.child.pid"
    pid = int(child.read_text())
    os.kill(pid, signal.SIGKILL)
    worker = f"http://127.0.0.1:{cluster['env']['AR_DUNNING_METRICS_PORT']}/readyz"

    def back() -> bool:
        try:
            return int(child.read_text()) != pid and httpx.get(worker).status_code == 200
        except (OSError, ValueError, httpx.HTTPError):
            return False

    assert eventually(back, timeout=90)
    assert (cluster["dir"] / "dunning-worker.restarts").read_text().strip() == "1"
    status = subprocess.run([str(ROOT / "deploy" / "local-cluster.sh"), "status"], cwd=ROOT, env=cluster["env"],
                            capture_output=True, text=True, timeout=60)
    assert "restarts 1" in status.stdout and status.returncode == 0, status.stdout


def test_the_clusters_postgres_restarts_with_one_command_and_holds_no_test_database(cluster):
    script = str(ROOT / "deploy" / "local-cluster.sh")
    r = subprocess.run([script, "restart", "postgres"], cwd=ROOT, env=cluster["env"], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    auth = {"Authorization": f"Bearer {KEY}"}
    customer = f"PGR-{uuid.uuid4().hex[:8]}"

    def booked() -> bool:
        r = httpx.post(f"{cluster['gateway']}/ledger/v1/invoices", headers=auth, json={
            "invoice_number": f"INV-{customer}", "customer_id": customer, "issue_date": "2026-02-27",
            "payment_terms": "NET30", "amount": "10.00", "currency": "CNY"})
        return r.status_code in (200, 201)

    assert eventually(booked, timeout=60)

    async def databases() -> set[str]:
        conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{cluster['env']['AR_CLUSTER_PG_PORT']}/postgres")
        try:
            return {r[0] for r in await conn.fetch("SELECT datname FROM pg_database")}
        finally:
            await conn.close()

    assert "ar_test" not in asyncio.run(databases())
