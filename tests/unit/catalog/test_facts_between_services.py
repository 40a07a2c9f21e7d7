"""Billing's input reaches the other services only as the ledger booked it: credit sees
exactly the ledger's due dates and amounts whatever the terms, an invoice the ledger
refuses reaches nobody, and an invoice billing sends twice is counted once. (The whole
product in one process, as `make run` hosts it.)"""
from __future__ import annotations

import pytest

from shared.events.ledger import InvoiceIssuedV1
from tests.support.embedded import deliver, embedded_product

BASE = {"customer_id": "C1", "issue_date": "2026-03-14", "amount": "9000.00", "currency": "CNY"}
TERMS = {
    "NET30": {"payment_terms": "NET30"},
    "EOM": {"payment_terms": "EOM"},
    "EOM+15": {"payment_terms": "EOM+15"},
    "SHIP+30": {"payment_terms": "SHIP+30", "shipment_date": "2026-03-20"},
    "NET 30 days": {"payment_terms": "NET 30 days"},
    "instalments": {"instalments": [{"due_date": "2026-04-13", "amount": "4500.00"},
                                    {"due_date": "2026-06-13", "amount": "3000.00"},
                                    {"due_date": "2026-07-13", "amount": "1500.00"}]},
}


async def credit_items(client, customer: str = "C1") -> list[tuple]:
    r = await client.get(f"/credit/v1/customers/{customer}/receivables")
    assert r.status_code == 200, r.text
    return [(i["invoice_number"], i["seq"], i["due_date"], i["open_amount"]) for i in r.json()["items"]]


async def ledger_items(client, number: str) -> list[tuple]:
    inv = (await client.get(f"/ledger/v1/invoices/{number}")).json()
    return [(number, i["seq"], i["due_date"], i["open_amount"]) for i in inv["instalments"]]


async def customer(client, cid: str = "C1") -> None:
    r = await client.put(f"/credit/v1/customers/{cid}", json={"name": f"Customer {cid}", "onboarded_on": "2024-01-10"})
    assert r.status_code in (200, 201), r.text


@pytest.mark.parametrize("kind", sorted(TERMS))
async def test_each_kind_of_terms_reaches_credit_with_the_ledgers_dates_and_amounts(tmp_path, kind):
    async with embedded_product(tmp_path, names=["ledger", "credit", "reporting"]) as client:
        await customer(client)
        await deliver(client, InvoiceIssuedV1(invoice_number=f"INV-{kind}", **BASE, **TERMS[kind]))
        booked = await ledger_items(client, f"INV-{kind}")
        assert booked and await credit_items(client) == booked
        if kind == "instalments":  # on 2026-06-01 only the first instalment is overdue, in both services
            view = (await client.get("/credit/v1/customers/C1")).json()
            [balance] = (await client.get("/ledger/v1/customers/C1/balance")).json()["balances"]
            assert view["overdue"]["amount"] == balance["overdue_amount"] == "4500.00"


async def test_an_invoice_the_ledger_refuses_reaches_nobody(tmp_path):
    async with embedded_product(tmp_path, names=["ledger", "credit", "reporting"]) as client:
        await customer(client)
        for terms in ({"payment_terms": "WHEN SOLD"}, {"payment_terms": "SHIP+30"}):  # unknown; no shipment date
            await deliver(client, InvoiceIssuedV1(invoice_number="BAD", **BASE, **terms))
        assert (await client.get("/ledger/v1/invoices/BAD")).status_code == 404
        assert await credit_items(client) == []
        activity = (await client.get("/reporting/v1/activity?from=2026-03-01&to=2026-03-31")).json()
        assert activity == []


async def test_an_invoice_sent_twice_is_counted_once_everywhere(tmp_path):
    async with embedded_product(tmp_path, names=["ledger", "credit", "reporting"]) as client:
        await customer(client)
        invoice = InvoiceIssuedV1(invoice_number="TWICE", **BASE, payment_terms="NET30")
        await deliver(client, invoice)
        await deliver(client, invoice)  # billing's resend: a new event id, the same invoice
        assert len(await credit_items(client)) == 1
        view = (await client.get("/credit/v1/customers/C1")).json()
        assert view["exposure"]["open_receivables"] == "9000.00"
        [day] = (await client.get("/reporting/v1/activity?from=2026-03-14&to=2026-03-14")).json()
        assert (day["invoices"], day["credit_sales"]) == (1, "9000.00")
