"""The outbox/inbox contract on SQLite with the in-process transport (the same code
paths as Kafka mode; tests/integration repeats the important ones on real Kafka and
PostgreSQL)."""
import sqlalchemy as sa

from shared.consumer import EventProcessor, InProcessSubscriber, RawMessage, TableDeadLetterSink
from shared.db import Database
from shared.events.envelope import new_envelope, to_kafka
from shared.platform_tables import dead_letters, inbox, outbox
from shared.relay import OutboxRelay
from shared.transport import InProcessBus, InProcessTransport
from tests.support import probe


async def make_db(tmp_path, name):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / name}.sqlite3")
    await probe.create_schema(db)
    return db


def processor(db, batched=True):
    return EventProcessor(db=db, service="probe", handlers={"invoice-issued": probe.on_invoice},
                          dead_letters=TableDeadLetterSink(db, "/probe"), max_attempts=2,
                          backoff_seconds=0, batched=batched)


async def outbox_count(db):
    async with db.engine.connect() as c:
        return await c.scalar(sa.select(sa.func.count()).select_from(outbox))


async def test_an_event_in_a_rolled_back_transaction_is_never_published(tmp_path):
    producer, consumer = await make_db(tmp_path, "p"), await make_db(tmp_path, "c")
    bus = InProcessBus()
    bus.subscribe(["invoice-issued"], InProcessSubscriber(processor(consumer)))
    relay = OutboxRelay(producer, InProcessTransport(bus), "p")
    try:
        async with producer.unit_of_work("/p") as uow:
            uow.emit(probe.invoice("ROLLED-BACK"))
            raise RuntimeError("the request failed")
    except RuntimeError:
        pass
    async with producer.unit_of_work("/p") as uow:
        uow.emit(probe.invoice("COMMITTED"))
        await uow.commit()
    assert await outbox_count(producer) == 1
    assert await relay.drain() == 1
    assert await probe.count_effects(consumer, "COMMITTED") == 1
    assert await probe.count_effects(consumer, "ROLLED-BACK") == 0
    assert await relay.drain() == 0


async def test_an_event_delivered_twice_is_applied_once(tmp_path):
    db = await make_db(tmp_path, "c")
    key, value, headers = to_kafka(new_envelope(probe.invoice("TWICE"), "/billing"))
    msg = RawMessage("invoice-issued", key, value, headers)
    proc = processor(db)
    await proc.process([msg, msg])          # twice in one batch
    await proc.process([msg])               # and again later
    assert await probe.count_effects(db, "TWICE") == 1


async def test_bad_messages_are_dead_lettered_and_the_rest_applied(tmp_path):
    db = await make_db(tmp_path, "c")
    good = RawMessage("invoice-issued", *to_kafka(new_envelope(probe.invoice("GOOD"), "/billing")))
    refused = RawMessage("invoice-issued", *to_kafka(new_envelope(probe.invoice("REJECT-1"), "/billing")))
    crashing = RawMessage("invoice-issued", *to_kafka(new_envelope(probe.invoice("BOOM-1"), "/billing")))
    garbage = RawMessage("invoice-issued", b"k", b"not json at all", [("ce_id", b"x")], 0, 42)
    await processor(db).process([garbage, refused, good, crashing])
    assert await probe.count_effects(db) == 1
    async with db.engine.connect() as c:
        rows = (await c.execute(sa.select(dead_letters).order_by(dead_letters.c.id))).all()
        outcomes = dict((await c.execute(sa.select(inbox.c.event_id, inbox.c.outcome))).all())
    assert [r.error_type for r in rows] == ["EnvelopeError", "RuleError", "RuntimeError"]
    assert rows[0].offset == 42 and b"not json" in rows[0].value
    assert "dead_lettered" in outcomes.values()
    # A redelivered dead-lettered event is not dead-lettered twice.
    await processor(db).process([refused])
    async with db.engine.connect() as c:
        assert await c.scalar(sa.select(sa.func.count()).select_from(dead_letters)) == 3


async def test_the_relay_keeps_order_and_marks_what_it_sent(tmp_path):
    producer, consumer = await make_db(tmp_path, "p"), await make_db(tmp_path, "c")
    bus = InProcessBus()
    bus.subscribe(["invoice-issued"], InProcessSubscriber(processor(consumer)))
    relay = OutboxRelay(producer, InProcessTransport(bus), "p", batch_size=7)
    async with producer.unit_of_work("/p") as uow:
        for i in range(20):
            uow.emit(probe.invoice(f"N-{i:03d}"))
        await uow.commit()
    assert await relay.drain() == 20
    async with consumer.engine.connect() as c:
        numbers = [r[0] for r in await c.execute(sa.select(probe.effects.c.invoice_number).order_by(probe.effects.c.id))]
    assert numbers == [f"N-{i:03d}" for i in range(20)]
    assert await relay.backlog() == 0
