"""The platform tables' frozen history creates exactly what shared/platform_tables.py
describes, on a new database and on one made before the history existed."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from shared import migrations
from shared.platform_tables import PLATFORM_TABLES, metadata


async def _diff_and_versions(url: str) -> tuple[list, list]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), metadata))
            versions = (await conn.execute(sa.text(f"SELECT version_num FROM {migrations.PLATFORM_VERSION_TABLE}"))).all()
    finally:
        await engine.dispose()
    ours = {t.name for t in PLATFORM_TABLES}
    return [d for d in diff if not (d[0] == "remove_table" and d[1].name not in ours)], [v[0] for v in versions]


async def test_a_new_database_gets_exactly_the_platform_tables(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"
    await migrations.upgrade(migrations.PLATFORM, url)
    diff, versions = await _diff_and_versions(url)
    assert diff == [] and versions == ["platform_0003"]


async def test_a_database_made_before_the_history_keeps_its_tables(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    engine = create_async_engine(url)
    old_tables = [t for t in PLATFORM_TABLES if t.name != "delivery_cursors"]  # those came with platform_0003
    async with engine.begin() as conn:  # what a service's first migration used to do
        await conn.run_sync(lambda sync: metadata.create_all(sync, tables=old_tables))
        await conn.execute(sa.text("INSERT INTO api_keys VALUES ('k', 'h', 'n', 'admin', '2026-01-01', NULL)"))
    await engine.dispose()
    await migrations.upgrade(migrations.PLATFORM, url)
    diff, versions = await _diff_and_versions(url)
    assert diff == [] and versions == ["platform_0003"]
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        assert await conn.scalar(sa.text("SELECT count(*) FROM api_keys")) == 1
    await engine.dispose()


async def test_platform_0003_adds_the_delivery_cursors_to_a_database_at_platform_0001(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'p1.db'}"
    await migrations.upgrade(migrations.PLATFORM, url, "platform_0001")
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(sa.text("INSERT INTO api_keys VALUES ('k', 'h', 'n', 'admin', '2026-01-01', NULL)"))
    await engine.dispose()
    await migrations.upgrade(migrations.PLATFORM, url)
    diff, versions = await _diff_and_versions(url)
    assert diff == [] and versions == ["platform_0003"]
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(sa.text("INSERT INTO delivery_cursors VALUES ('credit', 'ledger', 'business', 42, "
                                   "'2026-12-02')"))
        assert await conn.scalar(sa.text("SELECT count(*) FROM api_keys")) == 1
    await engine.dispose()
    await migrations.downgrade(migrations.PLATFORM, url, "platform_0001")
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names())
    await engine.dispose()
    assert "delivery_cursors" not in tables and "api_keys" in tables
