"""Credit on the real components: ledger events through Apache Kafka into credit's worker
pieces on PostgreSQL change exposure, place and lift holds (published through the outbox)
and change sub-scores; the check's batched PostgreSQL path; the migration on PostgreSQL."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from services.credit import views
from services.credit.bootstrap import SERVICE
from services.credit.handlers import checks, files, grading
from shared.clock import FixedClock
from shared.context import Context
from shared.events.dunning import PromiseToPayBrokenV1
from shared.events.envelope import new_envelope, to_kafka
from tests.support.facts import recorded_invoice
from shared.events.ledger import (
    AppliedLine, DueDateChange, InvoiceDueDatesChangedV1, InvoiceRecordedV1, OverdueThresholdV1, PaymentAllocatedV1,
    RecordedInstalment,
)
from shared.errors import Conflict
from shared.kafka_consumer import KafkaDeadLetterSink
from shared.platform_tables import outbox
from shared.runtime import ServiceRuntime
from shared.settings import Settings
from tests.support.credit import migrated_matches_models
from tests.support.kafka import produce, running_consumer, wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
TODAY = datetime(2026, 6, 1, 4, 0, tzinfo=timezone.utc)
ADMIN = Context("it-admin", date(2026, 6, 1), TODAY, frozenset({"admin", "finance"}), "integration test")


@pytest.fixture
async def runtime(postgres_url, tmp_path):
    rt = ServiceRuntime(SERVICE, Settings(env="test", credit_database_url=postgres_url, data_dir=tmp_path,
                                          bootstrap_admin_key="it-admin-key-0123456789abcdef-xyz",
                                          consumer_backoff_seconds=0.05), clock=FixedClock(TODAY))
    await rt.open()
    yield rt
    await rt.close()


@pytest.fixture
async def worker(runtime, kafka_bootstrap, unique):
    dlq = KafkaDeadLetterSink(kafka_bootstrap, "credit")
    await dlq.start()
    async with running_consumer(runtime.processor(dlq), kafka_bootstrap, f"credit-it-{unique}") as runner:
        yield runner
    await dlq.stop()


async def send(bootstrap: str, *payloads, source: str = "/ledger") -> None:
    for p in payloads:
        await produce(bootstrap, p.topic, [to_kafka(new_envelope(p, source))])


async def view(runtime, cid):
    return await views.customer(runtime.deps, runtime.uow(), ADMIN, cid)


async def published(runtime, topic: str, cid: str) -> list[dict]:
    async with runtime.db.engine.connect() as conn:
        rows = (await conn.execute(sa.select(outbox.c.payload).where(outbox.c.topic == topic, outbox.c.key == cid)
                                   .order_by(outbox.c.seq))).all()
    return [json.loads(r[0]) for r in rows]


async def new_customer(runtime, cid: str) -> None:
    docs = [files.DocumentInput(kind, f"REF-{kind}") for kind in files.DocumentKind]
    await files.put_file(runtime.deps, runtime.uow(), ADMIN, cid, files.FileInput(name=cid, onboarded_on=date(2024, 1, 1),
                                                                     documents=docs))


async def test_ledger_events_change_exposure_place_and_lift_holds(runtime, worker, kafka_bootstrap, unique):
    cid = f"IT-{unique}"
    await new_customer(runtime, cid)
    due = date(2026, 4, 20)
    await send(kafka_bootstrap,
               recorded_invoice(invoice_number=f"{cid}-1", customer_id=cid, issue_date=date(2026, 3, 21),
                               due_date=due, amount="1000.00", currency="CNY"),
               recorded_invoice(invoice_number=f"{cid}-2", customer_id=cid, issue_date=date(2026, 5, 20),
                               due_date=date(2026, 6, 19), amount="500.00", currency="CNY"))

    async def exposure_is(amount):
        return (await view(runtime, cid)).exposure.total == amount
    assert await wait_until(lambda: exposure_is(1500), timeout=60)

    await send(kafka_bootstrap, OverdueThresholdV1(
        invoice_number=f"{cid}-1", instalment_seq=1, customer_id=cid, threshold_days=30, as_of=date(2026, 5, 20),
        due_date=due, days_overdue=30, open_amount="1000.00", currency="CNY"))

    async def held():
        return [h.kind for h in (await view(runtime, cid)).holds] == ["overdue"]
    assert await wait_until(held, timeout=60)
    assert [e["kind"] for e in await published(runtime, "customer-hold-placed", cid)] == ["overdue"]

    await send(kafka_bootstrap, PaymentAllocatedV1(
        payment_reference=f"{cid}-P", customer_id=cid, received_date=date(2026, 6, 1), effective_date=date(2026, 6, 1),
        currency="CNY", unapplied_amount="0",
        lines=[AppliedLine(invoice_number=f"{cid}-1", instalment_seq=1, amount="1000.00", due_date=due)]))

    async def lifted():
        v = await view(runtime, cid)
        return v.holds == [] and v.exposure.total == 500
    assert await wait_until(lifted, timeout=60)
    assert [e["reason"] for e in await published(runtime, "customer-hold-released", cid)] == ["overdue debt paid"]


async def test_dunning_and_ledger_events_change_sub_scores(runtime, worker, kafka_bootstrap, unique):
    cid = f"IT-{unique}"
    await new_customer(runtime, cid)
    scores = {"financial_strength": 9, "operating_condition": 9, "reputation_and_prospects": 9}
    first = await grading.assess(runtime.deps, runtime.uow(), ADMIN, cid, scores, {}, None)
    purchases = next(c for c in first.result["criteria"] if c["id"] == "purchases")["points"]
    assert purchases == 0
    await send(kafka_bootstrap, recorded_invoice(invoice_number=f"{cid}-1", customer_id=cid,
                                                issue_date=date(2026, 5, 1), due_date=date(2026, 6, 30),
                                                amount="250000.00", currency="CNY"))
    await send(kafka_bootstrap, PromiseToPayBrokenV1(customer_id=cid, promise_id=f"{cid}-PR", amount="100.00",
                                                     promised_date=date(2026, 5, 20), currency="CNY",
                                                     broken_on=date(2026, 5, 21)), source="/dunning")

    async def rerated():
        why = (await view(runtime, cid)).why
        points = {c["id"]: c["points"] for c in why["criteria"]}
        return points["purchases"] == 24 and points["repayment"] == 20  # 25 (no history) - 5 per broken promise
    assert await wait_until(rerated, timeout=60)
    grades = await published(runtime, "credit-grade-changed", cid)
    assert len(grades) >= 2 and grades[-1]["total_score"] == 71


async def test_the_batched_check_on_postgres_is_idempotent(runtime, unique):
    cid = f"IT-{unique}"
    await new_customer(runtime, cid)
    assert runtime.deps.check_store is not None
    first = json.loads(await checks.check(runtime.deps, runtime.uow(), ADMIN, cid, "10.00", "CNY", f"SO-{unique}", False))
    again = json.loads(await checks.check(runtime.deps, runtime.uow(), ADMIN, cid, "10", "CNY", f"SO-{unique}", False))
    assert first == again and first["reasons"][0]["code"] == "prepayment_required"
    with pytest.raises(Conflict):
        await checks.check(runtime.deps, runtime.uow(), ADMIN, cid, "11", "CNY", f"SO-{unique}", False)
    unknown = json.loads(await checks.check(runtime.deps, runtime.uow(), ADMIN, "NOBODY", "1", "CNY", f"SO-U-{unique}", False))
    assert unknown["decision"] == "reject" and unknown["reasons"][0]["code"] == "unknown_customer"
    reserved = json.loads(await checks.check(runtime.deps, runtime.uow(), ADMIN, cid, "10", "CNY", f"SO-R-{unique}", True))
    assert reserved["reservation"] is None  # E/no grade: no credit, nothing reserved


async def test_the_migration_matches_the_tables_on_postgres(postgres_url):
    assert await migrated_matches_models(postgres_url) == []


async def test_the_ledgers_due_dates_reach_credit_through_kafka(runtime, worker, kafka_bootstrap, unique):
    """A RECEIPT+N invoice not received (no due date: exposure, never overdue, also in the
    batched check on PostgreSQL), then the ledger's receipt dates it."""
    cid, number = f"IT-{unique}", f"IT-{unique}-R"
    await new_customer(runtime, cid)
    await send(kafka_bootstrap, InvoiceRecordedV1(
        invoice_number=number, customer_id=cid, issue_date=date(2026, 3, 1), due_date=None,
        payment_terms="RECEIPT+30", amount="2000.00", currency="CNY",
        instalments=[RecordedInstalment(seq=1, due_date=None, amount="2000.00")], recorded_via="billing"))

    async def exposed():
        v = await view(runtime, cid)
        return v.exposure.total == 2000 and v.overdue.amount == 0
    assert await wait_until(exposed, timeout=60)
    answer = json.loads(await checks.check(runtime.deps, runtime.uow(), ADMIN, cid, "10", "CNY", f"SO-{unique}",
                                           False, 7))
    assert [r["code"] for r in answer["reasons"]] == ["prepayment_required", "term_exceeds_approved"]
    due = date(2026, 4, 20)
    await send(kafka_bootstrap, InvoiceDueDatesChangedV1(
        invoice_number=number, customer_id=cid, reason="receipt", reference="signed", effective_date=date(2026, 3, 21),
        due_date=due, instalments=[DueDateChange(seq=1, due_date=due, previous_due_date=None)]))

    async def dated():
        return (await view(runtime, cid)).overdue.max_days_overdue == 42
    assert await wait_until(dated, timeout=60)
