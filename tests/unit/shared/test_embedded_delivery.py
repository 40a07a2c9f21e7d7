"""The embedded mode's delivery (shared/embedded_delivery.py) on SQLite with the probe
service: exactly once per subscriber across restarts and crashes, subscribers that do not
wait for each other, API-key events ahead of a business backlog, published marks. No
timing is asserted: waits are bounded only so a broken build fails instead of hanging."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from shared import auth
from shared.consumer import EventProcessor, TableDeadLetterSink
from shared.db import Database
from shared.embedded_delivery import CursorStore, EmbeddedDelivery
from shared.outbox_log import OutboxLog
from shared.events.platform import ApiKeyIssuedV1
from shared.metrics import EVENTS_DUPLICATE
from shared.platform_tables import dead_letters, delivery_cursors, inbox, outbox
from tests.support import probe

PLATFORM = {"api-key-issued": auth.on_key_issued, "api-key-revoked": auth.on_key_revoked}


_OPEN: list[Database] = []


@pytest.fixture(autouse=True)
async def _dispose():
    yield
    while _OPEN:
        await _OPEN.pop().dispose()


async def make_db(tmp_path, name: str) -> Database:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / name}.sqlite3")
    await probe.create_schema(db)
    _OPEN.append(db)
    return db


def processor(db: Database, name: str, handler=probe.on_invoice) -> EventProcessor:
    return EventProcessor(db=db, service=name, handlers={"invoice-issued": handler, **PLATFORM},
                          dead_letters=TableDeadLetterSink(db, f"/{name}"), max_attempts=2, backoff_seconds=0)


async def emit(db: Database, numbers, source: str = "/p") -> None:
    async with db.unit_of_work(source) as uow:
        for number in numbers:
            uow.emit(probe.invoice(number))
        await uow.commit()


async def scalar(db: Database, statement) -> int:
    async with db.engine.connect() as conn:
        return await conn.scalar(statement)


async def effects(db: Database) -> tuple[int, int]:
    """(rows, distinct invoices) of the probe's effect table: equal when nothing applied twice."""
    return (await scalar(db, sa.select(sa.func.count()).select_from(probe.effects)),
            await scalar(db, sa.select(sa.func.count(sa.distinct(probe.effects.c.invoice_number)))))


async def eventually(check, timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "not reached in time"
        await asyncio.sleep(0.02)


class Running:
    """One start of the delivery (as EmbeddedHost.start does) over existing databases."""

    def __init__(self, producers: dict[str, Database], subscribers: list[EventProcessor], **options) -> None:
        self.delivery = EmbeddedDelivery(**options)
        for name, db in producers.items():
            self.delivery.add_producer(name, db)
        self.keys = {}
        for proc in subscribers:
            self.keys[proc.service] = auth.ApiKeyStore(proc.db, cache_seconds=3600)
            self.delivery.add_subscriber(proc.service, proc, self.keys[proc.service])
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task] = []

    async def __aenter__(self) -> "Running":
        self.tasks = await self.delivery.start(self.stop)
        return self

    async def __aexit__(self, *exc) -> None:
        self.stop.set()
        await asyncio.wait_for(asyncio.gather(*self.tasks, return_exceptions=True), 30)
        self.delivery.close()

    async def crash(self) -> None:
        """Tasks killed where they are: no final cursor write."""
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.delivery.close()


def paced(seconds: float = 0.001):
    """The probe's handler, a little slow, so a backlog is still draining when we interrupt it."""
    async def handler(deps, uow, ctx, event):
        await asyncio.sleep(seconds)
        await probe.on_invoice(deps, uow, ctx, event)
    return handler


async def test_a_crash_mid_backlog_redelivers_what_was_not_recorded_and_the_inbox_drops_repeats(tmp_path, monkeypatch):
    producer = await make_db(tmp_path, "p")
    subs = {name: await make_db(tmp_path, name) for name in ("crash-a", "crash-b")}
    await emit(producer, [f"N-{i:04d}" for i in range(1200)])

    async def lost(self, *args):  # the crash always comes before the cursor write and the marks
        return 0

    monkeypatch.setattr(CursorStore, "save", lost)
    monkeypatch.setattr(OutboxLog, "mark", lost)
    run = Running({"p": producer}, [processor(db, name, paced()) for name, db in subs.items()], max_batch=50)
    await run.__aenter__()
    await eventually(lambda: _all_at_least(subs.values(), 200))
    await run.crash()
    monkeypatch.undo()
    partial = [(await effects(db))[0] for db in subs.values()]
    assert all(0 < n < 1200 for n in partial), partial
    duplicates = {name: EVENTS_DUPLICATE.labels(name, "invoice-issued")._value.get() for name in subs}

    async with Running({"p": producer}, [processor(db, name) for name, db in subs.items()]) as run:
        await run.delivery.settle()
    for name, db in subs.items():
        assert await effects(db) == (1200, 1200), name
        assert await scalar(db, sa.select(sa.func.count()).select_from(inbox)) == 1200
        # what was applied before the crash came again (no cursor was stored) and was dropped
        assert EVENTS_DUPLICATE.labels(name, "invoice-issued")._value.get() - duplicates[name] >= 200
    assert await scalar(producer, sa.select(sa.func.count()).select_from(outbox)
                        .where(outbox.c.published_at.is_(None))) == 0


async def _all_at_least(dbs, n: int) -> bool:
    return all([(await effects(db))[0] >= n for db in dbs])


async def test_a_clean_restart_resumes_from_the_stored_cursors(tmp_path):
    producer, sub = await make_db(tmp_path, "p"), await make_db(tmp_path, "resume")
    await emit(producer, [f"R-{i:04d}" for i in range(800)])
    before = EVENTS_DUPLICATE.labels("resume", "invoice-issued")._value.get()
    async with Running({"p": producer}, [processor(sub, "resume", paced())], max_batch=50):
        await eventually(lambda: _all_at_least([sub], 150))
    stopped_at = (await effects(sub))[0]
    assert stopped_at < 800
    stored = await scalar(sub, sa.select(delivery_cursors.c.position).where(
        delivery_cursors.c.consumer == "resume", delivery_cursors.c.producer == "p",
        delivery_cursors.c.lane == "business"))
    assert stored == stopped_at  # the probe's seq = its invoice's position
    async with Running({"p": producer}, [processor(sub, "resume")]) as run:
        await emit(producer, ["R-late"])
        await run.delivery.settle()
    assert await effects(sub) == (801, 801)
    assert EVENTS_DUPLICATE.labels("resume", "invoice-issued")._value.get() == before


async def test_a_stuck_subscriber_and_a_failing_one_do_not_hold_back_the_others(tmp_path):
    producer = await make_db(tmp_path, "p")
    fast, stuck, failing = [await make_db(tmp_path, n) for n in ("fast", "stuck", "failing")]
    gate = asyncio.Event()

    async def blocked(deps, uow, ctx, event):
        await gate.wait()
        await probe.on_invoice(deps, uow, ctx, event)

    async def broken(deps, uow, ctx, event):
        raise RuntimeError("this subscriber's handler is broken")

    await emit(producer, [f"S-{i:03d}" for i in range(300)])
    async with Running({"p": producer}, [processor(stuck, "stuck", blocked), processor(fast, "fast"),
                                         processor(failing, "failing", broken)]) as run:
        await eventually(lambda: _all_at_least([fast], 300))
        await eventually(lambda: _count_is(failing, dead_letters, 300))
        assert await effects(stuck) == (0, 0)
        # nothing is marked published while one subscriber of the topic has not passed it
        await run.delivery.mark("p")
        assert await scalar(producer, sa.select(sa.func.count()).select_from(outbox)
                            .where(outbox.c.published_at.is_(None))) == 300
        gate.set()
        await run.delivery.settle()
    assert await effects(stuck) == (300, 300) and await effects(fast) == (300, 300)
    assert await scalar(producer, sa.select(sa.func.count()).select_from(outbox)
                        .where(outbox.c.published_at.is_(None))) == 0


async def _count_is(db: Database, table, n: int) -> bool:
    return await scalar(db, sa.select(sa.func.count()).select_from(table)) >= n


async def test_an_api_key_event_is_applied_while_a_business_backlog_waits(tmp_path):
    """The key's lane goes at the subscriber's next turn, not after the backlog: a batch in
    progress holds SQLite's one writer, so it waits for that one batch only."""
    producer, sub = await make_db(tmp_path, "p"), await make_db(tmp_path, "keys")
    await emit(producer, [f"B-{i:04d}" for i in range(400)])
    async with Running({"p": producer}, [processor(sub, "keys", paced(0.005))]) as run:
        keys = run.keys["keys"]
        key = "ark_test_" + "x" * 40
        assert await keys.lookup(key) is None  # tried before its event: the answer is cached (for an hour here)
        async with producer.unit_of_work("/p") as uow:
            uow.emit(ApiKeyIssuedV1(key_id="k-late", key_hash=auth.hash_key(key), name="late", roles=["auditor"],
                                    issued_at=datetime.now(timezone.utc)))
            await uow.commit()

        async def works() -> bool:
            return await keys.lookup(key) is not None

        await eventually(works)  # applied, and the cached "unknown" dropped when it committed
        assert (await effects(sub))[0] < 400  # most of the business backlog is still waiting
        await run.delivery.settle()
    assert await effects(sub) == (400, 400)


async def test_purge_keeps_the_newest_row_so_seq_numbers_are_never_handed_out_again(tmp_path):
    producer = await make_db(tmp_path, "p")
    await emit(producer, ["P-1", "P-2", "P-3"])
    async with producer.engine.begin() as conn:
        await conn.execute(sa.update(outbox).values(published_at=datetime(2020, 1, 1, tzinfo=timezone.utc)))
    log = OutboxLog(producer, "p", retention_days=1)
    assert await log.purge() == 2
    await emit(producer, ["P-4"])
    seqs = [r[0] for r in (await _rows(producer, sa.select(outbox.c.seq).order_by(outbox.c.seq)))]
    assert seqs == [3, 4]
    log.close()


async def _rows(db: Database, statement):
    async with db.engine.connect() as conn:
        return (await conn.execute(statement)).all()


async def test_foreign_events_are_applied_at_once_by_every_subscriber(tmp_path):
    from shared.events.envelope import new_envelope, to_kafka
    from shared.transport import OutgoingMessage

    a, b = await make_db(tmp_path, "fa"), await make_db(tmp_path, "fb")
    async with Running({}, [processor(a, "fa"), processor(b, "fb")]) as run:
        key, value, headers = to_kafka(new_envelope(probe.invoice("F-1"), "/billing"))
        await run.delivery.bus.dispatch([OutgoingMessage("invoice-issued", key, value, headers)])
        assert await effects(a) == (1, 1) and await effects(b) == (1, 1)
