"""GET /credit/v1/customers/{id}/receivables: what credit knows of the customer's open items,
one row per open instalment, paged, for sales to see why a check failed."""
from datetime import date, timedelta

from shared.events.ledger import DisputeOpenedV1, DueDateChange, InvoiceDueDatesChangedV1, OverdueThresholdV1
from tests.support.credit import check, customer, keys, ledger, open_items
from tests.support.embedded import embedded_product
from tests.support.facts import recorded_invoice

SCHEDULE = [(date(2026, 4, 15), "3000.00"), (date(2026, 5, 15), "4500.00"), (date(2026, 7, 15), "1500.00")]


async def test_one_row_per_open_instalment_oldest_due_first_and_why_a_check_is_a_review(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        await ledger(client, recorded_invoice("I-3", "C1", date(2026, 3, 15), None, "9000.00", instalments=SCHEDULE),
                     recorded_invoice("I-1", "C1", date(2026, 5, 1), date(2026, 5, 31), "100.00"))
        page = await open_items(client)
        assert (page["customer_id"], page["as_of"], page["total"], page["limit"], page["offset"]) == (
            "C1", "2026-06-01", 4, 100, 0)
        assert [(i["invoice_number"], i["seq"], i["days_overdue"]) for i in page["items"]] == [
            ("I-3", 1, 47), ("I-3", 2, 17), ("I-1", 1, 1), ("I-3", 3, 0)]
        first = page["items"][0]
        assert first == {"invoice_number": "I-3", "seq": 1, "due_date": "2026-04-15", "extended_days": 0,
                         "amount": "3000.00", "open_amount": "3000.00",
                         "currency": "CNY", "disputed": False, "disputed_amount": "0.00", "days_overdue": 47}
        assert (await check(client, k, "C1", "1", "SO-1")).json()["reasons"][0]["code"] == "prepayment_required"
        second = await open_items(client, limit=2, offset=2)
        assert second["total"] == 4 and [(i["invoice_number"], i["seq"]) for i in second["items"]] == [
            ("I-1", 1), ("I-3", 3)]


async def test_disputes_and_extensions_are_shown_on_the_instalments_of_their_invoice(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        await keys(client)
        await customer(client, "C1")
        await ledger(client, recorded_invoice("I-3", "C1", date(2026, 3, 15), None, "9000.00", instalments=SCHEDULE),
                     DisputeOpenedV1(dispute_id="D-1", invoice_number="I-3", customer_id="C1",
                                     opened_date=date(2026, 5, 20), fact_finding_due=date(2026, 6, 10),
                                     amount="500.00", currency="CNY", category="quality"))
        moves = [DueDateChange(seq=n, due_date=due + timedelta(days=20), previous_due_date=due)
                 for n, (due, _) in enumerate(SCHEDULE, 1)]
        await ledger(client, InvoiceDueDatesChangedV1(  # the ledger applied an approved extension
            invoice_number="I-3", customer_id="C1", reason="term_extension", reference="A-1",
            effective_date=date(2026, 5, 25), due_date=moves[-1].due_date, instalments=moves))
        items = (await open_items(client))["items"]
        assert [i["disputed_amount"] for i in items] == ["500.00", "0.00", "0.00"]  # the oldest due first
        assert [i["disputed"] for i in items] == [True, False, False] and {i["extended_days"] for i in items} == {20}
        assert [(i["due_date"], i["days_overdue"]) for i in items] == [
            ("2026-05-05", 27), ("2026-06-04", 0), ("2026-08-04", 0)]


async def test_paging_bounds_roles_and_unknown_customers(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        await ledger(client, OverdueThresholdV1(invoice_number="I-9", instalment_seq=2, customer_id="C1",
                                                threshold_days=1, as_of=date(2026, 5, 2), due_date=date(2026, 5, 1),
                                                days_overdue=1, open_amount="10.00", currency="CNY"))
        assert (await open_items(client))["total"] == 1
        for params in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"offset": 10_000_001}):
            r = await client.get("/credit/v1/customers/C1/receivables", params=params)
            assert r.status_code == 422, params
        assert (await open_items(client, offset=5))["items"] == []
        assert (await client.get("/credit/v1/customers/NOPE/receivables")).status_code == 404
        for role in ("sales", "auditor", "integration"):
            r = await client.get("/credit/v1/customers/C1/receivables", headers=k[role])
            assert r.status_code == 200, role
        r = await client.get("/credit/v1/customers/C1/receivables", headers={"Authorization": "Bearer nope"})
        assert r.status_code == 401
