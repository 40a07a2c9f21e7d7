"""Credit's hand-written migrations build exactly the tables the models declare."""
import json
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from services.credit.bootstrap import SERVICE
from shared import migrations
from tests.support.credit import migrated_matches_models


async def test_the_hand_written_migration_matches_the_tables_on_sqlite(tmp_path):
    assert await migrated_matches_models(f"sqlite+aiosqlite:///{Path(tmp_path) / 'm.sqlite3'}") == []


async def migrated_to(tmp_path, revision: str):
    """A SQLite database at `revision` of credit's history: its URL and an engine on it."""
    url = f"sqlite+aiosqlite:///{Path(tmp_path) / 'm.sqlite3'}"
    await migrations.upgrade(migrations.PLATFORM, url)
    await migrations.upgrade(SERVICE.migrations, url, revision)
    return url, create_async_engine(url)


async def test_credit_0004_moves_each_instalment_out_of_the_receivables_json(tmp_path):
    url, engine = await migrated_to(tmp_path, "credit_0003")
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text(
                "INSERT INTO receivables (invoice_number, customer_id, currency, issue_date, due_date, amount_minor, "
                "open_minor, disputed_minor, instalments, order_ref, highest_threshold, extended_days, settled_on, "
                "written_off_minor, our_fault) VALUES ('I-3', 'C1', 'CNY', '2026-03-15', '2026-04-15', 900000, "
                "600000, 0, :items, NULL, 30, 0, NULL, 0, 0)"),
                {"items": json.dumps([{"seq": 1, "due_date": "2026-04-15", "amount_minor": 300000, "open_minor": 0},
                                      {"seq": 2, "due_date": "2026-05-15", "amount_minor": 600000,
                                       "open_minor": 600000}])})
        await migrations.upgrade(SERVICE.migrations, url)
        async with engine.connect() as conn:
            rows = (await conn.execute(sa.text(
                "SELECT invoice_number, seq, customer_id, due_date, amount_minor, open_minor, highest_threshold "
                "FROM receivable_instalments ORDER BY seq"))).all()
            profiles = (await conn.execute(sa.text("SELECT count(profile_revision) FROM credit_profiles"))).scalar()
    finally:
        await engine.dispose()
    assert [tuple(r) for r in rows] == [("I-3", 1, "C1", "2026-04-15", 300000, 0, 30),
                                        ("I-3", 2, "C1", "2026-05-15", 600000, 600000, 30)]
    assert profiles == 0  # the new columns exist


async def test_credit_0005_bakes_the_extensions_credit_applied_alone_into_the_due_dates(tmp_path):
    """Credit's view of an invoice extended before the ledger moved due dates stays the same."""
    url, engine = await migrated_to(tmp_path, "credit_0004")
    try:
        async with engine.begin() as conn:
            for number, extended in (("I-1", 20), ("I-2", 0)):
                await conn.execute(sa.text(
                    "INSERT INTO receivables (invoice_number, customer_id, currency, issue_date, due_date, "
                    "amount_minor, open_minor, disputed_minor, order_ref, extended_days, settled_on, "
                    "written_off_minor, our_fault) VALUES (:n, 'C1', 'CNY', '2026-03-15', '2026-05-15', 900000, "
                    "900000, 0, NULL, :e, NULL, 0, 0)"), {"n": number, "e": extended})
                for seq, due in ((1, "2026-04-15"), (2, "2026-05-15")):
                    await conn.execute(sa.text(
                        "INSERT INTO receivable_instalments VALUES (:n, :s, 'C1', 'CNY', :d, 450000, 450000, 0)"),
                        {"n": number, "s": seq, "d": due})
        await migrations.upgrade(SERVICE.migrations, url)
        async with engine.connect() as conn:
            rows = (await conn.execute(sa.text("SELECT invoice_number, seq, due_date FROM receivable_instalments "
                                               "ORDER BY invoice_number, seq"))).all()
            dues = (await conn.execute(sa.text("SELECT invoice_number, due_date, extended_days FROM receivables "
                                               "ORDER BY invoice_number"))).all()
        assert [tuple(r) for r in rows] == [("I-1", 1, "2026-05-05"), ("I-1", 2, "2026-06-04"),
                                            ("I-2", 1, "2026-04-15"), ("I-2", 2, "2026-05-15")]
        assert [tuple(r) for r in dues] == [("I-1", "2026-06-04", 20), ("I-2", "2026-05-15", 0)]
        await migrations.downgrade(SERVICE.migrations, url, "credit_0004")
        async with engine.connect() as conn:
            rows = (await conn.execute(sa.text("SELECT due_date FROM receivable_instalments WHERE "
                                               "invoice_number = 'I-1' ORDER BY seq"))).all()
        assert [r[0] for r in rows] == ["2026-04-15", "2026-05-15"]
    finally:
        await engine.dispose()


async def test_credit_0006_gives_the_applications_under_way_the_chain_they_were_submitted_under(tmp_path):
    url, engine = await migrated_to(tmp_path, "credit_0005")
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text(
                "INSERT INTO applications VALUES ('A-1', 'C1', 'grade_limit_term', :request, 'reviewed', "
                "'finance', 'mgr', '2026-05-01', '2026-05-02')"), {"request": json.dumps({"limit": "1.00"})})
        await migrations.upgrade(SERVICE.migrations, url)
        async with engine.connect() as conn:
            chain = (await conn.execute(sa.text("SELECT chain FROM applications"))).scalar()
    finally:
        await engine.dispose()
    assert json.loads(chain) == {"submitters": ["sales_manager"], "steps": ["sales_admin", "finance",
                                                                           "general_manager"],
                                 "distinct_actors": True}
