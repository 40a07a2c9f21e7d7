"""Credit files (versioned, never deleted), the customer view, the timeline, visits, and
the service's configuration and migrations."""
import asyncio
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from credit_api import approve_limit, check, customer, keys
from services.credit.bootstrap import SERVICE
from services.credit.config import CreditConfig, build_policy
from services.credit.tables import CreditTable
from shared import migrations
from tests.support.embedded import embedded_product


async def test_put_creates_then_versions_the_file_and_history_keeps_everything(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        r = await client.put("/credit/v1/customers/C1", json={"name": "Acme", "documents": []},
                             headers=k["finance"])
        assert r.status_code == 201 and r.json()["file_version"] == 1 and r.json()["is_new"] is True
        assert r.json()["completeness"]["status"] == "incomplete" and r.json()["currency"] == "CNY"
        r = await client.put("/credit/v1/customers/C1", json={"name": "Acme Ltd", "onboarded_on": "2024-01-01",
                                                              "documents": [{"kind": "business_licence",
                                                                             "reference": "BL-9"}]},
                             headers=k["sales_manager"])
        assert r.status_code == 200 and r.json()["file_version"] == 2 and r.json()["name"] == "Acme Ltd"
        await check(client, k, "C1", "10", "SO-1")
        history = (await client.get("/credit/v1/customers/C1/history", headers=k["auditor"])).json()
        kinds = [h["kind"] for h in history]
        assert kinds.count("file_version") == 2 and "check" in kinds
        versions = [h["detail"]["snapshot"]["name"] for h in history if h["kind"] == "file_version"]
        assert sorted(versions) == ["Acme", "Acme Ltd"]
        assert (await client.put("/credit/v1/customers/C1", json={"name": "x"}, headers=k["sales"])).status_code == 403
        assert (await client.get("/credit/v1/customers/NOPE")).status_code == 404
        assert (await client.get("/credit/v1/customers/NOPE/history")).status_code == 404


async def test_bad_files_are_422_and_currency_cannot_change_under_a_limit(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        for body in ({"name": ""}, {"name": "x", "currency": "XXX"},
                     {"name": "x", "documents": [{"kind": "passport", "reference": "1"}]},
                     {"name": "x", "documents": [{"kind": "fixed_phone", "reference": "1"},
                                                 {"kind": "fixed_phone", "reference": "2"}]}):
            r = await client.put("/credit/v1/customers/C1", json=body)
            assert r.status_code == 422, body
        await customer(client, "C1")
        await approve_limit(client, k, "C1", "1000")
        r = await client.put("/credit/v1/customers/C1", json={"name": "x", "currency": "USD"})
        assert r.status_code == 409


async def test_roles_that_may_read_a_customer(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        for role in ("sales", "sales_manager", "finance", "general_manager", "auditor", "integration"):
            assert (await client.get("/credit/v1/customers/C1", headers=k[role])).status_code == 200, role


async def test_customers_due_a_visit(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        for cid, limit in (("SMALL", "20000"), ("MID", "30000"), ("BIG", "50000")):
            await customer(client, cid)
            await approve_limit(client, k, cid, limit, term_days=30)
        due = (await client.get("/credit/v1/visits/due")).json()
        assert [(v["customer_id"], v["role"]) for v in due] == [
            ("BIG", "department_head"), ("BIG", "sales_manager"), ("MID", "sales_manager")]
        r = await client.post("/credit/v1/customers/MID/visits", json={"role": "sales_manager",
                                                                      "visited_on": "2026-05-10"},
                              headers=k["sales_manager"])
        assert r.status_code == 204
        due = (await client.get("/credit/v1/visits/due")).json()
        assert ("MID", "sales_manager") not in [(v["customer_id"], v["role"]) for v in due]


def test_config_maps_into_the_domain_policies():
    policy = build_policy(CreditConfig(hold_threshold_days=45, over_limit_tolerance_percent=Decimal(5),
                                       blacklist_after=None, exposure_include_disputed=False, grade_scale="A-C"))
    assert policy.holds.overdue_threshold_days == 45 and policy.holds.blacklist_after is None
    assert policy.check.over_limit_tolerance == Decimal("0.05")
    assert policy.exposure.include_disputed is False and policy.scale.names == ("A", "B", "C")
    assert policy.grading.scorecard.weight("repayment") == 40


def test_scorecard_weights_must_sum_to_100():
    with pytest.raises(ValueError, match="sum to 100"):
        build_policy(CreditConfig(repayment_weight=50))
    card = build_policy(CreditConfig(repayment_weight=50, entered_criteria={"financial_strength": 20})).grading.scorecard
    assert [c.id for c in card.entered] == ["financial_strength"]


def test_config_from_the_environment(monkeypatch):
    monkeypatch.setenv("AR_CREDIT_HOLD_THRESHOLD_DAYS", "60")
    monkeypatch.setenv("AR_CREDIT_LIMIT_FACTORS", '{"A": "1.4", "B": "1.2", "C": "1.0", "D": "0.5"}')
    config = CreditConfig()
    assert config.hold_threshold_days == 60 and config.limit_factors["A"] == Decimal("1.4")


async def migrated_matches_models(url: str) -> list:
    await migrations.upgrade_service(SERVICE.migrations, url)
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), CreditTable.metadata))
    finally:
        await engine.dispose()
    await migrations.downgrade(SERVICE.migrations, url, "credit_0001")
    await migrations.upgrade_service(SERVICE.migrations, url)
    return [d for d in diff if d[0] not in ("remove_table", "remove_index")]


async def test_the_hand_written_migration_matches_the_tables_on_sqlite(tmp_path):
    assert await migrated_matches_models(f"sqlite+aiosqlite:///{Path(tmp_path) / 'm.sqlite3'}") == []
    await asyncio.sleep(0)
