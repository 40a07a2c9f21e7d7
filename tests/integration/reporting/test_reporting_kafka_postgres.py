"""Reporting on the real components: billing's events go through Apache Kafka into the real
ledger (PostgreSQL, outbox relay), whose facts go through Kafka into reporting's consumer
on its own PostgreSQL database. The aging reporting builds equals the ledger's own open and
overdue amounts on every date, a back-dated payment corrects history, and the ledger's
facts delivered again, newest first and under new event ids, change nothing."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from services.ledger import views as ledger_views
from services.reporting import views
from services.reporting.bootstrap import SERVICE
from shared.clock import FixedClock
from shared.context import Context
from shared.events.envelope import new_envelope, to_kafka
from shared.events.ledger import AllocationLine, InvoiceIssuedV1, PaymentReceivedV1
from shared.events.registry import payload_class
from shared.kafka_consumer import KafkaDeadLetterSink
from shared.platform_tables import inbox, outbox
from shared.runtime import ServiceRuntime
from shared.settings import Settings
from tests.integration.ledger.test_ledger_kafka_postgres import billing, ledger_worker
from tests.support.infra import fresh_postgres_database
from tests.support.kafka import produce, running_consumer, skip_history, wait_until
from tests.support.reporting import migrated_matches_models

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
NOW = datetime(2026, 6, 1, 4, 0, tzinfo=timezone.utc)
ADMIN = Context("it-admin", date(2026, 6, 1), NOW, frozenset({"admin", "finance"}), "integration test")
DATES = [date(2026, 3, 1), date(2026, 3, 4), date(2026, 3, 25), date(2026, 4, 15), date(2026, 4, 25), date(2026, 5, 2),
         date(2026, 5, 25), date(2026, 6, 1)]


@pytest.fixture
async def reporting(postgres_admin_url, kafka_bootstrap, unique, tmp_path):
    async with fresh_postgres_database(postgres_admin_url) as url:
        rt = ServiceRuntime(SERVICE, Settings(env="test", reporting_database_url=url, data_dir=tmp_path,
                                              bootstrap_admin_key="it-admin-key-0123456789abcdef-xyz",
                                              consumer_backoff_seconds=0.05), clock=FixedClock(NOW))
        await rt.open()
        dlq = KafkaDeadLetterSink(kafka_bootstrap, "reporting")
        await dlq.start()
        processor = rt.processor(dlq)
        group = f"reporting-it-{unique}"
        await skip_history(kafka_bootstrap, group, processor.topics)
        async with running_consumer(processor, kafka_bootstrap, group):
            yield rt
        await dlq.stop()
        await rt.close()


async def _ledger_figures(ledger, customer: str, on: date) -> tuple:
    b = await ledger_views.balance(ledger.deps, ledger.uow(), ADMIN, customer, on, "CNY")
    bal = b["balances"][0]
    return str(bal["open_amount"]), str(bal["overdue_amount"])


async def _reporting_figures(rt, customer: str, on: date) -> tuple:
    report = await views.aging(rt.deps, rt.uow(), ADMIN, as_of=on, group_by="customer", currency="CNY")
    row = next((r for r in report["rows"] if r["key"] == customer), None)
    if row is None:
        return None
    return str(row["total"]), str(row["total"] - row["buckets"]["current"] - row["disputed"])


async def _same(ledger, rt, customer: str) -> bool:
    for on in DATES:
        try:
            expected = await _ledger_figures(ledger, customer, on)
        except Exception:  # the customer has no entries yet
            return False
        got = await _reporting_figures(rt, customer, on)
        if got is None and expected[0] in ("0", "0.00"):
            continue
        if got != expected:
            return False
    return True


async def _count(url_runtime, table, where) -> int:
    async with url_runtime.db.engine.connect() as conn:
        return await conn.scalar(sa.select(sa.func.count()).select_from(table).where(where))


async def test_reports_equal_the_ledgers_own_figures_whatever_the_delivery(postgres_url, kafka_bootstrap, unique,
                                                                           reporting):
    customer = f"R-{unique}"
    async with ledger_worker(postgres_url, kafka_bootstrap, f"ledger-{unique}") as ledger:
        invoices = [InvoiceIssuedV1(invoice_number=f"{unique}-{n}", customer_id=customer, issue_date=issued,
                                    payment_terms="NET30", amount=amount, currency="CNY")
                    for n, (issued, amount) in enumerate((("2026-02-01", "100.00"), ("2026-04-01", "250.00"),
                                                          ("2026-05-10", "80.00")))]
        await produce(kafka_bootstrap, "invoice-issued", billing(*invoices))
        first = PaymentReceivedV1(payment_reference=f"P1-{unique}", customer_id=customer, received_date="2026-04-10",
                                  amount="60.00", currency="CNY",
                                  allocations=[AllocationLine(invoice_number=f"{unique}-0", amount="60.00")])
        second = PaymentReceivedV1(payment_reference=f"P2-{unique}", customer_id=customer,
                                   received_date="2026-05-20", amount="200.00", currency="CNY")
        await produce(kafka_bootstrap, "payment-received", billing(first, second))
        assert await wait_until(lambda: _same(ledger, reporting, customer), timeout=90)

        # a back-dated payment (before the one of 05-20): history as of late April changes in both
        late = PaymentReceivedV1(payment_reference=f"P3-{unique}", customer_id=customer, received_date="2026-04-20",
                                 amount="20.00", currency="CNY",
                                 allocations=[AllocationLine(invoice_number=f"{unique}-1", amount="20.00")])
        await produce(kafka_bootstrap, "payment-received", billing(late))
        assert await wait_until(lambda: _paid_in_reporting(reporting, f"P3-{unique}"), timeout=60)
        assert await wait_until(lambda: _same(ledger, reporting, customer), timeout=60)
        before = {on: await _reporting_figures(reporting, customer, on) for on in DATES}

        # every fact the ledger published about the customer again, newest first, new event ids
        async with ledger.db.engine.connect() as conn:
            rows = (await conn.execute(sa.select(outbox.c.event_type, outbox.c.payload)
                                       .where(outbox.c.key == customer).order_by(outbox.c.seq.desc()))).all()
        replay = [payload_class(t).model_validate(json.loads(p)) for t, p in rows]
        replay = [p for p in replay if p.topic in SERVICE.handlers or p.topic in SERVICE.batch_handlers]
        assert len(replay) >= 6
        seen = await _count(reporting, inbox, inbox.c.outcome == "applied")
        for p in replay:
            await produce(kafka_bootstrap, p.topic, [to_kafka(new_envelope(p, "/ledger"))])

        async def all_applied() -> bool:
            return await _count(reporting, inbox, inbox.c.outcome == "applied") >= seen + len(replay)
        assert await wait_until(all_applied, timeout=90)
        assert {on: await _reporting_figures(reporting, customer, on) for on in DATES} == before
        assert await _same(ledger, reporting, customer)


async def _paid_in_reporting(rt, reference: str) -> bool:
    from services.reporting.tables import FactRow
    f = FactRow.__table__
    return await _count(rt, f, sa.and_(f.c.kind == "allocation", f.c.reference == reference)) > 0


async def test_the_migration_matches_the_tables_on_postgresql(postgres_url):
    assert await migrated_matches_models(postgres_url) == []


async def test_every_report_runs_on_postgresql(reporting, postgres_admin_url):
    """Each view's SQL on PostgreSQL (the unit tests run it on SQLite), on a small book."""
    from services.reporting.handlers import credit as credit_handlers, ledger as ledger_handlers
    from tests.support.reporting import (
        allocated, dispute, grade, payment, recorded_invoice, resolved, written_off,
    )
    deps, ctx = reporting.deps, reporting.system_context()
    await ledger_handlers.invoices_recorded(deps, reporting.uow(), [
        (recorded_invoice("PG-1", "PGA", "2026-03-01", "2026-03-31", "100.00", salesperson="li"), ctx),
        (recorded_invoice("PG-2", "PGB", "2025-09-01", "2025-10-01", "50.00"), ctx)])
    for handler, fact in ((ledger_handlers.payment_recorded, payment("PG-P", "PGA", "2026-04-15", "40.00")),
                          (ledger_handlers.payment_allocated,
                           allocated("PG-P", "PGA", "2026-04-15", ("PG-1", 1, "40.00", "2026-03-31"))),
                          (ledger_handlers.invoice_written_off, written_off("PG-W", "PG-2", "PGB", "2026-05-01",
                                                                            "50.00")),
                          (ledger_handlers.dispute_opened, dispute("PG-D", "PG-1", "PGA", "2026-04-01", "10.00")),
                          (ledger_handlers.dispute_resolved, resolved("PG-D", "PG-1", "PGA", "2026-04-11",
                                                                      "10.00")),
                          (credit_handlers.grade_changed, grade("PGA", "B", "C", "2026-05-20"))):
        await handler(deps, reporting.uow(), ctx, fact)
    calls = {"aging": {"group_by": "region"}, "dso": {"method": "countback"}, "dso_rolling": {},
             "cei": {"month": "2026-05"}, "summary": {}, "provision": {}, "warnings": {},
             "salespeople": {"start": date(2026, 4, 1), "end": date(2026, 6, 30)},
             "payment_behaviour": {"start": date(2026, 4, 1), "end": date(2026, 5, 31)},
             "disputes": {"start": date(2026, 4, 1), "end": date(2026, 5, 31)}}
    out = {name: await getattr(views, name)(deps, reporting.uow(), ctx, **kw) for name, kw in calls.items()}
    assert out["aging"]["total"]["total"] == Decimal("60.00")
    assert out["provision"]["written_off_12m"] == Decimal("50.00")
    assert out["disputes"]["categories"][0]["resolved"] == 1
    assert out["payment_behaviour"]["items"][0]["days_late"] == Decimal("15.0")
