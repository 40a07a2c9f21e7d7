"""Helpers for the credit HTTP tests: keys per role, ledger events into the embedded
product, a complete customer."""
from __future__ import annotations

from datetime import date

from services.credit import context
from services.credit.config import CreditConfig
from tests.support.embedded import deliver

TODAY = date(2026, 6, 1)  # the embedded product's FixedClock (Asia/Shanghai)
ROLES = ("sales", "sales_manager", "sales_admin", "finance", "general_manager", "auditor", "integration")
DOCUMENTS = [{"kind": k, "reference": f"REF-{k}"} for k in
             ("business_licence", "organisation_code", "legal_rep_id", "fixed_phone", "legal_rep_phones")]
SCORES = {"financial_strength": 9, "operating_condition": 9, "reputation_and_prospects": 9}


async def keys(client, *extra: str) -> dict[str, dict]:
    """Authorization headers per role; `extra` names get their own key (e.g. "sales_manager2")."""
    out = {}
    for name in ROLES + extra:
        role = name.rstrip("0123456789")
        issued = await client.post("/credit/v1/api-keys", json={"name": name, "roles": [role]})
        assert issued.status_code == 201, issued.text
        out[name] = {"Authorization": f"Bearer {issued.json()['key']}"}
    return out


async def ledger(client, *payloads, source: str = "/ledger") -> None:
    """Deliver events as the ledger would publish them, then settle the outboxes."""
    await deliver(client, *payloads, source=source)


async def customer(client, cid: str, *, onboarded_on: str | None = "2024-01-10", documents=None, **fields):
    body = {"name": f"Customer {cid}", "region": "East", "customer_type": "distributor", "industry": "retail",
            "salesperson": "li", "onboarded_on": onboarded_on,
            "documents": DOCUMENTS if documents is None else documents, **fields}
    r = await client.put(f"/credit/v1/customers/{cid}", json=body)
    assert r.status_code in (200, 201), r.text
    return r.json()


async def approve_limit(client, k, cid: str, limit: str, term_days: int = 30, grade: str | None = None,
                        currency: str | None = None) -> dict:
    """Through the whole chain: sales_manager → sales_admin → finance → general_manager."""
    body = {"customer_id": cid, "kind": "grade_limit_term", "limit": limit, "term_days": term_days}
    if grade:
        body["grade"] = grade
    if currency:
        body["currency"] = currency
    app = await client.post("/credit/v1/applications", json=body, headers=k["sales_manager"])
    assert app.status_code == 201, app.text
    app_id = app.json()["application_id"]
    for role in ("sales_admin", "finance", "general_manager"):
        r = await client.post(f"/credit/v1/applications/{app_id}/decisions", json={"decision": "approve"},
                              headers=k[role])
        assert r.status_code == 200, r.text
    return r.json()


def configure(client, **overrides) -> None:
    """Replace credit's configuration in a running embedded product."""
    runtime = client.host.runtime("credit")
    context.bind(runtime, CreditConfig(**overrides))


async def check(client, k, cid: str, amount: str, order_ref: str, currency: str = "CNY", reserve: bool = False,
                role: str = "sales"):
    return await client.post("/credit/v1/checks", json={"customer_id": cid, "amount": amount, "currency": currency,
                                                        "order_ref": order_ref, "reserve": reserve},
                             headers=k[role])


async def outbox_events(client, topic: str) -> list[dict]:
    """What credit published (its outbox), oldest first."""
    import json

    import sqlalchemy as sa

    from shared.platform_tables import outbox

    runtime = client.host.runtime("credit")
    async with runtime.db.engine.connect() as conn:
        rows = (await conn.execute(sa.select(outbox.c.payload).where(outbox.c.topic == topic)
                                   .order_by(outbox.c.seq))).all()
    return [json.loads(r[0]) for r in rows]


async def assess(client, k, cid: str, scores=None, **extra):
    r = await client.post(f"/credit/v1/customers/{cid}/assessments", json={"scores": scores or SCORES, **extra},
                          headers=k["finance"])
    assert r.status_code == 201, r.text
    return r.json()
