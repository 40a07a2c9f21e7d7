"""Holds from the ledger's overdue events, lifted by payment; manual holds; the blacklist."""
from datetime import date

from tests.support.credit import check, configure, customer, keys, ledger, outbox_events
from shared.events.ledger import (
    AppliedLine, CreditNoteIssuedV1, OverdueThresholdV1, PaymentAllocatedV1,
)
from tests.support.facts import recorded_invoice
from tests.support.embedded import embedded_product


def invoice(number, due, cid="C1", amount="1000"):
    return recorded_invoice(invoice_number=number, customer_id=cid, issue_date=date(2026, 3, 1), due_date=due,
                           amount=amount, currency="CNY")


def overdue(number, due, days, cid="C1", amount="1000"):
    return OverdueThresholdV1(invoice_number=number, instalment_seq=1, customer_id=cid, threshold_days=days,
                              as_of=date(2026, 6, 1), due_date=due, days_overdue=days, open_amount=amount,
                              currency="CNY")


def payment(ref, number, amount, due, cid="C1"):
    return PaymentAllocatedV1(payment_reference=ref, customer_id=cid, received_date=date(2026, 6, 1),
                              effective_date=date(2026, 6, 1), currency="CNY", unapplied_amount="0",
                              lines=[AppliedLine(invoice_number=number, instalment_seq=1, amount=amount,
                                                 due_date=due)])


async def holds_of(client, cid="C1"):
    return (await client.get(f"/credit/v1/customers/{cid}")).json()["holds"]


async def test_overdue_threshold_places_an_automatic_hold_and_payment_lifts_it(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        due = date(2026, 4, 20)  # 42 days overdue on 2026-06-01
        await ledger(client, invoice("I-1", due))
        await ledger(client, overdue("I-1", due, 15))
        assert await holds_of(client) == []  # below the 30-day threshold
        await ledger(client, overdue("I-1", due, 30))
        held = await holds_of(client)
        assert [(h["kind"], h["invoice_numbers"]) for h in held] == [("overdue", ["I-1"])]
        assert (await check(client, k, "C1", "1", "SO-1")).json()["reasons"][0]["code"] == "on_hold"
        placed = await outbox_events(client, "customer-hold-placed")
        assert [(e["kind"], e["placed_by"]) for e in placed] == [("overdue", "system:credit")]
        await ledger(client, overdue("I-1", due, 30))  # the same fact again: no second hold
        assert len(await holds_of(client)) == 1
        await ledger(client, payment("P-1", "I-1", "400", due))
        assert len(await holds_of(client)) == 1  # still 600 overdue
        await ledger(client, payment("P-2", "I-1", "600", due))
        assert await holds_of(client) == []
        released = await outbox_events(client, "customer-hold-released")
        assert [(e["kind"], e["reason"]) for e in released] == [("overdue", "overdue debt paid")]


async def test_a_credit_note_clearing_the_debt_lifts_the_hold(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        await keys(client)
        await customer(client, "C1")
        due = date(2026, 4, 20)
        await ledger(client, invoice("I-1", due), overdue("I-1", due, 30))
        assert len(await holds_of(client)) == 1
        await ledger(client, CreditNoteIssuedV1(credit_note_number="CN-1", customer_id="C1", invoice_number="I-1",
                                                issue_date=date(2026, 6, 1), amount="1000", currency="CNY",
                                                reason="quality"))
        assert await holds_of(client) == []


async def test_the_threshold_is_configurable(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        await keys(client)
        configure(client, hold_threshold_days=60)
        await customer(client, "C1")
        due = date(2026, 4, 20)
        await ledger(client, invoice("I-1", due), overdue("I-1", due, 30))
        assert await holds_of(client) == []


async def test_a_manual_hold_is_never_lifted_by_a_payment_and_only_finance_places_it(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        assert (await client.post("/credit/v1/customers/C1/holds", json={"reason": "x"},
                                  headers=k["sales"])).status_code == 403
        assert (await client.post("/credit/v1/customers/NOPE/holds", json={"reason": "x"},
                                  headers=k["finance"])).status_code == 404
        assert (await client.post("/credit/v1/customers/C1/holds", json={"reason": ""},
                                  headers=k["finance"])).status_code == 422
        hold = (await client.post("/credit/v1/customers/C1/holds", json={"reason": "asset transfer"},
                                  headers=k["finance"])).json()
        due = date(2026, 4, 20)
        await ledger(client, invoice("I-1", due), overdue("I-1", due, 30), payment("P-1", "I-1", "1000", due))
        assert [h["kind"] for h in await holds_of(client)] == ["manual"]
        r = await client.delete(f"/credit/v1/customers/C1/holds/{hold['hold_id']}?reason=resolved",
                                headers=k["finance"])
        assert r.status_code == 200 and r.json()["released_by"] and r.json()["release_reason"] == "resolved"
        assert await holds_of(client) == []
        again = await client.delete(f"/credit/v1/customers/C1/holds/{hold['hold_id']}?reason=x",
                                    headers=k["finance"])
        assert again.status_code == 409


async def test_third_overdue_hold_in_a_year_blacklists(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        for n in range(3):
            due = date(2026, 4, 1 + n)
            await ledger(client, invoice(f"I-{n}", due), overdue(f"I-{n}", due, 30))
            if n < 2:
                await ledger(client, payment(f"P-{n}", f"I-{n}", "1000", due))
        view = (await client.get("/credit/v1/customers/C1")).json()
        assert view["blacklisted"] is True
        assert sorted(h["kind"] for h in view["holds"]) == ["blacklist", "overdue"]
        assert len(await outbox_events(client, "customer-blacklisted")) == 1
        await ledger(client, payment("P-2", "I-2", "1000", date(2026, 4, 3)))
        view = (await client.get("/credit/v1/customers/C1")).json()
        assert [h["kind"] for h in view["holds"]] == ["blacklist"]  # only a person lifts it
        r = await check(client, k, "C1", "1", "SO-B")
        assert "blacklisted" in [x["code"] for x in r.json()["reasons"]]
        black = view["holds"][0]["hold_id"]
        await client.delete(f"/credit/v1/customers/C1/holds/{black}?reason=cleared by GM", headers=k["finance"])
        assert (await client.get("/credit/v1/customers/C1")).json()["blacklisted"] is False


def dispute(dispute_id, number, amount, cid="C1"):
    from shared.events.ledger import DisputeOpenedV1
    return DisputeOpenedV1(dispute_id=dispute_id, invoice_number=number, customer_id=cid,
                           opened_date=date(2026, 6, 1), fact_finding_due=date(2026, 6, 22), amount=amount,
                           currency="CNY", category="quality")


def resolved(dispute_id, number, amount, cid="C1"):
    from shared.events.ledger import DisputeResolvedV1
    return DisputeResolvedV1(dispute_id=dispute_id, invoice_number=number, customer_id=cid,
                             resolved_date=date(2026, 6, 1), outcome="invalid", amount=amount, adjusted_amount="0",
                             currency="CNY")


async def test_the_automatic_hold_lifts_when_what_is_overdue_is_all_disputed(tmp_path):
    """The rule docs/credit.md states: the hold stays while something undisputed is overdue
    beyond the threshold. Opening a dispute on the whole overdue invoice lifts it; a partial
    dispute does not; a dispute found invalid puts the debt (and the hold) back."""
    async with embedded_product(tmp_path, names=["credit"]) as client:
        await keys(client)
        await customer(client, "C1")
        due = date(2026, 4, 20)
        await ledger(client, invoice("I-1", due), invoice("I-2", due))
        await ledger(client, overdue("I-1", due, 30), overdue("I-2", due, 30))
        assert [h["kind"] for h in await holds_of(client)] == ["overdue"]
        await ledger(client, dispute("D-1", "I-1", "1000"), dispute("D-2", "I-2", "400"))
        view = (await client.get("/credit/v1/customers/C1")).json()
        assert [h["kind"] for h in view["holds"]] == ["overdue"]  # 600 of I-2 undisputed and overdue
        assert view["overdue"]["amount"] == "600.00" and view["exposure"]["disputed"] == "1400.00"
        await ledger(client, dispute("D-3", "I-2", "600"))
        view = (await client.get("/credit/v1/customers/C1")).json()
        assert view["holds"] == [] and view["overdue"]["amount"] == "0.00"
        released = await outbox_events(client, "customer-hold-released")
        assert len(released) == 1 and released[0]["released_by"] == "system:credit"
        await ledger(client, resolved("D-3", "I-2", "600"))  # invalid: 600 undisputed and overdue again
        assert [h["kind"] for h in await holds_of(client)] == ["overdue"]
