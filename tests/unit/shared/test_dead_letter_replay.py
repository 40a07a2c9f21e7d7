"""Issue 11/10: dead letters through the admin API in the embedded mode (the Kafka mode
is tests/integration/test_dead_letter_replay_kafka.py): list them with the error and the
original message, replay one after a fix (it is applied, not dropped as a duplicate),
replay all; a replay that fails again stays listed with the new error."""
from __future__ import annotations

import logging

from shared.events.envelope import new_envelope, to_kafka
from shared.events.ledger import AllocationLine, PaymentReceivedV1
from shared.transport import OutgoingMessage
from tests.support.embedded import ADMIN_KEY, embedded_product

V1 = "/ledger/v1"


def payment(reference: str, invoice_number: str) -> PaymentReceivedV1:
    return PaymentReceivedV1(payment_reference=reference, customer_id="C1", received_date="2026-05-10",
                             amount="100.00", currency="CNY",
                             allocations=[AllocationLine(invoice_number=invoice_number, amount="100.00")])


async def deliver(client, payload, correlation_id: str) -> str:
    env = new_envelope(payload, "/billing", correlation_id)
    await client.host.bus.dispatch([OutgoingMessage(payload.topic, *to_kafka(env))])
    await client.host.settle()
    return env.id


async def book(client, number: str) -> None:
    r = await client.post(f"{V1}/invoices", json={"invoice_number": number, "customer_id": "C1",
                                                 "issue_date": "2026-04-01", "due_date": "2026-05-01",
                                                 "amount": "100.00", "currency": "CNY"})
    assert r.status_code == 201, r.text


async def test_a_dead_letter_is_listed_shown_and_replayed_after_the_fix(tmp_path, caplog):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        with caplog.at_level(logging.INFO):
            event_id = await deliver(client, payment("P-1", "INV-LATE"), "corr-dead-1")
        dead_line = next(r for r in caplog.records if r.getMessage().startswith("dead-lettering"))
        assert dead_line.correlation_id == "corr-dead-1" and dead_line.event_id == event_id

        listed = (await client.get(f"{V1}/dead-letters")).json()
        assert listed["total"] == 1 and listed["limit"] == 50 and listed["offset"] == 0
        (item,) = listed["items"]
        assert item["event_id"] == event_id and item["topic"] == "payment-received"
        assert item["correlation_id"] == "corr-dead-1" and item["status"] == "open"
        assert item["event_type"] == "ar.payment-received.v1" and "INV-LATE" in item["error"]
        shown = (await client.get(f"{V1}/dead-letters/{item['id']}")).json()
        assert '"payment_reference":"P-1"' in shown["message"]["value"]
        assert shown["message"]["headers"]["ce_id"] == event_id and shown["key"] == "C1"

        await book(client, "INV-LATE")  # the fix: the invoice the payment names now exists
        replayed = await client.post(f"{V1}/dead-letters/{item['id']}/replay")
        assert replayed.status_code == 200, replayed.text
        assert replayed.json()["outcome"] == "applied"
        paid = (await client.get(f"{V1}/payments/P-1")).json()
        assert paid["allocations"][0]["invoice_number"] == "INV-LATE"
        assert (await client.get(f"{V1}/dead-letters")).json()["total"] == 0
        done = (await client.get(f"{V1}/dead-letters?status=replayed")).json()["items"][0]
        assert done["replay_count"] == 1 and done["last_replay_at"]
        again = await client.post(f"{V1}/dead-letters/{item['id']}/replay")
        assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"


async def test_a_replay_that_fails_again_stays_listed_with_the_new_error(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await deliver(client, payment("P-2", "INV-NEVER"), "corr-dead-2")
        (item,) = (await client.get(f"{V1}/dead-letters")).json()["items"]
        r = await client.post(f"{V1}/dead-letters/{item['id']}/replay")
        assert r.json()["outcome"] == "failed" and "INV-NEVER" in r.json()["error"]
        (still,) = (await client.get(f"{V1}/dead-letters")).json()["items"]
        assert still["id"] == item["id"] and still["status"] == "open" and still["replay_count"] == 1


async def test_replay_all_applies_every_open_dead_letter_and_reports_each(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        for i in range(3):
            await deliver(client, payment(f"PA-{i}", f"INV-A{i}"), f"corr-all-{i}")
        page = (await client.get(f"{V1}/dead-letters?limit=2&offset=1")).json()
        assert page["total"] == 3 and len(page["items"]) == 2
        await book(client, "INV-A0")
        await book(client, "INV-A2")
        result = (await client.post(f"{V1}/dead-letters/replay")).json()
        assert (result["applied"], result["failed"]) == (2, 1)
        (left,) = (await client.get(f"{V1}/dead-letters")).json()["items"]
        assert left["correlation_id"] == "corr-all-1"


async def test_dead_letters_need_the_admin_role(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        issued = await client.post(f"{V1}/api-keys", json={"name": "fin", "roles": ["finance"]})
        other = {"Authorization": f"Bearer {issued.json()['key']}"}
        assert (await client.get(f"{V1}/dead-letters", headers=other)).status_code == 403
        assert (await client.post(f"{V1}/dead-letters/replay", headers=other)).status_code == 403
        assert ADMIN_KEY


async def test_republishing_a_dead_letter_is_logged_as_a_skipped_duplicate(tmp_path, caplog):
    """What operators tried before the replay API: the copy is dropped, but no longer silently."""
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        env = new_envelope(payment("P-9", "INV-9"), "/billing", "corr-dup")
        message = OutgoingMessage("payment-received", *to_kafka(env))
        await client.host.bus.dispatch([message])
        with caplog.at_level(logging.INFO):
            await client.host.bus.dispatch([message])
        skipped = [r for r in caplog.records if r.getMessage().startswith("skipped 1 event")]
        assert skipped and skipped[0].event_ids == [env.id]
        assert (await client.get(f"{V1}/dead-letters")).json()["total"] == 1
