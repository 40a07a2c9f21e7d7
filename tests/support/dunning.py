"""Helpers for dunning's tests: keys per role, the ledger's and credit's facts into the
embedded product, a sender that records (or refuses) what it is given, the ladder and the
dispatcher run on demand, the migration check."""
from __future__ import annotations

import contextlib
from datetime import date, datetime, timezone

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from services.dunning.bootstrap import SERVICE, dependencies
from services.dunning.config import DunningConfig
from services.dunning.delivery import DeliveryError, Letter
from services.dunning.handlers import deliveries, ladder
from services.dunning.tables import DunningTable
from shared import migrations
from shared.events.ledger import AppliedLine, OverdueThresholdV1, PaymentAllocatedV1
from tests.support.embedded import deliver, embedded_product
from tests.support.facts import recorded_invoice

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
    await migrations.upgrade_service(SERVICE.migrations, url)
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), DunningTable.metadata))
    finally:
        await engine.dispose()
    await migrations.downgrade(SERVICE.migrations, url, "dunning_0001")
    await migrations.upgrade_service(SERVICE.migrations, url)
    return [d for d in diff if d[0] not in ("remove_table", "remove_index")]


