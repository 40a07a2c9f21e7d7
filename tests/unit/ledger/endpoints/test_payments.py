"""The payment contract: allocation (explicit, oldest due first, partial, unapplied cash
applied to the next invoice), idempotency, reversal, refunds and every bad input."""
import pytest

from tests.support.ledger import V1, assert_problem, balance, counts, dead_letters, deliver, invoice, outbox, pay
from shared.events.ledger import PaymentReceivedV1
from tests.support.embedded import embedded_product


async def three_invoices(client, customer="C1"):
    await invoice(client, "A", customer, "100.00", due_date="2026-05-01")
    await invoice(client, "B", customer, "200.00", due_date="2026-04-15")
    await invoice(client, "C", customer, "300.00", due_date="2026-06-30")


def lines(payment):
    return [(a["invoice_number"], a["amount"]) for a in payment["allocations"]]


async def test_oldest_due_first_partial_and_overpayment_on_account(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await three_invoices(client)
        p = await pay(client, "P1", amount="250.00")
        assert lines(p) == [("B", "200.00"), ("A", "50.00")]
        assert (p["applied_amount"], p["unapplied_amount"]) == ("250.00", "0.00")
        a = (await client.get(f"{V1}/invoices/A")).json()
        assert (a["status"], a["open_amount"]) == ("partially_paid", "50.00")
        assert (await client.get(f"{V1}/invoices/B")).json()["status"] == "settled"
        p2 = await pay(client, "P2", amount="400.00", received="2026-05-20")
        assert lines(p2) == [("A", "50.00"), ("C", "300.00")] and p2["unapplied_amount"] == "50.00"
        assert (await balance(client))["unapplied_cash"] == "50.00"
        settled = await outbox(client, "invoice-settled")
        assert [(e["invoice_number"], e["settled_date"], e["days_late"]) for e in settled] == [
            ("B", "2026-05-10", 25), ("A", "2026-05-20", 19), ("C", "2026-05-20", 0)]
        allocated = await outbox(client, "payment-allocated")
        assert allocated[0]["lines"][0] == {"invoice_number": "B", "instalment_seq": 1, "amount": "200.00",
                                            "due_date": "2026-04-15"}
        assert allocated[1]["unapplied_amount"] == "50.00"
        # the next invoice takes the cash on account
        d = await invoice(client, "D", amount="80.00", issue_date="2026-05-25", due_date="2026-06-25")
        assert (d["open_amount"], d["status"]) == ("30.00", "partially_paid")
        assert (await outbox(client, "payment-allocated"))[-1]["lines"] == [
            {"invoice_number": "D", "instalment_seq": 1, "amount": "50.00", "due_date": "2026-06-25"}]
        b = await balance(client)
        assert (b["balance"], b["open_amount"], b["unapplied_cash"]) == ("30.00", "30.00", "0.00")


async def test_explicit_allocations_first_then_oldest_due(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await three_invoices(client)
        p = await pay(client, "P1", amount="350.00", allocations=[("C", "300.00")])
        assert lines(p) == [("C", "300.00"), ("B", "50.00")]
        assert await outbox(client, "payment-received") == []  # billing's topic: the ledger never writes it
        [recorded] = await outbox(client, "payment-recorded")
        assert (recorded["payment_reference"], recorded["applied_amount"], recorded["unapplied_amount"],
                recorded["recorded_via"]) == ("P1", "350.00", "0.00", "api")


async def test_the_same_payment_again_is_harmless_and_other_content_a_conflict(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await three_invoices(client)
        first = await pay(client, "P1", amount="100.00")
        again = await pay(client, "P1", amount="100.00", expect=200)
        assert again == first
        before = await counts(client)
        r = await client.post(f"{V1}/payments", json={"payment_reference": "P1", "customer_id": "C1",
                                                      "received_date": "2026-05-10", "amount": "90.00",
                                                      "currency": "CNY"})
        assert_problem(r, 409, "payment_reference")
        assert await counts(client) == before
        await client.host.settle()
        assert await counts(client) == before and not await dead_letters(client)


@pytest.mark.parametrize("body, field, rule", [
    ({"allocations": [{"invoice_number": "NOPE", "amount": "10.00"}]}, "allocations[0].invoice_number",
     "allocation.unknown_invoice"),
    ({"allocations": [{"invoice_number": "A", "amount": "10.00"}, {"invoice_number": "OTHER", "amount": "1"}]},
     "allocations[1].invoice_number", "allocation.unknown_invoice"),
    ({"allocations": [{"invoice_number": "A", "amount": "100.01"}]}, "allocations[0].amount",
     "allocation.exceeds_open"),
    ({"allocations": [{"invoice_number": "B", "amount": "150"}, {"invoice_number": "B", "amount": "60"}]},
     "allocations[1].amount", "allocation.exceeds_open"),
    ({"allocations": [{"invoice_number": "A", "amount": "0"}]}, "allocations[0].amount", "positive"),
    ({"allocations": [{"invoice_number": "A", "amount": "1.001"}]}, "allocations[0].amount", "currency_scale"),
    ({"amount": "50.00", "allocations": [{"invoice_number": "B", "amount": "60.00"}]}, "allocations",
     "allocation.exceeds_payment"),
    ({"currency": "USD", "allocations": [{"invoice_number": "A", "amount": "10.00"}]}, "allocations[0].amount",
     "allocation.currency"),
    ({"amount": "0.00"}, "amount", "positive"),
    ({"amount": "-1.00"}, "amount", "positive"),
    ({"amount": "1.234"}, "amount", "currency_scale"),
    ({"amount": 12.5}, "amount", None),
    ({"received_date": "2026-13-01"}, "received_date", None),
    ({"received_date": "2026-07-01"}, "received_date", "date.in_the_future"),  # next month: a typing error
    ({"received_date": 20260510}, "received_date", None),
    ({"amount": "99999999999999999999"}, "amount", None),
    ({"method": "barter"}, "method", None),
    ({"allocations": [{"invoice_number": "A", "amount": "1.00"}] * 1001}, "allocations", None),
])
async def test_bad_payments_are_422_naming_the_field_and_nothing_is_written(tmp_path, body, field, rule):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await three_invoices(client)
        await invoice(client, "OTHER", customer="C2")
        before = await counts(client)
        r = await client.post(f"{V1}/payments", json={"payment_reference": "BAD", "customer_id": "C1",
                                                      "received_date": "2026-05-10", "amount": "100.00",
                                                      "currency": "CNY", **body})
        assert_problem(r, 422, field, rule)
        assert await counts(client) == before


async def test_a_defective_payment_event_is_dead_lettered_with_nothing_half_applied(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await three_invoices(client)
        before = await counts(client)
        bad = PaymentReceivedV1(payment_reference="EVP", customer_id="C1", received_date="2026-05-10",
                                amount="300.00", currency="CNY",
                                allocations=[{"invoice_number": "A", "amount": "50.00"},
                                             {"invoice_number": "A", "amount": "60.00"}])
        await deliver(client, bad)
        assert len(await dead_letters(client)) == 1
        after = await counts(client)
        assert {k: v for k, v in after.items() if k != "outbox"} == {k: v for k, v in before.items() if k != "outbox"}
        good = PaymentReceivedV1(payment_reference="EVQ", customer_id="C1", received_date="2026-05-10",
                                 amount="100.00", currency="CNY")
        await deliver(client, good)
        assert (await client.get(f"{V1}/payments/EVQ")).json()["allocations"][0]["invoice_number"] == "B"
        assert await outbox(client, "payment-received") == []  # not re-published


async def test_reversal_reopens_what_the_payment_paid_and_flags_the_bounce(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await three_invoices(client)
        await pay(client, "CHQ", amount="350.00", received="2026-05-10", method="cheque")
        await invoice(client, "D", amount="100.00", issue_date="2026-05-12", due_date="2026-06-12")
        before = await balance(client)
        r = await client.post(f"{V1}/payments/CHQ/reversal", json={"reason": "cheque returned unpaid",
                                                                  "reversed_date": "2026-05-15"})
        assert r.status_code == 200, r.text
        out = r.json()
        assert [(x["invoice_number"], x["amount"]) for x in out["reopened"]] == [
            ("A", "100.00"), ("B", "200.00"), ("C", "50.00")]
        assert out["payment"]["status"] == "reversed"
        event = (await outbox(client, "payment-reversed"))[0]
        assert (event["bounced"], event["amount"], event["reversed_date"]) == (True, "350.00", "2026-05-15")
        assert (await client.get(f"{V1}/invoices/B")).json()["status"] == "open"
        after = await balance(client)
        assert after["balance"] == "700.00" and before["balance"] == "350.00"
        assert (await balance(client, as_of="2026-05-14"))["balance"] == "350.00"  # before the reversal
        assert_problem(await client.post(f"{V1}/payments/CHQ/reversal", json={"reason": "again"}), 409)
        assert_problem(await client.post(f"{V1}/payments/NOPE/reversal", json={"reason": "x"}), 404)
        assert_problem(await client.post(f"{V1}/payments/CHQ/reversal", json={}), 422, "reason")


async def test_reversal_also_reopens_what_its_cash_on_account_paid_later(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "A", amount="100.00")
        await pay(client, "P", amount="150.00")  # 50 on account
        await invoice(client, "B", amount="80.00", issue_date="2026-05-20", due_date="2026-06-20")
        r = await client.post(f"{V1}/payments/P/reversal", json={"reason": "bounced", "reversed_date": "2026-05-25"})
        assert [(x["invoice_number"], x["amount"]) for x in r.json()["reopened"]] == [("A", "100.00"),
                                                                                   ("B", "50.00")]
        b = await balance(client)
        assert (b["balance"], b["open_amount"], b["unapplied_cash"]) == ("180.00", "180.00", "0.00")


async def test_refund_of_cash_on_account(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "A", amount="100.00")
        await pay(client, "P", amount="130.00")
        before = await counts(client)
        r = await client.post(f"{V1}/refunds", json={"refund_reference": "RF", "customer_id": "C1",
                                                     "amount": "30.01", "currency": "CNY"})
        assert_problem(r, 422, "amount", "refund.exceeds_unapplied")
        assert await counts(client) == before
        r = await client.post(f"{V1}/refunds", json={"refund_reference": "RF", "customer_id": "C1",
                                                     "amount": "30.00", "currency": "CNY"})
        assert r.status_code == 201, r.text
        assert r.json()["sources"] == [{"type": "payment", "reference": "P", "amount": "30.00"}]
        b = await balance(client)
        assert (b["balance"], b["unapplied_cash"]) == ("0.00", "0.00")
        assert (await outbox(client, "refund-issued"))[0]["amount"] == "30.00"
        assert_problem(await client.post(f"{V1}/payments/P/reversal", json={"reason": "x"}), 409,
                       rule="payment.refunded")


async def test_balance_as_of_excludes_later_movements(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "A", amount="100.00", issue_date="2026-03-01", due_date="2026-03-31")
        await invoice(client, "B", amount="50.00", issue_date="2026-04-10", due_date="2026-05-10")
        await pay(client, "P", amount="120.00", received="2026-04-20")
        assert (await balance(client, as_of="2026-03-15")) | {"aging": None} == {
            "customer_id": "C1", "as_of": "2026-03-15", "currency": "CNY", "balance": "100.00",
            "open_amount": "100.00", "overdue_amount": "0.00", "unapplied_cash": "0.00", "disputed_amount": "0.00",
            "aging": None}
        b = await balance(client, as_of="2026-04-15")
        assert (b["balance"], b["overdue_amount"]) == ("150.00", "100.00")
        b = await balance(client, as_of="2026-05-11")
        assert (b["balance"], b["open_amount"], b["overdue_amount"]) == ("30.00", "30.00", "30.00")
        assert_problem(await client.get(f"{V1}/customers/NOBODY/balance"), 404)
        assert_problem(await client.get(f"{V1}/customers/C1/balance?as_of=yesterday"), 422, "as_of")
