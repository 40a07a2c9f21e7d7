"""Issue 11/10: dead letters through the admin API in the embedded mode (the Kafka mode
is tests/integration/test_dead_letter_replay_kafka.py): list them with the error and the
original message, replay one after a fix (it is applied, not dropped as a duplicate),
replay all; a replay that fails again stays listed with the new error. The fix here is the
kind an operator makes: the ledger refused large invoices by its configuration (a large
order must come in instalments), then the configuration is changed to flag them."""
from __future__ import annotations

import logging

from services.ledger.bootstrap import dependencies
from services.ledger.config import load_config
from shared.events.envelope import new_envelope, to_kafka
from shared.events.ledger import InvoiceIssuedV1
from shared.transport import OutgoingMessage
from tests.support.embedded import ADMIN_KEY, embedded_product

V1 = "/ledger/v1"


def large(number: str, amount: str = "2000000.00") -> InvoiceIssuedV1:
    """A large order in one instalment: refused while the ledger is configured to refuse them."""
    return InvoiceIssuedV1(invoice_number=number, customer_id="C1", issue_date="2026-04-01", payment_terms="NET30",
                           amount=amount, currency="CNY")


def configure(client, action: str) -> None:
    runtime = client.host.runtime("ledger")
    runtime.deps = dependencies(runtime, load_config(large_order_action=action))


async def deliver(client, payload, correlation_id: str) -> str:
    env = new_envelope(payload, "/billing", correlation_id)
    await client.host.bus.dispatch([OutgoingMessage(payload.topic, *to_kafka(env))])
    await client.host.settle()
    return env.id


async def test_a_dead_letter_is_listed_shown_and_replayed_after_the_fix(tmp_path, caplog):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        configure(client, "refuse")
        with caplog.at_level(logging.INFO):
            event_id = await deliver(client, large("INV-BIG"), "corr-dead-1")
        dead_line = next(r for r in caplog.records if r.getMessage().startswith("dead-lettering"))
        assert dead_line.correlation_id == "corr-dead-1" and dead_line.event_id == event_id

        listed = (await client.get(f"{V1}/dead-letters")).json()
        assert listed["total"] == 1 and listed["limit"] == 50 and listed["offset"] == 0
        (item,) = listed["items"]
        assert item["event_id"] == event_id and item["topic"] == "invoice-issued"
        assert item["correlation_id"] == "corr-dead-1" and item["status"] == "open"
        assert item["event_type"] == "ar.invoice-issued.v1" and "large order" in item["error"]
        shown = (await client.get(f"{V1}/dead-letters/{item['id']}")).json()
        assert '"invoice_number":"INV-BIG"' in shown["message"]["value"]
        assert shown["message"]["headers"]["ce_id"] == event_id and shown["key"] == "C1"

        configure(client, "flag")  # the fix: large orders are booked and flagged
        replayed = await client.post(f"{V1}/dead-letters/{item['id']}/replay")
        assert replayed.status_code == 200, replayed.text
        assert replayed.json()["outcome"] == "applied"
        booked = (await client.get(f"{V1}/invoices/INV-BIG")).json()
        assert booked["flags"] == ["large_order.no_instalments"]
        assert (await client.get(f"{V1}/dead-letters")).json()["total"] == 0
        done = (await client.get(f"{V1}/dead-letters?status=replayed")).json()["items"][0]
        assert done["replay_count"] == 1 and done["last_replay_at"]
        again = await client.post(f"{V1}/dead-letters/{item['id']}/replay")
        assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"


async def test_a_replay_that_fails_again_stays_listed_with_the_new_error(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        configure(client, "refuse")
        await deliver(client, large("INV-NEVER"), "corr-dead-2")
        (item,) = (await client.get(f"{V1}/dead-letters")).json()["items"]
        r = await client.post(f"{V1}/dead-letters/{item['id']}/replay")  # nothing fixed yet
        assert r.json()["outcome"] == "failed" and "large order" in r.json()["error"]
        (still,) = (await client.get(f"{V1}/dead-letters")).json()["items"]
        assert still["id"] == item["id"] and still["status"] == "open" and still["replay_count"] == 1


async def test_replay_all_applies_every_open_dead_letter_and_reports_each(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        configure(client, "refuse")
        for i in range(3):  # the second also has an amount CNY cannot hold: no configuration fixes that
            await deliver(client, large(f"INV-A{i}", "2000000.005" if i == 1 else "2000000.00"), f"corr-all-{i}")
        page = (await client.get(f"{V1}/dead-letters?limit=2&offset=1")).json()
        assert page["total"] == 3 and len(page["items"]) == 2
        configure(client, "flag")
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
        configure(client, "refuse")
        env = new_envelope(large("INV-9"), "/billing", "corr-dup")
        message = OutgoingMessage("invoice-issued", *to_kafka(env))
        await client.host.bus.dispatch([message])
        with caplog.at_level(logging.INFO):
            await client.host.bus.dispatch([message])
        skipped = [r for r in caplog.records if r.getMessage().startswith("skipped 1 event")]
        assert skipped and skipped[0].event_ids == [env.id]
        assert (await client.get(f"{V1}/dead-letters")).json()["total"] == 1
