"""On PostgreSQL too, nothing a client sends to credit is a 5xx: PostgreSQL refuses what
SQLite stores (a NUL character in text, a string longer than its column), so the bounds
must hold before the database."""
import pytest

from tests.support.credit import credit_alone, fuzz_every_route

pytestmark = pytest.mark.postgres


async def test_hostile_values_in_every_field_are_4xx_never_5xx(postgres_url, tmp_path):
    async with credit_alone(tmp_path, postgres_url) as (client, k):
        assert await fuzz_every_route(client, k) == []
