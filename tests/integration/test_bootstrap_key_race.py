"""Issue 11: a service's API and worker start together and both seed the bootstrap admin
key. Select-then-insert let one of them die with a unique violation; the upsert cannot."""
from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from shared import migrations
from shared.auth import ApiKeyStore
from shared.db import Database
from shared.platform_tables import api_keys

pytestmark = pytest.mark.postgres


async def test_concurrent_starts_seed_the_bootstrap_key_without_a_unique_violation(postgres_url):
    await migrations.upgrade(migrations.PLATFORM, postgres_url)
    for round_ in range(20):  # a race: many rounds, many processes' worth of seeders each
        databases = [Database(postgres_url) for _ in range(8)]
        try:
            if round_:
                async with databases[0].engine.begin() as conn:
                    await conn.execute(sa.delete(api_keys))
            await asyncio.gather(*(db.ping() for db in databases))  # connected: they start together
            results = await asyncio.gather(*(ApiKeyStore(db).seed_bootstrap("k" * 32, "/probe")
                                             for db in databases), return_exceptions=True)
            assert [r for r in results if isinstance(r, BaseException)] == []
            async with databases[0].engine.connect() as conn:
                assert await conn.scalar(sa.select(sa.func.count()).select_from(api_keys)) == 1
        finally:
            for db in databases:
                await db.dispose()
