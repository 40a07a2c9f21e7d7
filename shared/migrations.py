"""Alembic: one history per service, plus the platform's own history (outbox, inbox,
dead letters, keys: `shared/platform_migrations/`, version table `alembic_version_platform`)
applied to every service database before the service's. Each env.py calls `run_env()`;
start-up calls `upgrade_service()` in a worker thread (Alembic's async env runs its own
event loop). On PostgreSQL an advisory lock per database and history lets the API and
worker processes of a service start together without racing each other's migrations."""
from __future__ import annotations

import asyncio
import zlib
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config
from sqlalchemy.ext.asyncio import create_async_engine

PLATFORM = Path(__file__).with_name("platform_migrations")
PLATFORM_VERSION_TABLE = "alembic_version_platform"


def alembic_config(migrations_dir: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


async def upgrade(migrations_dir: Path, url: str, revision: str = "head") -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(migrations_dir, url), revision)


async def upgrade_service(migrations_dir: Path, url: str) -> None:
    """The platform tables first (a service's own migrations may refer to them), then the
    service's history."""
    await upgrade(PLATFORM, url)
    await upgrade(migrations_dir, url)


async def downgrade(migrations_dir: Path, url: str, revision: str = "base") -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(migrations_dir, url), revision)


def run_env(target_metadata=None, version_table: str = "alembic_version") -> None:
    """Body of every env.py (online mode only: we always have a database)."""
    url = context.config.get_main_option("sqlalchemy.url")
    database = sa.engine.make_url(url).database or ""
    lock_key = zlib.crc32(f"migrations:{version_table}:{database}".encode())

    def do_run(connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite",
                          transaction_per_migration=True, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                postgres = connection.dialect.name == "postgresql"
                if postgres:
                    await connection.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": lock_key})
                    await connection.commit()
                try:
                    await connection.run_sync(do_run)
                    await connection.commit()
                finally:
                    if postgres:
                        await connection.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key})
                        await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(run())
