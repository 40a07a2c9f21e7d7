"""The invoice contract: POST /invoices (201 / 200 again / 409), terms, instalments,
GET one and the filtered list, and every bad input answered 422 with nothing written."""
from decimal import Decimal

import pytest

from tests.support.ledger import V1, assert_problem, counts, dead_letters, deliver, invoice, keys, outbox
from services.ledger.bootstrap import dependencies
from services.ledger.config import load_config
from shared.events.ledger import InvoiceIssuedV1
from tests.support.embedded import embedded_product

BASE = {"invoice_number": "INV-1", "customer_id": "C1", "issue_date": "2026-04-01", "payment_terms": "NET30",
        "amount": "1200.00", "currency": "CNY", "region": "East", "product_line": "pumps",
        "customer_type": "distributor", "salesperson": "li", "contract_ref": "K-9"}


async def test_an_invoice_is_recorded_once_and_a_different_body_is_a_conflict(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        r = await client.post(f"{V1}/invoices", json=BASE)
        assert r.status_code == 201, r.text
        body = r.json()
        assert (body["due_date"], body["open_amount"], body["status"]) == ("2026-05-01", "1200.00", "open")
        assert body["instalments"][0]["receivable_class"] == "in_collection"  # 31 days overdue on 2026-06-01
        assert (body["region"], body["contract_ref"], body["source"]) == ("East", "K-9", "rest")
        again = await client.post(f"{V1}/invoices", json=BASE)
        assert again.status_code == 200 and again.json() == body
        before = await counts(client)
        other = await client.post(f"{V1}/invoices", json={**BASE, "amount": "1200.01"})
        assert_problem(other, 409, "invoice_number", "invoice.same_number_other_content")
        assert await counts(client) == before
        assert (await client.get(f"{V1}/invoices/INV-1")).json() == body
        assert [e["invoice_number"] for e in await outbox(client, "invoice-recorded")] == ["INV-1"]
        assert await outbox(client, "invoice-issued") == []  # billing's topic: the ledger never writes it
        await client.host.settle()
        assert await counts(client) == before and not await dead_letters(client)


@pytest.mark.parametrize("terms, extra, due, code", [
    ("NET30", {}, "2026-05-01", "NET30"), ("EOM+15", {}, "2026-05-15", "EOM+15"), ("eom", {}, "2026-04-30", "EOM+0"),
    ("NET 30 days", {}, "2026-05-01", "NET30"), ("SHIP+30", {"shipment_date": "2026-03-25"}, "2026-04-24", "SHIP+30")])
async def test_payment_terms_give_the_due_date(tmp_path, terms, extra, due, code):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        r = await client.post(f"{V1}/invoices", json={**BASE, "payment_terms": terms, **extra})
        assert r.status_code == 201, r.text
        assert r.json()["due_date"] == due
        published = (await outbox(client, "invoice-recorded"))[0]
        assert published["due_date"] == due  # the other services get the computed date
        assert published["instalments"] == [{"seq": 1, "due_date": due, "amount": "1200.00"}]
        assert published["payment_terms"] == code


async def test_each_instalment_has_its_own_due_date_and_ages_on_its_own(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        body = {**BASE, "payment_terms": None, "amount": "1000.00", "instalments": [
            {"due_date": "2026-08-01", "amount": "700.00"}, {"due_date": "2026-04-15", "amount": "300.00"}]}
        r = await client.post(f"{V1}/invoices", json=body)
        assert r.status_code == 201, r.text
        inv = r.json()
        assert inv["due_date"] == "2026-08-01"
        lines = [(i["seq"], i["due_date"], i["amount"], i["aging_bucket"], i["receivable_class"])
                 for i in inv["instalments"]]
        assert lines == [(1, "2026-04-15", "300.00", "31-60", "in_collection"),
                         (2, "2026-08-01", "700.00", "not_due", "not_yet_due")]
        overdue = (await client.get(f"{V1}/invoices?overdue_on=2026-06-01")).json()
        assert [i["invoice_number"] for i in overdue["items"]] == ["INV-1"]


@pytest.mark.parametrize("change, field, rule", [
    ({"amount": "0"}, "amount", "positive"),
    ({"amount": "-5.00"}, "amount", "positive"),
    ({"amount": "10.001"}, "amount", "currency_scale"),
    ({"amount": "10.5", "currency": "JPY"}, "amount", "currency_scale"),
    ({"amount": 10.5}, "amount", None),  # a float on the wire
    ({"currency": "XXX"}, "currency", None),
    ({"payment_terms": None, "due_date": "2026-03-01"}, "due_date", "terms.due_before_issue"),
    ({"payment_terms": None}, "due_date", "required"),
    ({"payment_terms": "SOON"}, "payment_terms", "terms.format"),
    ({"payment_terms": "SHIP+30"}, "shipment_date", "terms.shipment_date_required"),
    ({"payment_terms": "SHIP+10", "shipment_date": "2026-01-02"}, "due_date", "terms.due_before_issue"),
    ({"instalments": [{"due_date": "2026-05-01", "amount": "1000.00"}]}, "instalments", "instalments.sum"),
    ({"instalments": [{"due_date": "2026-03-01", "amount": "1200.00"}]}, "instalments[0].due_date",
     "instalments.due_before_issue"),
    ({"instalments": [{"due_date": "2026-05-01", "amount": "1200.005"}]}, "instalments[0].amount",
     "instalments.scale"),
    ({"instalments": [{"due_date": "2026-05-01", "amount": "0"}, {"due_date": "2026-06-01", "amount": "1200"}]},
     "instalments[0].amount", "instalments.positive"),
    ({"invoice_number": ""}, "invoice_number", None),
    ({"surprise": 1}, "surprise", None),
    # what a client sends is bounded and in the form the schema states
    ({"amount": "1000000000000.00"}, "amount", None),  # beyond 999,999,999,999.999: would break sums
    ({"amount": "1E+3"}, "amount", None),
    ({"amount": 1200}, "amount", None),  # a JSON number, not a decimal string
    ({"amount": " 1200.00"}, "amount", None),
    ({"currency": "cny"}, "currency", None),
    ({"issue_date": 0}, "issue_date", None),  # not the epoch
    ({"issue_date": "2026-03-14T00:00:00"}, "issue_date", None),
    ({"issue_date": "1999-12-31"}, "issue_date", None),
    ({"issue_date": "2026-02-30"}, "issue_date", None),
    ({"issue_date": "2026-08-01", "due_date": "2026-09-01"}, "issue_date", "date.in_the_future"),
    ({"payment_terms": None, "instalments": [{"due_date": "2026-05-01", "amount": "10.00"}] * 121},
     "instalments", None),
    ({"region": "x" * 101}, "region", None),
])
async def test_bad_invoices_are_422_naming_the_field_and_nothing_is_written(tmp_path, change, field, rule):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        before = await counts(client)
        r = await client.post(f"{V1}/invoices", json={**BASE, **change})
        assert_problem(r, 422, field, rule)
        assert await counts(client) == before


async def test_a_defective_invoice_event_is_dead_lettered_and_the_good_ones_applied(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        good = InvoiceIssuedV1(invoice_number="EV-1", customer_id="C7", issue_date="2026-04-01",
                               due_date="2026-05-01", amount="10.00", currency="CNY")
        bad = good.model_copy(update={"invoice_number": "EV-2", "due_date": good.issue_date.replace(day=1, month=3)})
        scale = good.model_copy(update={"invoice_number": "EV-3", "amount": Decimal("10.005")})
        also_good = good.model_copy(update={"invoice_number": "EV-4"})
        await deliver(client, good, bad, scale, also_good)
        letters = await dead_letters(client)
        assert len(letters) == 2 and all(topic == "invoice-issued" for topic, _, _ in letters)
        assert "due_date" in letters[0][2] or "due_date" in letters[1][2]
        found = {n: (await client.get(f"{V1}/invoices/{n}")).status_code for n in ("EV-1", "EV-2", "EV-3", "EV-4")}
        assert found == {"EV-1": 200, "EV-2": 404, "EV-3": 404, "EV-4": 200}
        assert await outbox(client, "invoice-issued") == []  # billing's events are not re-published
        recorded = await outbox(client, "invoice-recorded")  # what was booked, once each
        assert [(e["invoice_number"], e["recorded_via"]) for e in recorded] == [("EV-1", "billing"), ("EV-4", "billing")]
        # the same invoice from billing again is harmless; other content is dead-lettered
        await deliver(client, good, good.model_copy(update={"amount": good.amount * 2}))
        assert len(await dead_letters(client)) == 3


async def test_list_is_filtered_and_paginated(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        for n in range(5):
            await invoice(client, f"L-{n}", customer="C1" if n < 4 else "C2", due_date=f"2026-0{n + 5}-01")
        page = (await client.get(f"{V1}/invoices?customer_id=C1&limit=2&offset=1")).json()
        assert (page["total"], page["limit"], page["offset"]) == (4, 2, 1)
        assert [i["invoice_number"] for i in page["items"]] == ["L-1", "L-2"]
        assert (await client.get(f"{V1}/invoices?status=settled")).json()["total"] == 0
        assert (await client.get(f"{V1}/invoices?overdue_on=2026-06-02")).json()["total"] == 2
        assert_problem(await client.get(f"{V1}/invoices?status=nope"), 422, "status")
        assert_problem(await client.get(f"{V1}/invoices/NOPE"), 404)


async def test_roles_writes_need_finance_or_integration(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        k = await keys(client, "sales", "integration", "auditor")
        assert_problem(await client.post(f"{V1}/invoices", json=BASE, headers=k["sales"]), 403)
        assert (await client.post(f"{V1}/invoices", json=BASE, headers=k["integration"])).status_code == 201
        assert (await client.get(f"{V1}/invoices/INV-1", headers=k["auditor"])).status_code == 200
        assert (await client.get(f"{V1}/invoices/INV-1", headers={"Authorization": ""})).status_code == 401


async def test_a_large_order_without_its_down_payment_is_flagged_or_refused(tmp_path):
    big = {**BASE, "payment_terms": None, "amount": "1500000.00", "instalments": [
        {"due_date": "2026-04-01", "amount": "150000.00"}, {"due_date": "2026-06-01", "amount": "1350000.00"}]}
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        r = await client.post(f"{V1}/invoices", json=big)
        assert r.status_code == 201 and r.json()["flags"] == ["large_order.down_payment"], r.text
        assert (await outbox(client, "invoice-recorded"))[0]["flags"] == ["large_order.down_payment"]
        runtime = client.host.runtime("ledger")
        runtime.deps = dependencies(runtime, load_config(large_order_action="refuse"))
        before = await counts(client)
        assert_problem(await client.post(f"{V1}/invoices", json={**big, "invoice_number": "INV-2"}), 422,
                       "instalments", "large_order.down_payment")
        assert await counts(client) == before


@pytest.mark.parametrize("number", ["INV/2026/001", "A?B", "A#1", " A", "A\tB", "x" * 101])
async def test_a_number_that_cannot_be_a_url_path_segment_is_refused_when_created(tmp_path, number):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        assert_problem(await client.post(f"{V1}/invoices", json={**BASE, "invoice_number": number}), 422,
                       "invoice_number")
        bad = InvoiceIssuedV1.model_construct(**{**InvoiceIssuedV1(**{**BASE, "invoice_number": "OK"}).__dict__,
                                                 "invoice_number": number})
        await deliver(client, bad)  # billing's event with such a number: a dead letter, not a stranded invoice
        assert [topic for topic, _, _ in await dead_letters(client)] == ["invoice-issued"]
        assert (await client.get(f"{V1}/invoices?limit=1")).json()["total"] == 0
