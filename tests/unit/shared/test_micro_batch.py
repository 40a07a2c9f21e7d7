"""The micro-batcher under the credit check's database work, with a fake connection: group
commit, results routed to their own request, failures confined to their batch."""
from __future__ import annotations

import asyncio
import contextlib

import pytest

from shared.micro_batch import BatchFailed, MicroBatcher


class Boom(Exception):
    pass


class FakeDatabase:
    """Connections are numbered; `flush` doubles each item and records the batches."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.opened = 0
        self.closed: list[tuple[int, BaseException | None]] = []  # (connection, the error it saw)
        self.gate: asyncio.Event | None = None  # when set up, a flush waits for it
        self.fail_next = False
        self.refuse_connections = False

    @contextlib.asynccontextmanager
    async def connect(self):
        if self.refuse_connections:
            raise Boom("database down")
        self.opened += 1
        number = self.opened
        try:
            yield number
        except BaseException as exc:
            self.closed.append((number, exc))
            raise
        self.closed.append((number, None))

    async def flush(self, connection: int, items: list[int]) -> list[int]:
        self.batches.append(list(items))
        if self.gate is not None:
            await self.gate.wait()
        if self.fail_next:
            self.fail_next = False
            raise Boom("flush failed")
        return [item * 2 for item in items]


def batcher(db: FakeDatabase, **options) -> MicroBatcher[int, int]:
    return MicroBatcher(db.flush, db.connect, name="test", **options)


async def test_requests_waiting_together_share_one_flush_and_get_their_own_result():
    db = FakeDatabase()
    b = batcher(db)
    assert await asyncio.gather(*(b.submit(i) for i in range(10))) == [i * 2 for i in range(10)]
    assert db.batches == [list(range(10))]


async def test_what_arrives_during_a_flush_waits_for_the_next_one():
    db = FakeDatabase()
    db.gate = asyncio.Event()
    b = batcher(db)
    first = asyncio.create_task(b.submit(1))
    await asyncio.sleep(0.01)  # its flush is running
    later = [asyncio.create_task(b.submit(i)) for i in (2, 3, 4)]
    await asyncio.sleep(0.01)
    db.gate.set()
    assert await first == 2 and await asyncio.gather(*later) == [4, 6, 8]
    assert db.batches == [[1], [2, 3, 4]]


async def test_batches_are_bounded():
    db = FakeDatabase()
    b = batcher(db, max_batch=4)
    await asyncio.gather(*(b.submit(i) for i in range(10)))
    assert db.batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


async def test_the_connection_is_kept_while_busy_and_given_back_when_idle():
    db = FakeDatabase()
    b = batcher(db, idle_seconds=0.3)
    await b.submit(1)
    await asyncio.sleep(0.01)
    await b.submit(2)  # within the idle time: the same connection
    assert db.opened == 1 and db.closed == []
    await asyncio.sleep(0.6)
    assert db.closed == [(1, None)]
    assert await b.submit(3) == 6 and db.opened == 2


async def test_a_failing_flush_fails_every_request_of_its_batch_and_only_those():
    db = FakeDatabase()
    db.gate = asyncio.Event()
    db.fail_next = True
    b = batcher(db, failure=lambda exc: RuntimeError(f"retry later ({exc})"))
    doomed = [asyncio.create_task(b.submit(i)) for i in (1, 2, 3)]
    await asyncio.sleep(0.01)
    spared = asyncio.create_task(b.submit(4))  # waits for the next flush
    db.gate.set()
    errors = await asyncio.gather(*doomed, return_exceptions=True)
    assert all(isinstance(e, RuntimeError) and "flush failed" in str(e) for e in errors)
    assert len({id(e) for e in errors}) == 3  # each request raises its own exception
    assert await spared == 8
    assert isinstance(db.closed[0][1], Boom)  # the connection saw the error: it can be discarded
    assert db.opened == 2


async def test_the_default_failure_names_the_batcher():
    db = FakeDatabase()
    db.fail_next = True
    with pytest.raises(BatchFailed, match="test failed"):
        await batcher(db).submit(1)


async def test_when_no_connection_can_be_had_the_requests_fail_instead_of_hanging():
    db = FakeDatabase()
    db.refuse_connections = True
    b = batcher(db, max_batch=2)
    results = await asyncio.wait_for(asyncio.gather(*(b.submit(i) for i in range(5)), return_exceptions=True), 1)
    assert all(isinstance(r, BatchFailed) for r in results)
    db.refuse_connections = False
    assert await b.submit(7) == 14


async def test_a_wrong_number_of_results_fails_the_batch():
    async def short(connection, items):
        return items[:-1]
    b = MicroBatcher(short, FakeDatabase().connect, name="short")
    results = await asyncio.gather(b.submit(1), b.submit(2), return_exceptions=True)
    assert all(isinstance(r, BatchFailed) for r in results)


async def test_a_cancelled_request_does_not_disturb_the_others():
    db = FakeDatabase()
    db.gate = asyncio.Event()
    b = batcher(db)
    tasks = [asyncio.create_task(b.submit(i)) for i in (1, 2, 3)]
    await asyncio.sleep(0.01)
    tasks[1].cancel()
    db.gate.set()
    assert await tasks[0] == 2 and await tasks[2] == 6
    with pytest.raises(asyncio.CancelledError):
        await tasks[1]
    assert db.batches == [[1, 2, 3]]  # its item was still flushed: a retry finds it stored


async def test_what_answered_requests_submit_next_joins_the_very_next_flush():
    """A check reads, then stores: its second item must not miss the flush that follows its
    first one (it would wait a whole extra round trip)."""
    db = FakeDatabase()
    b = batcher(db)
    db.gate = asyncio.Event()

    async def two_steps(i: int) -> int:
        first = await b.submit(i)
        return await b.submit(first + 100)

    requests = [asyncio.create_task(two_steps(i)) for i in range(3)]
    await asyncio.sleep(0)
    late = asyncio.create_task(b.submit(50))  # arrives while the first flush is in flight
    await asyncio.sleep(0)
    db.gate.set()
    assert await asyncio.gather(*requests, late) == [200, 204, 208, 100]
    assert db.batches == [[0, 1, 2], [50, 100, 102, 104]]
