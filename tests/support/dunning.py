"""Helpers for dunning's tests: keys per role, the ledger's and credit's facts into the
embedded product, a sender that records (or refuses) what it is given, the ladder and the
dispatcher run on demand, the migration check."""
from __future__ import annotations

import contextlib
import json
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from services.dunning.bootstrap import SERVICE, dependencies
from services.dunning.config import DunningConfig
from services.dunning.delivery import DeliveryError, Letter
from services.dunning.handlers import deliveries, ladder
from services.dunning.tables import DunningTable
from shared.events.ledger import AppliedLine, OverdueThresholdV1, PaymentAllocatedV1
from shared.platform_tables import outbox
from tests.support.embedded import deliver, embedded_product
from tests.support.facts import recorded_invoice
from tests.support import migrations as migrations_check

ROLES = ("collector", "finance", "legal", "sales_manager", "auditor", "sales")


class Outbox:
    """A sender recording each letter; `failing` refuses them (retryably unless permanent)."""

    def __init__(self) -> None:
        self.sent: list[Letter] = []
        self.failing: str | None = None
        self.permanent = False

    async def __call__(self, letter: Letter) -> None:
        if self.failing:
            raise DeliveryError(self.failing, self.permanent)
        self.sent.append(letter)


def configure(client, sender: Outbox | None = None, **overrides) -> Outbox:
    """Dunning's dependencies rebuilt with this configuration and a recording sender."""
    runtime = client.host.runtime("dunning")
    sender = sender or Outbox()
    runtime.deps = dependencies(runtime, DunningConfig(**overrides), sender)
    return sender


@contextlib.asynccontextmanager
async def dunning_alone(tmp_path, **config):
    """The embedded product with dunning only, keys per role and a recording sender."""
    async with embedded_product(tmp_path, names=["dunning"]) as client:
        client.outbox = configure(client, **config)
        yield client, await keys(client)


async def keys(client, *extra: str) -> dict[str, dict]:
    out = {}
    for name in ROLES + extra:
        role = name.rstrip("0123456789")
        issued = await client.post("/dunning/v1/api-keys", json={"name": name, "roles": [role]})
        assert issued.status_code == 201, issued.text
        out[name] = {"Authorization": f"Bearer {issued.json()['key']}"}
    return out


def set_today(client, day: date) -> None:
    client.clock.set(datetime(day.year, day.month, day.day, 4, 0, tzinfo=timezone.utc))


async def ledger(client, *payloads) -> None:
    await deliver(client, *payloads, source="/ledger")


def overdue(invoice: str, customer: str, due: date, as_of: date, amount: str = "1000.00", *, threshold: int | None = None,
            seq: int = 1, currency: str = "CNY") -> OverdueThresholdV1:
    days = (as_of - due).days
    return OverdueThresholdV1(invoice_number=invoice, instalment_seq=seq, customer_id=customer,
                              threshold_days=days if threshold is None else threshold, as_of=as_of, due_date=due,
                              days_overdue=days, open_amount=amount, currency=currency)


def invoice(number: str, customer: str, due: date, amount: str = "1000.00", email: str | None = "ap@example.com",
            mobile: str | None = "13800000000", address: str | None = "上海市浦东新区世纪大道100号",
            language: str = "zh-CN"):
    bill_to = {"name": "Ms Zhang", "email": email, "mobile": mobile, "address": address, "language": language}
    return recorded_invoice(number, customer, date(due.year, 1, 1) if due.month > 1 else due, due, amount,
                            bill_to=bill_to)


def allocated(ref: str, customer: str, invoice_number: str, amount: str, received: date, due: date,
              seq: int = 1) -> PaymentAllocatedV1:
    return PaymentAllocatedV1(payment_reference=ref, customer_id=customer, received_date=received,
                              effective_date=received, currency="CNY",
                              lines=[AppliedLine(invoice_number=invoice_number, instalment_seq=seq, amount=amount,
                                                 due_date=due)], unapplied_amount="0.00")


async def run_ladder(client) -> ladder.LadderReport:
    runtime = client.host.runtime("dunning")
    report = await ladder.run(runtime.deps, runtime.uow(), runtime.system_context())
    await client.host.settle()
    return report


async def dispatch(client) -> deliveries.DeliveryReport:
    runtime = client.host.runtime("dunning")
    return await deliveries.dispatch_all(runtime.deps, runtime.uow(), runtime.system_context())


async def case_of(client, customer: str, headers=None) -> dict:
    page = (await client.get(f"/dunning/v1/cases?customer_id={customer}", headers=headers)).json()
    assert page["items"], page
    r = await client.get(f"/dunning/v1/cases/{page['items'][0]['case_id']}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


async def migrated_matches_models(url: str) -> list:
    return await migrations_check.migrated_matches_models(SERVICE, DunningTable.metadata, "dunning_0001", url)


async def emitted(client, topic: str) -> list[dict]:
    """What dunning published (its outbox), oldest first."""
    runtime = client.host.runtime("dunning")
    async with runtime.db.engine.connect() as conn:
        rows = (await conn.execute(sa.select(outbox.c.payload).where(outbox.c.topic == topic)
                                   .order_by(outbox.c.seq))).all()
    return [json.loads(r[0]) for r in rows]


async def opened(client, customer="C1", days=30, amount="1000.00", due: date = date(2026, 3, 2)):
    """A case for `customer`, `days` after its one invoice was due (today is that day)."""
    set_today(client, due + timedelta(days=days))
    await ledger(client, invoice(f"INV-{customer}", customer, due, amount),
                 overdue(f"INV-{customer}", customer, due, due + timedelta(days=days), amount))
    return await case_of(client, customer)


# --- the real components (tests/integration/dunning) ---------------------------------------------

@contextlib.asynccontextmanager
async def kafka_worker(definition, settings, clock, bootstrap: str, group: str):
    """What `python -m services.<svc> worker` runs: the outbox relay to Kafka and the consumer,
    on the service's PostgreSQL database, from the end of the topics' history."""
    import asyncio

    from shared.kafka_consumer import KafkaConsumerRunner, KafkaDeadLetterSink
    from shared.relay import OutboxRelay
    from shared.runtime import ServiceRuntime
    from shared.transport import KafkaTransport
    from tests.support.kafka import skip_history, wait_until

    runtime = ServiceRuntime(definition, settings, clock)
    await runtime.open()
    transport = KafkaTransport(bootstrap, f"test-{group}")
    dead_letters = KafkaDeadLetterSink(bootstrap, definition.name)
    await transport.start()
    await dead_letters.start()
    processor = runtime.processor(dead_letters)
    await skip_history(bootstrap, group, processor.topics)
    runner = KafkaConsumerRunner(processor, bootstrap_servers=bootstrap, group_id=group)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(OutboxRelay(runtime.db, transport, definition.name, poll_seconds=0.05).run(stop)),
             asyncio.create_task(runner.run(stop))]

    async def ready() -> bool:
        return runner.ready.is_set()

    try:
        assert await wait_until(ready, timeout=30)
        yield runtime
    finally:
        stop.set()
        for task in tasks:
            await asyncio.wait_for(task, timeout=30)
        await dead_letters.stop()
        await transport.stop()
        await runtime.close()


async def rows(runtime, sql: str, **params) -> list[tuple]:
    async with runtime.db.engine.connect() as conn:
        return [tuple(r) for r in (await conn.execute(sa.text(sql), params)).all()]
