"""Against the real PostgreSQL started by deploy/postgres/start.sh (env AR_TEST_POSTGRES_URL,
e.g. postgresql://postgres@127.0.0.1:15432/ar_test): reachable, and every service database exists."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from deploy_helpers import SERVICES, require_env  # noqa: E402

pytestmark = pytest.mark.postgres


def test_server_answers_and_has_every_service_database():
    url = require_env("AR_TEST_POSTGRES_URL", "the PostgreSQL tests (deploy/postgres/start.sh)")
    url = url.replace("postgresql+asyncpg://", "postgresql://")

    async def probe():
        import asyncpg

        conn = await asyncpg.connect(url, timeout=10)
        try:
            databases = {r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database")}
            async with conn.transaction():
                await conn.execute("CREATE TEMP TABLE ar_probe (amount numeric(18, 2)) ON COMMIT DROP")
                await conn.execute("INSERT INTO ar_probe VALUES (1234.50)")
                total = await conn.fetchval("SELECT sum(amount) FROM ar_probe")
            return databases, total, int(await conn.fetchval("SHOW max_connections"))
        finally:
            await conn.close()

    databases, total, max_connections = asyncio.run(probe())
    assert {f"ar_{svc}" for svc in SERVICES} <= databases
    assert str(total) == "1234.50"
    assert max_connections >= 100
