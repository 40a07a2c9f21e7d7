"""The check every service's migrations pass: upgrade to head, compare the database with
the service's models, go down to the first revision and up again (what a deployment and a
rollback do). One copy for all four services."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from shared import migrations


async def migrated_matches_models(service, metadata, first_revision: str, url: str) -> list:
    """The differences between the migrated database and `metadata` (none expected);
    tables of other registries (the platform's) are not the service's concern."""
    await migrations.upgrade_service(service.migrations, url)
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), metadata))
    finally:
        await engine.dispose()
    await migrations.downgrade(service.migrations, url, first_revision)
    await migrations.upgrade_service(service.migrations, url)
    return [d for d in diff if d[0] not in ("remove_table", "remove_index")]
