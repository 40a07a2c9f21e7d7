"""The ledger on the real components: Apache Kafka (billing's events in, the ledger's
events out through the outbox relay) and PostgreSQL (bulk COPY ingest, the append-only
journal's trigger, the aging clock's exactly-once guard under concurrent sweeps)."""
from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import date, datetime, timezone

import asyncpg
import pytest
import sqlalchemy as sa

from services.ledger.bootstrap import SERVICE
from services.ledger.handlers import invoices, payments
from services.ledger.handlers.sweep import run_aging_sweep
from shared.clock import FixedClock
from shared.context import Context
from shared.events.credit import TermExtensionApprovedV1
from shared.events.envelope import new_envelope, to_kafka
from shared.events.ledger import InvoiceIssuedV1, PaymentReceivedV1
from shared.kafka_consumer import KafkaConsumerRunner, KafkaDeadLetterSink
from shared.relay import OutboxRelay
from shared.runtime import ServiceRuntime
from shared.settings import Settings
from shared.transport import KafkaTransport
from tests.support.embedded import ADMIN_KEY, deliver, embedded_product
from tests.support.kafka import collect, produce, skip_history, wait_until
from tests.support.ledger import migrate_over_data

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
NOW = datetime(2026, 6, 1, 4, 0, tzinfo=timezone.utc)


@contextlib.asynccontextmanager
async def ledger_worker(url: str, bootstrap: str, group: str):
    """What `python -m services.ledger worker` runs: relay to Kafka, consumer, on PostgreSQL."""
    settings = Settings(env="test", ledger_database_url=url, kafka_bootstrap_servers=bootstrap,
                        bootstrap_admin_key=ADMIN_KEY, relay_poll_seconds=0.05, consumer_backoff_seconds=0.05)
    runtime = ServiceRuntime(SERVICE, settings, FixedClock(NOW))
    await runtime.open()
    transport = KafkaTransport(bootstrap, f"test-{group}")
    dead_letters = KafkaDeadLetterSink(bootstrap, "ledger")
    await transport.start()
    await dead_letters.start()
    processor = runtime.processor(dead_letters)
    await skip_history(bootstrap, group, processor.topics)
    runner = KafkaConsumerRunner(processor, bootstrap_servers=bootstrap, group_id=group)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(OutboxRelay(runtime.db, transport, "ledger", poll_seconds=0.05).run(stop)),
             asyncio.create_task(runner.run(stop))]
    try:
        assert await wait_until(lambda: _ready(runner), timeout=30)
        yield runtime
    finally:
        stop.set()
        for task in tasks:
            await asyncio.wait_for(task, timeout=30)
        await dead_letters.stop()
        await transport.stop()
        await runtime.close()


async def _ready(runner) -> bool:
    return runner.ready.is_set()


async def scalar(runtime, sql: str, **params):
    async with runtime.db.engine.connect() as conn:
        return await conn.scalar(sa.text(sql), params)


def billing(*payloads) -> list:
    return [to_kafka(new_envelope(p, "/billing")) for p in payloads]


async def test_billing_events_become_balances_and_allocation_events_on_kafka(postgres_url, kafka_bootstrap, unique):
    customer = f"K-{unique}"
    async with ledger_worker(postgres_url, kafka_bootstrap, f"ledger-{unique}") as runtime:
        inv = [InvoiceIssuedV1(invoice_number=f"{unique}-{n}", customer_id=customer, issue_date="2026-04-01",
                               payment_terms="NET30", amount=amount, currency="CNY")
               for n, amount in enumerate(("100.00", "250.00"))]
        await produce(kafka_bootstrap, "invoice-issued", billing(*inv, inv[0]))  # a resend is harmless
        assert await wait_until(lambda: _count(runtime, customer, 2))
        pay = PaymentReceivedV1(payment_reference=f"P-{unique}", customer_id=customer, received_date="2026-05-10",
                                amount="300.00", currency="CNY")
        await produce(kafka_bootstrap, "payment-received", billing(pay))
        assert await wait_until(lambda: _paid(runtime, f"P-{unique}"))
        allocated = await collect(kafka_bootstrap, "payment-allocated", lambda m: unique.encode() in m.value, expect=1)
        settled = await collect(kafka_bootstrap, "invoice-settled", lambda m: unique.encode() in m.value, expect=1)
        lines = json.loads(allocated[0].value)["lines"]
        assert [(x["invoice_number"], x["amount"]) for x in lines] == [(f"{unique}-0", "100.00"),
                                                                      (f"{unique}-1", "200.00")]
        assert json.loads(settled[0].value)["invoice_number"] == f"{unique}-0"
        assert allocated[0].key == customer.encode()  # keyed by customer: one customer's events stay in order
        # billing's own events are not re-published by the ledger
        echoed = await collect(kafka_bootstrap, "invoice-issued", lambda m: unique.encode() in m.value, expect=3,
                               timeout=3)
        assert {dict(m.headers)["ce_source"] for m in echoed} == {b"/billing"}
        # what the ledger booked, once per invoice although billing sent one twice
        recorded = await collect(kafka_bootstrap, "invoice-recorded", lambda m: unique.encode() in m.value,
                                 expect=3, timeout=3)
        assert sorted(json.loads(m.value)["invoice_number"] for m in recorded) == [f"{unique}-0", f"{unique}-1"]
        assert {json.loads(m.value)["due_date"] for m in recorded} == {"2026-05-01"}  # NET30 resolved
        total = await scalar(runtime, "SELECT sum(balance_delta_minor) FROM journal_entries WHERE customer_id = :c",
                             c=customer)
        assert total == 5000  # 350.00 - 300.00


async def _count(runtime, customer: str, n: int) -> bool:
    return await scalar(runtime, "SELECT count(*) FROM invoices WHERE customer_id = :c", c=customer) >= n


async def _paid(runtime, reference: str) -> bool:
    return await scalar(runtime, "SELECT count(*) FROM payments WHERE payment_reference = :r", r=reference) == 1


async def test_a_defective_event_goes_to_the_dead_letter_topic_and_nothing_is_written(
        postgres_url, kafka_bootstrap, unique):
    customer = f"D-{unique}"
    async with ledger_worker(postgres_url, kafka_bootstrap, f"ledger-{unique}") as runtime:
        good = InvoiceIssuedV1(invoice_number=f"{unique}-ok", customer_id=customer, issue_date="2026-04-01",
                               due_date="2026-05-01", amount="10.00", currency="CNY")
        bad = good.model_copy(update={"invoice_number": f"{unique}-bad", "due_date": date(2026, 3, 1)})
        over = PaymentReceivedV1(payment_reference=f"P-{unique}", customer_id=customer, received_date="2026-05-02",
                                 amount="20.00", currency="CNY",
                                 allocations=[{"invoice_number": f"{unique}-ok", "amount": "20.00"}])
        await produce(kafka_bootstrap, "invoice-issued", billing(good, bad))
        assert await wait_until(lambda: _count(runtime, customer, 1))
        await produce(kafka_bootstrap, "payment-received", billing(over))
        letters = await collect(kafka_bootstrap, "ledger.dead-letter", lambda m: unique.encode() in m.value,
                                expect=2)
        by_topic = {dict(m.headers)["dlq_original_topic"]: dict(m.headers) for m in letters}
        assert b"due_date" in by_topic[b"invoice-issued"]["dlq_error"]
        assert b"allocations[0].amount" in by_topic[b"payment-received"]["dlq_error"]
        assert await scalar(runtime, "SELECT count(*) FROM invoices WHERE customer_id = :c", c=customer) == 1
        for table in ("payments", "allocations"):
            assert await scalar(runtime, f"SELECT count(*) FROM {table} WHERE customer_id = :c", c=customer) == 0
        assert await scalar(runtime, "SELECT count(*) FROM journal_entries WHERE customer_id = :c", c=customer) == 1


async def _seed(runtime, n: int) -> None:
    ctx = Context.event(runtime.clock, "/billing")
    batch = [InvoiceIssuedV1(invoice_number=f"S-{i:05d}", customer_id=f"C{i % 37}", issue_date="2026-01-01",
                             due_date=date(2026, 1, 1).replace(month=1 + i % 6, day=1 + i % 28),
                             amount=f"{10 + i}.00", currency="CNY") for i in range(n)]
    await invoices.record_invoices(runtime.deps, runtime.uow(), [(p, ctx) for p in batch])
    await payments.record_payments(runtime.deps, runtime.uow(), [(PaymentReceivedV1(
        payment_reference="PAID", customer_id="C0", received_date="2026-01-02", amount="10.00", currency="CNY",
        allocations=[{"invoice_number": "S-00000", "amount": "10.00"}]), ctx)])


async def test_the_sweep_emits_exactly_once_rerun_or_racing(postgres_url):
    runtime = ServiceRuntime(SERVICE, Settings(env="test", ledger_database_url=postgres_url,
                                               bootstrap_admin_key=ADMIN_KEY))
    await runtime.open()
    try:
        await _seed(runtime, 600)
        as_of = date(2026, 5, 15)
        # independently: each open instalment crosses every threshold <= its days overdue
        expected = 0
        for i in range(1, 600):
            due = date(2026, 1 + i % 6, 1 + i % 28)
            expected += sum(1 for t in SERVICE_LADDER if t <= (as_of - due).days)
        ctx = runtime.system_context()
        first, second = await asyncio.gather(run_aging_sweep(runtime.deps, runtime.uow(), ctx, as_of),
                                             run_aging_sweep(runtime.deps, runtime.uow(), ctx, as_of))
        assert first.events + second.events == expected
        assert (await run_aging_sweep(runtime.deps, runtime.uow(), ctx, as_of)).events == 0
        emitted = await scalar(runtime, "SELECT count(*) FROM outbox WHERE topic = 'overdue-threshold'")
        distinct = await scalar(runtime, "SELECT count(DISTINCT (payload::json->>'invoice_number') || ':' || "
                                         "(payload::json->>'threshold_days')) FROM outbox "
                                         "WHERE topic = 'overdue-threshold'")
        assert emitted == distinct == expected
        assert await scalar(runtime, "SELECT count(*) FROM outbox WHERE topic = 'overdue-threshold' AND "
                                     "payload::json->>'invoice_number' = 'S-00000'") == 0  # settled: silent
    finally:
        await runtime.close()


SERVICE_LADDER = (-7, -3, 1, 7, 15, 30, 60, 90, 180)


async def test_the_journal_refuses_update_and_delete_on_postgresql(postgres_url):
    runtime = ServiceRuntime(SERVICE, Settings(env="test", ledger_database_url=postgres_url,
                                               bootstrap_admin_key=ADMIN_KEY))
    await runtime.open()
    try:
        await _seed(runtime, 3)
    finally:
        await runtime.close()
    conn = await asyncpg.connect(postgres_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        for statement in ("UPDATE journal_entries SET amount_minor = 0", "DELETE FROM journal_entries",
                          "TRUNCATE journal_entries", "UPDATE allocations SET amount_minor = 0",
                          "DELETE FROM allocations"):
            with pytest.raises(asyncpg.exceptions.RestrictViolationError, match="append-only"):
                await conn.execute(statement)
        assert await conn.fetchval("SELECT count(*) FROM journal_entries") == 4
        assert await conn.fetchval("SELECT count(*) FROM journal_entries WHERE kind = 'payment'") == 1
    finally:
        await conn.close()


async def test_the_http_contract_on_postgresql(tmp_path, postgres_url):
    """The same handlers on PostgreSQL (COPY, arrays, RETURNING, triggers) through the API."""
    async with embedded_product(tmp_path, names=["ledger"], ledger_database_url=postgres_url) as client:
        v1 = "/ledger/v1"
        for n, (amount, due) in enumerate((("100.00", "2026-04-15"), ("200.00", "2026-05-15"))):
            r = await client.post(f"{v1}/invoices", json={"invoice_number": f"I{n}", "customer_id": "C1",
                                                          "issue_date": "2026-03-01", "due_date": due,
                                                          "amount": amount, "currency": "CNY"})
            assert r.status_code == 201, r.text
        r = await client.post(f"{v1}/payments", json={"payment_reference": "P1", "customer_id": "C1",
                                                      "received_date": "2026-05-01", "amount": "350.00",
                                                      "currency": "CNY"})
        assert r.json()["unapplied_amount"] == "50.00"
        r = await client.post(f"{v1}/invoices", json={"invoice_number": "I2", "customer_id": "C1",
                                                      "issue_date": "2026-05-05", "due_date": "2026-06-05",
                                                      "amount": "80.00", "currency": "CNY"})
        assert r.json()["open_amount"] == "30.00"
        d = (await client.post(f"{v1}/invoices/I2/disputes", json={"category": "quality", "note": "n"})).json()
        r = await client.post(f"{v1}/disputes/{d['dispute_id']}/resolution",
                              json={"outcome": "valid", "settlement": "discount", "amount": "10.00"})
        assert r.status_code == 200, r.text
        r = await client.post(f"{v1}/payments/P1/reversal", json={"reason": "bounced", "reversed_date": "2026-05-20"})
        assert r.status_code == 200, r.text
        [b] = (await client.get(f"{v1}/customers/C1/balance")).json()["balances"]
        assert (b["balance"], b["open_amount"], b["unapplied_cash"]) == ("370.00", "370.00", "0.00")
        assert (await client.get(f"{v1}/customers/C1/balance?as_of=2026-05-10")).json()["balances"][0]["balance"] == \
            "30.00"
        st = (await client.get(f"{v1}/customers/C1/statement?from=2026-05-01&to=2026-05-31")).json()
        assert (st["opening_balance"], st["closing_balance"]) == ("300.00", "380.00")  # the discount is dated 06-01
        sweep = (await client.post(f"{v1}/aging-sweeps", json={"as_of": "2026-06-01"})).json()
        assert sweep["events"] > 0
        assert (await client.post(f"{v1}/aging-sweeps", json={"as_of": "2026-06-01"})).json()["events"] == 0
        csv = "n,c,i,d,a\nX1,C2,2026-01-01,2026-01-31,10.00\nX2,C2,2026-01-01,2026-01-31,20.00\n"
        mapping = {"columns": {"invoice_number": "n", "customer_id": "c", "issue_date": "i", "due_date": "d",
                               "amount": "a"}, "currency": "CNY"}
        r = await client.post(f"{v1}/imports", files={"file": ("x.csv", csv.encode(), "text/csv")},
                              data={"mapping": json.dumps(mapping)})
        assert r.status_code == 201 and r.json()["imported_invoices"] == 2, r.text
        await client.host.settle()
        assert (await client.get(f"{v1}/customers/C2/balance")).json()["balances"][0]["balance"] == "30.00"


async def test_ledger_0007_migrates_the_aging_guard_on_postgresql(postgres_url):
    out = await migrate_over_data(postgres_url)
    assert out["diff"] == []
    assert out["crossings"] == [(7, -7, "2026-05-01"), (7, -3, "2026-05-01")]


async def test_due_dates_move_on_postgresql(tmp_path, postgres_url):
    """A receipt and a term extension (row_number over the history, the guard keyed by due
    date, the append-only trigger) on PostgreSQL."""
    async with embedded_product(tmp_path, names=["ledger"], ledger_database_url=postgres_url) as client:
        v1 = "/ledger/v1"
        for number, terms in (("R", {"payment_terms": "RECEIPT+30"}), ("A", {"due_date": "2026-05-01"})):
            r = await client.post(f"{v1}/invoices", json={"invoice_number": number, "customer_id": "C1",
                                                          "issue_date": "2026-04-01", "amount": "100.00",
                                                          "currency": "CNY", **terms})
            assert r.status_code == 201, r.text
        assert (await client.post(f"{v1}/aging-sweeps", json={"as_of": "2026-06-01"})).json()["events"] == 6
        r = await client.post(f"{v1}/invoices/R/receipt", json={"received_date": "2026-04-10", "proof": "SF-1"})
        assert r.json()["due_date"] == "2026-05-10", r.text
        await deliver(client, TermExtensionApprovedV1(customer_id="C1", application_id="APP-1", invoice_numbers=["A"],
                                                      extra_days=45, approved_by="gm",
                                                      effective_date="2026-06-01"), source="/credit")
        assert (await client.get(f"{v1}/invoices/A")).json()["due_date"] == "2026-06-15"
        # R's steps from its new date; A's guard rows stay, keyed by its old date
        assert (await client.post(f"{v1}/aging-sweeps", json={"as_of": "2026-06-01"})).json()["events"] == 5
        balances = {as_of: (await client.get(f"{v1}/customers/C1/balance", params={"as_of": as_of})).json()
                    ["balances"][0]["overdue_amount"] for as_of in ("2026-04-09", "2026-05-11", "2026-05-31")}
        assert balances == {"2026-04-09": "0.00", "2026-05-11": "200.00", "2026-05-31": "200.00"}
        async with client.host.runtime("ledger").db.engine.connect() as conn:
            with pytest.raises(Exception, match="append-only"):
                await conn.execute(sa.text("DELETE FROM due_date_changes"))
