"""Billing's payment can arrive before the invoice it names (separate topics): it is
parked, listed with its age, and applied the moment the invoice is booked."""
from prometheus_client import REGISTRY

from services.ledger.jobs import parked_payment_gauges
from shared.events.ledger import InvoiceIssuedV1, PaymentReceivedV1
from tests.support.embedded import embedded_product
from tests.support.ledger import V1, assert_problem, balance, dead_letters, deliver, invoice, keys, outbox


def billing_invoice(number: str, customer: str = "C1", amount: str = "100.00") -> InvoiceIssuedV1:
    return InvoiceIssuedV1(invoice_number=number, customer_id=customer, issue_date="2026-04-01",
                           due_date="2026-05-01", amount=amount, currency="CNY")


def billing_payment(reference: str, *lines: tuple[str, str], amount: str = "100.00",
                    customer: str = "C1") -> PaymentReceivedV1:
    return PaymentReceivedV1(payment_reference=reference, customer_id=customer, received_date="2026-05-10",
                             amount=amount, currency="CNY",
                             allocations=[{"invoice_number": n, "amount": a} for n, a in lines] or None)


async def parked(client, status: str = "parked") -> list[dict]:
    r = await client.get(f"{V1}/parked-payments?status={status}")
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_a_payment_before_its_invoice_waits_and_is_applied_when_the_invoice_comes(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await deliver(client, billing_payment("P1", ("LATE-1", "60.00"), ("LATE-2", "40.00")))
        assert not await dead_letters(client)
        [waiting] = await parked(client)
        assert (waiting["payment_reference"], waiting["awaiting"], waiting["amount"]) == (
            "P1", ["LATE-1", "LATE-2"], "100.00")
        assert waiting["age_days"] == 0 and waiting["parked_at"] == "2026-06-01T04:00:00Z"
        assert (await client.get(f"{V1}/payments/P1")).status_code == 404  # not booked yet
        await parked_payment_gauges(client.host.runtime("ledger"))
        assert REGISTRY.get_sample_value("ar_parked_payments", {"service": "ledger"}) == 1
        await deliver(client, billing_invoice("LATE-1"))  # one of its two invoices: it still waits
        assert [p["payment_reference"] for p in await parked(client)] == ["P1"]
        await deliver(client, billing_invoice("LATE-2"))
        assert await parked(client) == []
        [applied] = await parked(client, "applied")
        assert applied["resolved_at"] is not None
        paid = (await client.get(f"{V1}/payments/P1")).json()
        assert [(a["invoice_number"], a["amount"]) for a in paid["allocations"]] == [("LATE-1", "60.00"),
                                                                                  ("LATE-2", "40.00")]
        assert [p["payment_reference"] for p in await outbox(client, "payment-recorded")] == ["P1"]
        await deliver(client, billing_payment("P1", ("LATE-1", "60.00"), ("LATE-2", "40.00")))  # a resend
        assert (await balance(client))["balance"] == "100.00" and not await dead_letters(client)
        await parked_payment_gauges(client.host.runtime("ledger"))
        assert REGISTRY.get_sample_value("ar_parked_payments", {"service": "ledger"}) == 0


async def test_a_parked_payment_sent_again_with_other_content_is_dead_lettered(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await deliver(client, billing_payment("P1", ("LATE", "100.00")))
        await deliver(client, billing_payment("P1", ("LATE", "90.00"), amount="90.00"))
        [letter] = await dead_letters(client)
        assert letter[0] == "payment-received" and "payment_reference" in letter[2]
        assert [p["amount"] for p in await parked(client)] == ["100.00"]


async def test_over_the_api_an_unknown_invoice_is_refused_not_parked(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        r = await client.post(f"{V1}/payments", json={
            "payment_reference": "P1", "customer_id": "C1", "received_date": "2026-05-10", "amount": "10.00",
            "currency": "CNY", "allocations": [{"invoice_number": "NOPE", "amount": "10.00"}]})
        assert_problem(r, 422, "allocations[0].invoice_number", "allocation.unknown_invoice")
        assert await parked(client) == []


async def test_one_that_no_longer_fits_stays_parked_with_the_reason_and_finance_releases_it(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await deliver(client, billing_payment("P1", ("X-1", "100.00")))
        await deliver(client, billing_invoice("X-1", customer="SOMEONE-ELSE"))  # another customer's invoice
        assert (await client.get(f"{V1}/invoices/X-1")).status_code == 200  # the invoice is booked anyway
        [waiting] = await parked(client)
        assert "X-1" in waiting["last_error"]
        k = await keys(client, "collector", "finance")
        assert_problem(await client.post(f"{V1}/parked-payments/P1/release", headers=k["collector"]), 403)
        r = await client.post(f"{V1}/parked-payments/P1/release", headers=k["finance"])
        assert r.status_code == 200, r.text
        assert (r.json()["unapplied_amount"], r.json()["allocations"]) == ("100.00", [])  # on account
        assert await parked(client) == [] and len(await parked(client, "released")) == 1
        assert_problem(await client.post(f"{V1}/parked-payments/P1/release", headers=k["finance"]), 409)
        assert_problem(await client.post(f"{V1}/parked-payments/NOPE/release", headers=k["finance"]), 404)
        await invoice(client, "MINE", amount="30.00")  # the cash on account pays the next invoice
        assert (await client.get(f"{V1}/invoices/MINE")).json()["status"] == "settled"
