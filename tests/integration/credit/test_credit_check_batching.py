"""The credit check's batched PostgreSQL path (`CheckStore`: concurrent checks share round
trips, each carrying the reads and the inserts waiting) through the HTTP API: the same
answers as the transactional path, one answer per order_ref under concurrency, no lost
results, and a failing batch."""
from __future__ import annotations

import asyncio
from datetime import date

import pytest
import sqlalchemy as sa

from services.credit.repository.checks import NewCheck
from tests.support.credit import check, credit_alone as credit, credit_invoice as invoice, customer, graded_customer, ledger

pytestmark = pytest.mark.postgres


def store_of(client):
    return client.host.runtime("credit").deps.check_store


async def stored_checks(client) -> dict[str, str]:
    async with client.host.runtime("credit").db.engine.connect() as conn:
        rows = await conn.execute(sa.text("SELECT order_ref, result FROM credit_checks"))
        return {order_ref: result for order_ref, result in rows}


async def every_kind_of_answer(client, k) -> list[tuple[int, dict]]:
    """One customer through grades, limits, open and overdue items, a reservation and a hold."""
    await graded_customer(client, k)
    answers = [await check(client, k, "C1", "5000", "SO-1"),
               await check(client, k, "NOBODY", "5", "SO-2"),
               await check(client, k, "C1", "10", "SO-3", currency="USD")]
    await ledger(client, invoice("I-1", "20000", date(2026, 6, 30)))
    answers += [await check(client, k, "C1", "30000", "SO-4", reserve=True),  # the transactional path
                await check(client, k, "C1", "55000", "SO-5"),  # over the limit by the reservation: review
                await check(client, k, "C1", "90000", "SO-6"),  # beyond the tolerance: reject
                await check(client, k, "C1", "5000", "SO-1"),  # a repeat: the first answer
                await check(client, k, "C1", "5001", "SO-1")]  # another body: 409
    await ledger(client, invoice("I-2", "1000", date(2026, 5, 20)))
    answers.append(await check(client, k, "C1", "100", "SO-7"))  # overdue debt: review
    hold = await client.post("/credit/v1/customers/C1/holds", json={"reason": "moving assets"}, headers=k["finance"])
    assert hold.status_code == 201, hold.text
    answers.append(await check(client, k, "C1", "100", "SO-8"))
    out = []
    for r in answers:
        body = r.json()
        body.pop("check_id", None)
        body.pop("correlation_id", None)
        out.append((r.status_code, body))
    return out


async def test_the_batched_path_answers_like_the_transactional_one(postgres_url, tmp_path):
    async with credit(tmp_path / "sqlite") as (client, k):
        assert store_of(client) is None
        on_sqlite = await every_kind_of_answer(client, k)
    async with credit(tmp_path / "pg", postgres_url) as (client, k):
        assert store_of(client) is not None
        on_postgres = await every_kind_of_answer(client, k)
    assert on_postgres == on_sqlite
    decisions = [body.get("decision", status) for status, body in on_postgres]
    assert decisions == ["approve", "reject", "reject", "approve", "review", "reject", "approve", 409, "review",
                         "reject"]


async def test_concurrent_twins_of_an_order_ref_get_the_same_bytes_and_one_row(postgres_url, tmp_path):
    async with credit(tmp_path, postgres_url) as (client, k):
        answers = await asyncio.gather(*(check(client, k, "NOBODY", "100", "SO-TWIN") for _ in range(20)))
        assert {r.status_code for r in answers} == {200} and len({r.text for r in answers}) == 1
        assert await stored_checks(client) == {"SO-TWIN": answers[0].text}


async def test_concurrent_checks_of_one_order_ref_with_other_bodies_are_409(postgres_url, tmp_path):
    async with credit(tmp_path, postgres_url) as (client, k):
        amounts = ["100", "200"] * 10
        answers = await asyncio.gather(*(check(client, k, "NOBODY", a, "SO-X") for a in amounts))
        winner = await stored_checks(client)
        won = next(r.json()["amount"] for r in answers if r.status_code == 200)
        for amount, r in zip(amounts, answers):
            if f"{amount}.00" == won:
                assert r.status_code == 200 and r.text == winner["SO-X"]
            else:
                assert r.status_code == 409, r.text
        reserving, plain = await asyncio.gather(check(client, k, "NOBODY", "1", "SO-R", reserve=True),
                                                check(client, k, "NOBODY", "1", "SO-R"))
        assert sorted([reserving.status_code, plain.status_code]) == [200, 409]


async def test_many_concurrent_checks_share_batches_and_none_is_lost(postgres_url, tmp_path):
    async with credit(tmp_path, postgres_url) as (client, k):
        await customer(client, "C1")
        rounds = store_of(client)._rounds  # count the round trips and what each carried
        batches: list[list] = []
        flush = rounds._flush

        async def counting(connection, items):
            batches.append(items)
            return await flush(connection, items)
        rounds._flush = counting
        answers = await asyncio.gather(*(check(client, k, ("C1", "NOBODY")[i % 2], f"{1 + i}", f"SO-{i}")
                                         for i in range(200)))
        assert {r.status_code for r in answers} == {200}
        assert await stored_checks(client) == {r.json()["order_ref"]: r.text for r in answers}
        # Each check was stored once and read at most once (not when its customer's state was
        # in memory by then), in fewer round trips than checks.
        items = [item for batch in batches for item in batch]
        stored = [item for item in items if isinstance(item, NewCheck)]
        assert len(stored) == 200 and len(items) - len(stored) <= 200 and len(batches) < 200
