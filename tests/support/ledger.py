"""Helpers for the ledger's tests through the embedded product (SQLite, or PostgreSQL by URL)."""
from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa

from services.ledger.tables import LedgerTable
from tests.support.embedded import deliver  # noqa: F401  (re-exported for the ledger tests)

TODAY = date(2026, 6, 1)  # the embedded product's FixedClock (Asia/Shanghai)
V1 = "/ledger/v1"
PROBLEM = "application/problem+json"


async def keys(client, *names: str) -> dict[str, dict]:
    """Authorization headers per key; a name's role is the name without trailing digits
    ("finance2" is a second finance key: another person)."""
    out = {}
    for name in names:
        role = name.rstrip("0123456789")
        issued = await client.post(f"{V1}/api-keys", json={"name": name, "roles": [role]})
        assert issued.status_code == 201, issued.text
        out[name] = {"Authorization": f"Bearer {issued.json()['key']}"}
    return out


async def invoice(client, number: str, customer: str = "C1", amount: str = "100.00", *,
                  issue_date: str = "2026-04-01", due_date: str | None = "2026-05-01", expect: int = 201, **extra):
    body = {"invoice_number": number, "customer_id": customer, "issue_date": issue_date, "amount": amount,
            "currency": extra.pop("currency", "CNY"), **extra}
    if due_date is not None:
        body["due_date"] = due_date
    r = await client.post(f"{V1}/invoices", json=body)
    assert r.status_code == expect, r.text
    return r.json()


async def pay(client, reference: str, customer: str = "C1", amount: str = "100.00", *,
              received: str = "2026-05-10", allocations=None, expect: int = 201, **extra):
    body = {"payment_reference": reference, "customer_id": customer, "received_date": received, "amount": amount,
            "currency": extra.pop("currency", "CNY"), **extra}
    if allocations is not None:
        body["allocations"] = [{"invoice_number": n, "amount": a} for n, a in allocations]
    r = await client.post(f"{V1}/payments", json=body)
    assert r.status_code == expect, r.text
    return r.json()


async def balance(client, customer: str = "C1", as_of: str | None = None) -> dict:
    """The balance of a customer with entries in one currency (the only entry of `balances`)."""
    r = await client.get(f"{V1}/customers/{customer}/balance" + (f"?as_of={as_of}" if as_of else ""))
    assert r.status_code == 200, r.text
    [only] = r.json()["balances"]
    return {"customer_id": r.json()["customer_id"], "as_of": r.json()["as_of"], **only}


def db(client):
    return client.host.runtime("ledger").db


async def counts(client) -> dict[str, int]:
    """Rows in every ledger table and the outbox: "nothing written" means these are equal."""
    out = {}
    async with db(client).engine.connect() as conn:
        for table in [*LedgerTable.metadata.sorted_tables, sa.table("outbox")]:
            out[table.name] = await conn.scalar(sa.select(sa.func.count()).select_from(table))
    return out


async def outbox(client, topic: str) -> list[dict]:
    async with db(client).engine.connect() as conn:
        rows = await conn.execute(sa.text("SELECT payload FROM outbox WHERE topic = :t ORDER BY seq"), {"t": topic})
        return [json.loads(r[0]) for r in rows]


async def dead_letters(client) -> list:
    async with db(client).engine.connect() as conn:
        return list((await conn.execute(sa.text("SELECT topic, error_type, error FROM dead_letters"))).all())


def assert_problem(r, status: int, field: str | None = None, rule: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM), r.headers
    body = r.json()
    if field is not None:
        assert any(e["field"] == field for e in body.get("errors", [])), body
    if rule is not None:
        assert any(e["rule"] == rule for e in body.get("errors", [])), body
    return body


# --- migrations ---------------------------------------------------------------------------------

async def migrate_over_data(url: str) -> dict:
    """Migrate a ledger at ledger_0006 holding an instalment and its aging guard to head,
    compare with the models, and go down and up again: what a deployment does.
    Returns {"diff": [...], "crossings": [(instalment, threshold, due date)]}."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.ext.asyncio import create_async_engine

    from services.ledger.bootstrap import SERVICE
    from shared import migrations

    await migrations.upgrade(migrations.PLATFORM, url)
    await migrations.upgrade(SERVICE.migrations, url, "ledger_0006")
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text(
                "INSERT INTO instalments (id, invoice_number, seq, customer_id, issue_date, effective_from, due_date, "
                "currency, amount_minor, open_minor, disputed_minor, last_threshold_index) VALUES (7, 'A', 1, 'C1', "
                "'2026-04-01', '2026-04-01', '2026-05-01', 'CNY', 100, 100, 0, 1)"))
            await conn.execute(sa.text("INSERT INTO threshold_crossings (instalment_id, threshold_days, as_of, "
                                       "created_at) VALUES (7, -7, '2026-04-24', '2026-04-24'), "
                                       "(7, -3, '2026-04-28', '2026-04-28')"))
        await migrations.upgrade(SERVICE.migrations, url)
        async with engine.connect() as conn:
            diff = await conn.run_sync(lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), LedgerTable.metadata))
            rows = (await conn.execute(sa.text("SELECT instalment_id, threshold_days, due_date FROM "
                                               "threshold_crossings ORDER BY threshold_days"))).all()
    finally:
        await engine.dispose()
    await migrations.downgrade(SERVICE.migrations, url, "ledger_0006")
    await migrations.upgrade(SERVICE.migrations, url)
    ours = {t.name for t in LedgerTable.metadata.sorted_tables}
    return {"diff": [d for d in diff if d[0] not in ("remove_table", "remove_index") or
                     getattr(d[1], "name", None) in ours],
            "crossings": [(r[0], r[1], str(r[2])) for r in rows]}
