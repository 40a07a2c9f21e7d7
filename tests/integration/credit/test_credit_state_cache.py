"""The credit check's state cache on PostgreSQL: kept exact by the triggers' notifications
(changes by another process), by this process's own commits (at once), and off while the
LISTEN connection is down, until it is back."""
from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from shared.db import Database
from tests.support.credit import check, credit_alone as credit, graded_customer

pytestmark = pytest.mark.postgres


def states_of(client):
    return client.host.runtime("credit").deps.states


async def eventually(condition, seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.02)


async def in_memory(client, k):
    """C1 checked twice once the cache listens: its state is in memory. Both answers."""
    await graded_customer(client, k)
    states = states_of(client)
    first = await check(client, k, "C1", "5000", "SO-1")
    await eventually(lambda: states.listening)
    second = await check(client, k, "C1", "5000", "SO-2")  # fills it
    return states, first, second


async def test_a_change_by_another_process_reaches_the_next_check(postgres_url, tmp_path):
    async with credit(tmp_path, postgres_url) as (client, k):
        states, first, second = await in_memory(client, k)
        assert first.json()["decision"] == "approve", first.text
        assert second.json()["decision"] == "approve"
        assert states.get("C1", client.host.runtime("credit").clock.today()) is not None

        # Another process (the worker, another API replica) blacklists C1: this process's
        # commit hooks do not see it, only the notification does.
        other = Database(client.host.runtime("credit").database_url)
        try:
            async with other.engine.begin() as conn:
                await conn.execute(sa.text("UPDATE credit_profiles SET blacklisted = true WHERE customer_id = 'C1'"))
        finally:
            await other.dispose()
        await eventually(lambda: len(states) == 0)
        after = await check(client, k, "C1", "5000", "SO-3")
        assert after.json()["decision"] == "reject"
        assert "blacklisted" in {r["code"] for r in after.json()["reasons"]}

        # A repeat answered while the state is in memory: the stored bytes, or a 409.
        assert (await check(client, k, "C1", "5000", "SO-4")).status_code == 200  # fills it again
        assert states.get("C1", client.host.runtime("credit").clock.today()) is not None
        assert (await check(client, k, "C1", "5000", "SO-1")).text == first.text
        assert (await check(client, k, "C1", "5001", "SO-1")).status_code == 409


async def test_this_process_sees_its_own_writes_at_once(postgres_url, tmp_path):
    async with credit(tmp_path, postgres_url) as (client, k):
        states, _, _ = await in_memory(client, k)
        hold = await client.post("/credit/v1/customers/C1/holds", json={"reason": "moving assets"},
                                 headers=k["finance"])
        assert hold.status_code == 201, hold.text
        answer = await check(client, k, "C1", "100", "SO-3")  # no waiting for the notification
        assert "on_hold" in {r["code"] for r in answer.json()["reasons"]}


async def test_while_the_listen_connection_is_down_checks_read_the_database(postgres_url, tmp_path):
    async with credit(tmp_path, postgres_url) as (client, k):
        states, _, _ = await in_memory(client, k)
        assert len(states) == 1
        db = client.host.runtime("credit").db
        async with db.engine.connect() as conn:
            killed = await conn.scalar(sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND query LIKE 'LISTEN%'"))
        assert killed == 1
        await eventually(lambda: not states.listening)
        assert len(states) == 0
        # A change made while nobody listens is read by the next check all the same.
        async with db.engine.begin() as conn:
            await conn.execute(sa.text("UPDATE credit_profiles SET blacklisted = true WHERE customer_id = 'C1'"))
        assert (await check(client, k, "C1", "5000", "SO-3")).json()["decision"] == "reject"
        await eventually(lambda: states.listening)  # reconnected (backoff 0.5 s), starting empty
        assert (await check(client, k, "C1", "5000", "SO-4")).json()["decision"] == "reject"


async def test_it_can_be_turned_off(postgres_url, tmp_path, monkeypatch):
    monkeypatch.setenv("AR_CREDIT_STATE_CACHE_ENTRIES", "0")
    async with credit(tmp_path, postgres_url) as (client, k):
        assert states_of(client) is None
        assert (await check(client, k, "NOBODY", "1", "SO-1")).json()["decision"] == "reject"
