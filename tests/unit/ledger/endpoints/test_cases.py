"""Credit notes, disputes and write-offs through the HTTP API."""
from datetime import datetime, timezone

import pytest

from tests.support.ledger import V1, assert_problem, balance, counts, invoice, keys, outbox, pay
from tests.support.embedded import embedded_product


async def test_credit_note_against_an_invoice_and_on_account(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "A", amount="100.00", due_date="2026-05-01")
        await invoice(client, "B", amount="100.00", due_date="2026-05-20")
        r = await client.post(f"{V1}/credit-notes", json={"credit_note_number": "CN1", "customer_id": "C1",
                                                          "invoice_number": "B", "amount": "40.00", "currency": "CNY",
                                                          "reason": "price correction", "issue_date": "2026-05-05"})
        assert r.status_code == 201, r.text
        assert (r.json()["applied_amount"], r.json()["unapplied_amount"]) == ("40.00", "0.00")
        b = (await client.get(f"{V1}/invoices/B")).json()
        assert (b["open_amount"], b["credited_amount"]) == ("60.00", "40.00")
        r = await client.post(f"{V1}/credit-notes", json={"credit_note_number": "CN2", "customer_id": "C1",
                                                          "amount": "180.00", "currency": "CNY", "reason": "goodwill"})
        assert (r.json()["applied_amount"], r.json()["unapplied_amount"]) == ("160.00", "20.00")
        bal = await balance(client)
        assert (bal["balance"], bal["open_amount"], bal["unapplied_cash"]) == ("-20.00", "0.00", "20.00")
        assert [e["credit_note_number"] for e in await outbox(client, "credit-note-issued")] == ["CN1", "CN2"]
        client.clock.set(datetime(2026, 6, 3, 4, 0, tzinfo=timezone.utc))  # retried two days later
        again = await client.post(f"{V1}/credit-notes", json={"credit_note_number": "CN2", "customer_id": "C1",
                                                              "amount": "180.00", "currency": "CNY",
                                                              "reason": "goodwill"})
        assert again.status_code == 200 and again.json()["issue_date"] == "2026-06-01"


@pytest.mark.parametrize("body, field, rule", [
    ({"invoice_number": "A", "amount": "100.01"}, "amount", "credit_note.exceeds_open"),
    ({"invoice_number": "NOPE", "amount": "1.00"}, "invoice_number", "credit_note.unknown_invoice"),
    ({"invoice_number": "A", "amount": "1.00", "currency": "USD"}, "currency", "credit_note.currency"),
    ({"amount": "0"}, "amount", "positive"),
    ({"amount": "1.999"}, "amount", "currency_scale"),
    ({"invoice_number": "A", "amount": "1.00", "issue_date": "2026-01-01"}, "issue_date", "credit_note.date"),
])
async def test_bad_credit_notes_are_422_and_write_nothing(tmp_path, body, field, rule):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "A", amount="100.00")
        before = await counts(client)
        r = await client.post(f"{V1}/credit-notes", json={"credit_note_number": "CN", "customer_id": "C1",
                                                          "currency": "CNY", "reason": "r", **body})
        assert_problem(r, 422, field, rule)
        assert await counts(client) == before


async def test_a_disputed_amount_is_not_collected_until_resolved_invalid(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "A", amount="100.00", due_date="2026-04-20")
        await invoice(client, "B", amount="100.00", due_date="2026-05-20")
        r = await client.post(f"{V1}/invoices/A/disputes", json={"category": "quality", "note": "pump leaks",
                                                                 "amount": "60.00"})
        assert r.status_code == 201, r.text
        dispute = r.json()
        assert (dispute["status"], dispute["fact_finding_due"]) == ("open", "2026-06-23")  # 15 working days; 19 Jun is Dragon Boat Festival
        opened = (await outbox(client, "dispute-opened"))[0]
        assert (opened["amount"], opened["category"]) == ("60.00", "quality")
        assert_problem(await client.post(f"{V1}/invoices/A/disputes", json={"category": "other", "note": "again"}),
                       409, rule="dispute.already_open")
        p = await pay(client, "P", amount="200.00")  # the disputed 60 stays unpaid, on account
        assert [(a["invoice_number"], a["amount"]) for a in p["allocations"]] == [("A", "40.00"), ("B", "100.00")]
        assert p["unapplied_amount"] == "60.00"
        bal = await balance(client)
        assert (bal["open_amount"], bal["disputed_amount"], bal["unapplied_cash"]) == ("60.00", "60.00", "60.00")
        r = await client.post(f"{V1}/disputes/{dispute['dispute_id']}/resolution", json={"outcome": "invalid"})
        assert r.status_code == 200, r.text
        assert (r.json()["status"], r.json()["released_amount"]) == ("resolved_invalid", "60.00")
        a = (await client.get(f"{V1}/invoices/A")).json()
        assert (a["status"], a["open_amount"], a["disputed_amount"]) == ("settled", "0.00", "0.00")
        resolved = (await outbox(client, "dispute-resolved"))[0]
        assert (resolved["outcome"], resolved["adjusted_amount"]) == ("invalid", "0.00")
        journal = [e["kind"] for e in (await client.get(f"{V1}/journal?customer_id=C1")).json()]
        assert {"dispute_opened", "dispute_investigation", "dispute_resolved", "cash_application"} <= set(journal)


@pytest.mark.parametrize("settlement, extra, credit, open_after", [
    ("credit_note", {}, "50.00", "50.00"),
    ("discount", {"amount": "20.00"}, "20.00", "80.00"),
    ("return_offset", {"amount": "30.00"}, "30.00", "70.00"),
])
async def test_a_valid_dispute_books_a_credit_note(tmp_path, settlement, extra, credit, open_after):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "A", amount="100.00")
        d = (await client.post(f"{V1}/invoices/A/disputes", json={"category": "pricing", "note": "n",
                                                                  "amount": "50.00"})).json()
        r = await client.post(f"{V1}/disputes/{d['dispute_id']}/resolution",
                              json={"outcome": "valid", "settlement": settlement, "our_fault": True, **extra})
        assert r.status_code == 200, r.text
        assert (r.json()["credit_amount"], r.json()["status"]) == (credit, "resolved_valid")
        a = (await client.get(f"{V1}/invoices/A")).json()
        assert (a["open_amount"], a["credited_amount"], a["disputed_amount"]) == (open_after, credit, "0.00")
        note = (await outbox(client, "credit-note-issued"))[0]
        assert (note["credit_note_number"], note["amount"]) == (f"CN-{d['dispute_id']}", credit)
        resolved = (await outbox(client, "dispute-resolved"))[0]
        assert (resolved["settlement"], resolved["our_fault"], resolved["adjusted_amount"]) == (settlement, True,
                                                                                                credit)


async def test_a_valid_dispute_can_reschedule_into_instalments(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "A", amount="100.00", due_date="2026-04-15")
        d = (await client.post(f"{V1}/invoices/A/disputes", json={"category": "delivery", "note": "late"})).json()
        assert d["amount"] == "100.00"
        r = await client.post(f"{V1}/disputes/{d['dispute_id']}/resolution", json={
            "outcome": "valid", "settlement": "instalments",
            "instalments": [{"due_date": "2026-07-01", "amount": "60.00"}, {"due_date": "2026-08-01", "amount": "40.00"}]})
        assert r.status_code == 200, r.text
        a = (await client.get(f"{V1}/invoices/A")).json()
        assert a["open_amount"] == "100.00"
        assert [(i["seq"], i["due_date"], i["open_amount"]) for i in a["instalments"]] == [
            (1, "2026-04-15", "0.00"), (2, "2026-07-01", "60.00"), (3, "2026-08-01", "40.00")]
        assert (await balance(client, as_of="2026-05-01"))["overdue_amount"] == "100.00"  # before the resolution
        assert (await balance(client))["overdue_amount"] == "0.00"
        bad = await client.post(f"{V1}/invoices/A/disputes", json={"category": "other", "note": "n"})
        d2 = bad.json()
        r = await client.post(f"{V1}/disputes/{d2['dispute_id']}/resolution", json={
            "outcome": "valid", "settlement": "instalments", "instalments": [{"due_date": "2026-07-01", "amount": "5"}]})
        assert_problem(r, 422, "schedule", "instalments.sum")


async def test_dispute_rules(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "A", amount="100.00")
        k = await keys(client, "sales", "auditor")
        before = await counts(client)
        for body, field in [({"category": "weather", "note": "n"}, "category"),
                            ({"category": "other", "note": "n", "amount": "100.01"}, "amount"),
                            ({"category": "other", "note": " "}, "note"),
                            ({"category": "other", "note": "n", "instalment_seq": 2}, "instalment_seq")]:
            assert_problem(await client.post(f"{V1}/invoices/A/disputes", json=body), 422, field)
        assert await counts(client) == before
        assert_problem(await client.post(f"{V1}/invoices/A/disputes", json={"category": "other", "note": "n"},
                                         headers=k["auditor"]), 403)
        d = (await client.post(f"{V1}/invoices/A/disputes", json={"category": "other", "note": "n"},
                               headers=k["sales"])).json()
        url = f"{V1}/disputes/{d['dispute_id']}"
        assert_problem(await client.post(f"{url}/resolution", json={"outcome": "valid"}), 422, "settlement")
        r = await client.post(f"{url}/resolution", json={"outcome": "withdrawn"})
        assert r.json()["status"] == "withdrawn"
        assert_problem(await client.post(f"{url}/resolution", json={"outcome": "invalid"}), 409)
        assert (await client.get(url)).json()["outcome"] == "withdrawn"
        assert_problem(await client.get(f"{V1}/disputes/NOPE"), 404)


async def test_write_off_needs_a_second_person_and_recovery_continues(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        k = await keys(client, "finance", "finance2", "general_manager", "sales")
        await invoice(client, "A", amount="100.00", due_date="2026-01-31", issue_date="2026-01-01")
        await pay(client, "P", amount="30.00", received="2026-02-10")
        assert_problem(await client.post(f"{V1}/invoices/A/write-offs", json={"amount": "70.00", "reason": "x"},
                                         headers=k["sales"]), 403)
        assert_problem(await client.post(f"{V1}/invoices/A/write-offs", json={"amount": "70.01", "reason": "gone"},
                                         headers=k["finance"]), 422, "amount", "write_off.exceeds_open")
        grounds = {"cause": "bankruptcy", "cause_reference": "(2026)沪0115破123号"}
        r = await client.post(f"{V1}/invoices/A/write-offs", json={"amount": "70.00", "reason": "bankrupt",
                                                                   **grounds}, headers=k["finance"])
        assert r.status_code == 201, r.text
        assert (r.json()["cause"], r.json()["cause_reference"]) == ("bankruptcy", "(2026)沪0115破123号")
        wo = r.json()
        assert wo["status"] == "requested"
        url = f"{V1}/write-offs/{wo['write_off_id']}/approval"
        assert_problem(await client.post(url, json={}, headers=k["finance"]), 403, rule="write_off.same_person")
        assert_problem(await client.post(url, json={}, headers=k["sales"]), 403)
        r = await client.post(url, json={"note": "confirmed by legal"}, headers=k["general_manager"])
        assert r.status_code == 200 and r.json()["status"] == "approved", r.text
        a = (await client.get(f"{V1}/invoices/A")).json()
        assert (a["status"], a["open_amount"], a["written_off_amount"], a["receivable_class"]) == (
            "written_off", "0.00", "70.00", "dead")
        event = (await outbox(client, "invoice-written-off"))[0]
        assert (event["amount"], event["reason"]) == ("70.00", "bankrupt")
        assert event["requested_by"] != event["approved_by"]
        assert (await balance(client))["balance"] == "0.00"
        assert_problem(await client.post(url, json={}, headers=k["finance2"]), 409)
        # recovery: cash against the written-off amount; the balance does not move
        rec = await pay(client, "REC", amount="25.00", received="2026-06-01", allocations=[("A", "25.00")])
        assert (rec["recovered_amount"], rec["unapplied_amount"]) == ("25.00", "0.00")
        assert (await client.get(f"{V1}/write-offs/{wo['write_off_id']}")).json()["recovered_amount"] == "25.00"
        assert (await outbox(client, "write-off-recovered"))[0]["amount"] == "25.00"
        assert (await balance(client))["balance"] == "0.00"
        before = await counts(client)
        over = await client.post(f"{V1}/payments", json={"payment_reference": "REC2", "customer_id": "C1",
                                                         "received_date": "2026-06-01", "amount": "45.01",
                                                         "currency": "CNY",
                                                         "allocations": [{"invoice_number": "A", "amount": "45.01"}]})
        assert_problem(over, 422, "allocations[0].amount", "allocation.exceeds_open")
        assert await counts(client) == before
        # a bounced recovery takes the recovery back
        await client.post(f"{V1}/payments/REC/reversal", json={"reason": "bounced"})
        assert (await client.get(f"{V1}/write-offs/{wo['write_off_id']}")).json()["recovered_amount"] == "0.00"
        assert (await balance(client))["balance"] == "0.00"


async def test_a_rejected_write_off_changes_nothing(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        k = await keys(client, "finance", "finance2")
        await invoice(client, "A", amount="100.00")
        wo = (await client.post(f"{V1}/invoices/A/write-offs", json={"amount": "100.00", "reason": "r",
                                                                          "cause": "agreement",
                                                                          "cause_reference": "SA-7"},
                                headers=k["finance"])).json()
        r = await client.post(f"{V1}/write-offs/{wo['write_off_id']}/approval",
                              json={"decision": "reject", "note": "keep collecting"}, headers=k["finance2"])
        assert r.json()["status"] == "rejected"
        assert (await client.get(f"{V1}/invoices/A")).json()["status"] == "open"
        assert await outbox(client, "invoice-written-off") == []


async def test_a_write_off_needs_an_old_debt_or_a_documented_cause_and_a_business_approver(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:  # today: 2026-06-01
        k = await keys(client, "finance", "finance2")
        await invoice(client, "NEW", amount="100.00", issue_date="2026-05-01", due_date="2026-06-30")
        await invoice(client, "OLD", amount="100.00", issue_date="2025-10-01", due_date="2025-11-01")
        before = await counts(client)
        r = await client.post(f"{V1}/invoices/NEW/write-offs", json={"amount": "100.00", "reason": "gone"},
                              headers=k["finance"])
        assert_problem(r, 422, "cause", "write_off.grounds")  # not even due
        r = await client.post(f"{V1}/invoices/NEW/write-offs", json={"amount": "100.00", "reason": "gone",
                                                                     "cause": "court_ruling"}, headers=k["finance"])
        assert_problem(r, 422, "cause_reference", "write_off.cause_reference")
        assert_problem(await client.post(f"{V1}/invoices/NEW/write-offs", json={
            "amount": "100.00", "reason": "gone", "cause": "lost_interest", "cause_reference": "x"},
            headers=k["finance"]), 422, "cause")
        assert await counts(client) == before
        old = await client.post(f"{V1}/invoices/OLD/write-offs", json={"amount": "100.00", "reason": "212 days"},
                                headers=k["finance"])
        assert old.status_code == 201, old.text  # overdue beyond 180 days: no cause needed
        url = f"{V1}/write-offs/{old.json()['write_off_id']}/approval"
        # the admin key manages keys: it is not a business approval
        assert_problem(await client.post(url, json={}), 403, rule="write_off.approver_role")
        r = await client.post(url, json={}, headers=k["finance2"])
        assert r.status_code == 200 and r.json()["status"] == "approved", r.text
