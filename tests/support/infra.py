"""Finding the real broker and database the harness started, and throwaway databases."""
from __future__ import annotations

import contextlib
import os
import uuid

import asyncpg
import pytest


def require_env(name: str, what: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is not set: CI must run against {what} (make test starts one)")
    pytest.skip(f"{name} not set: run through `make test` for {what}")


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def sqlalchemy_url(dsn: str) -> str:
    return dsn.replace("postgresql://", "postgresql+asyncpg://", 1) if dsn.startswith("postgresql://") else dsn


@contextlib.asynccontextmanager
async def fresh_postgres_database(admin_url: str):
    dsn = asyncpg_dsn(admin_url)
    name = f"t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = dsn.rsplit("/", 1)[0]
    try:
        yield sqlalchemy_url(f"{base}/{name}")
    finally:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
