"""Shared fixtures. Real Kafka and PostgreSQL come from `make test` (deploy/ scripts)
through AR_TEST_KAFKA_BOOTSTRAP and AR_TEST_POSTGRES_URL. Without them a test that needs
them is skipped locally, and fails under CI=true: CI never passes by skipping."""
from __future__ import annotations

import os
import uuid

import pytest

from tests.support.infra import fresh_postgres_database, require_env


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    return require_env("AR_TEST_KAFKA_BOOTSTRAP", "a Kafka broker")


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    return require_env("AR_TEST_POSTGRES_URL", "a PostgreSQL server")


@pytest.fixture
async def postgres_url(postgres_admin_url):
    """A new, empty database per test (postgresql+asyncpg URL), dropped afterwards."""
    async with fresh_postgres_database(postgres_admin_url) as url:
        yield url


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:10]


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CI") == "true":
        return
