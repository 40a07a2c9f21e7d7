"""SQLite's write lock with two queues (shared/write_lock.py): a request waits for the
transaction in progress only, never for the background work queued before it; and the
API-key cache around a key event. Orders are asserted, never durations."""
from __future__ import annotations

import asyncio

import pytest

from shared import auth
from shared.db import Database
from shared.write_lock import PriorityLock, RequestActivity, background
from tests.support import probe


async def _holder(lock: PriorityLock, log: list, name: str, is_background: bool, hold: asyncio.Event | None = None):
    await lock.acquire(background=is_background)
    log.append(name)
    if hold is not None:
        await hold.wait()
    await asyncio.sleep(0)
    lock.release()


async def test_a_waiting_foreground_task_goes_before_background_tasks_queued_earlier():
    lock, log, hold = PriorityLock(), [], asyncio.Event()
    first = asyncio.create_task(_holder(lock, log, "batch-0", True, hold))
    await asyncio.sleep(0)
    queued = [asyncio.create_task(_holder(lock, log, f"batch-{i}", True)) for i in (1, 2, 3)]
    await asyncio.sleep(0)
    request = asyncio.create_task(_holder(lock, log, "request", False))
    await asyncio.sleep(0)
    assert lock.waiting == (1, 3)
    hold.set()
    await asyncio.gather(first, request, *queued)
    assert log == ["batch-0", "request", "batch-1", "batch-2", "batch-3"]
    assert not lock.locked()


async def test_background_work_still_gets_a_turn_under_a_steady_stream_of_requests():
    lock, log, hold = PriorityLock(fairness=3), [], asyncio.Event()
    first = asyncio.create_task(_holder(lock, log, "request-0", False, hold))
    await asyncio.sleep(0)
    batch = asyncio.create_task(_holder(lock, log, "batch", True))
    requests = [asyncio.create_task(_holder(lock, log, f"request-{i}", False)) for i in range(1, 6)]
    await asyncio.sleep(0)
    hold.set()
    await asyncio.gather(first, batch, *requests)
    assert log.index("batch") == 4  # after three requests in a row, the waiting batch goes


async def test_a_cancelled_waiter_does_not_keep_the_lock():
    lock, log, hold = PriorityLock(), [], asyncio.Event()
    first = asyncio.create_task(_holder(lock, log, "a", False, hold))
    await asyncio.sleep(0)
    cancelled = asyncio.create_task(_holder(lock, log, "b", False))
    last = asyncio.create_task(_holder(lock, log, "c", True))
    await asyncio.sleep(0)
    cancelled.cancel()
    hold.set()
    await asyncio.gather(first, last, cancelled, return_exceptions=True)
    assert log == ["a", "c"] and not lock.locked()


async def test_a_request_is_not_starved_by_continuous_consumer_batches(tmp_path):
    """A fake slow consumer commits batch after batch and a job writes in the background;
    a request arriving meanwhile starts right after the transaction in progress: no
    background transaction that was waiting starts before it."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 's.sqlite3'}")
    await probe.create_schema(db)
    log: list[str] = []
    stop = asyncio.Event()

    async def background_writer(name: str):
        with background():
            while not stop.is_set():
                async with db.unit_of_work("/s") as uow:
                    log.append(f"{name}-start")
                    for _ in range(5):
                        await asyncio.sleep(0.002)  # the handlers' work, holding the transaction
                    await uow.commit()
                log.append(f"{name}-end")

    writers = [asyncio.create_task(background_writer(n)) for n in ("batch", "other-batch", "job")]
    try:
        for _ in range(5):
            while not (db.write_lock.locked() and db.write_lock.waiting[1] >= 2):
                await asyncio.sleep(0.001)
            arrived = len(log)
            async with db.unit_of_work("/s") as uow:
                started = len(log)
                await uow.commit()
            between = log[arrived:started]
            assert not any(entry.endswith("-start") for entry in between), between
            await asyncio.sleep(0.01)
    finally:
        stop.set()
        await asyncio.gather(*writers)
        await db.dispose()
    assert log.count("batch-start") >= 2 and "job-start" in log  # they kept going too


async def test_request_activity_lets_background_work_wait_for_requests_in_flight():
    activity, order = RequestActivity(), []
    activity.enter()

    async def batch():
        await activity.quiet(max_wait=60)
        order.append("batch")

    task = asyncio.create_task(batch())
    await asyncio.sleep(0.01)
    order.append("request done")
    activity.leave()
    await task
    assert order == ["request done", "batch"]


async def test_a_key_looked_up_while_its_event_commits_is_not_cached_as_unknown(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'k.sqlite3'}")
    await probe.create_schema(db)
    keys = auth.ApiKeyStore(db, cache_seconds=3600)
    key = "ark_race_" + "y" * 40
    read, release = asyncio.Event(), asyncio.Event()
    load = keys._load

    async def slow_load(digest):
        result = asyncio.ensure_future(load(digest))
        await asyncio.sleep(0)
        read.set()
        await release.wait()
        return await result

    keys._load = slow_load
    first = asyncio.create_task(keys.lookup(key))
    await read.wait()  # the lookup has read the table: no such key yet
    async with db.unit_of_work("/k") as uow:  # the key's event is applied, then the cache dropped
        await auth.store_key(uow, "k1", auth.hash_key(key), "race", ["auditor"], __import__("datetime").datetime.now())
        await uow.commit()
    keys.forget()
    release.set()
    assert await first is None  # it asked before the key existed
    keys._load = load
    principal = await keys.lookup(key)
    assert principal is not None and principal.key_id == "k1"  # and that "unknown" was not kept
    await db.dispose()


@pytest.mark.parametrize("negative_seconds", [1.0])
async def test_an_unknown_key_is_never_answered_from_a_stale_entry(tmp_path, negative_seconds):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'n.sqlite3'}")
    await probe.create_schema(db)
    keys = auth.ApiKeyStore(db, negative_seconds=negative_seconds)
    key = "ark_new_" + "z" * 40
    assert await keys.lookup(key) is None
    digest = auth.hash_key(key)
    expires, answer = keys._cache[digest]
    keys._cache[digest] = (expires - 10, answer)  # expired, within what would be the stale window
    async with db.unit_of_work("/n") as uow:
        await auth.store_key(uow, "k2", digest, "new", ["auditor"], __import__("datetime").datetime.now())
        await uow.commit()
    assert (await keys.lookup(key)).key_id == "k2"
    await db.dispose()
