"""Due dates that move after booking: an invoice on RECEIPT+N terms (票到后N天) has none
until its receipt is recorded; a term extension approved in credit moves the named
invoices' open instalments. Each move is kept, published once, and the aging clock runs
from the new date."""
from datetime import datetime, timezone

from shared.events.credit import TermExtensionApprovedV1
from tests.support.embedded import embedded_product
from tests.support.ledger import V1, assert_problem, balance, counts, deliver, invoice, outbox, pay


async def sweep(client, as_of: str) -> list[dict]:
    r = await client.post(f"{V1}/aging-sweeps", json={"as_of": as_of})
    assert r.status_code == 200, r.text
    return [e for e in await outbox(client, "overdue-threshold")]


def extension(application: str = "APP-1", numbers=("A",), days: int = 30, customer: str = "C1",
              effective: str = "2026-06-01") -> TermExtensionApprovedV1:
    return TermExtensionApprovedV1(customer_id=customer, application_id=application, invoice_numbers=list(numbers),
                                   extra_days=days, approved_by="gm", effective_date=effective)


async def test_an_invoice_on_receipt_terms_is_not_due_until_it_is_received(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        body = await invoice(client, "R1", issue_date="2026-04-01", due_date=None, payment_terms="RECEIPT+30")
        assert (body["due_date"], body["payment_terms"], body["days_overdue"]) == (None, "RECEIPT+30", None)
        line = body["instalments"][0]
        assert (line["due_date"], line["days_overdue"], line["receivable_class"]) == (None, None, "not_yet_due")
        [recorded] = await outbox(client, "invoice-recorded")
        assert recorded["due_date"] is None and recorded["instalments"][0]["due_date"] is None
        assert await sweep(client, "2026-06-01") == []  # no clock to run
        assert (await balance(client))["overdue_amount"] == "0.00"

        r = await client.post(f"{V1}/invoices/R1/receipt", json={"received_date": "2026-04-10", "proof": "SF-1"})
        assert r.status_code == 200, r.text
        got = r.json()
        assert (got["due_date"], got["receipt_date"], got["receipt_proof"]) == ("2026-05-10", "2026-04-10", "SF-1")
        assert got["days_overdue"] == 22
        assert got["due_date_changes"] == [{"instalment_seq": 1, "previous_due_date": None, "due_date": "2026-05-10",
                                            "reason": "receipt", "reference": "SF-1", "effective_date": "2026-04-10"}]
        [moved] = await outbox(client, "invoice-due-dates-changed")
        assert (moved["reason"], moved["due_date"], moved["instalments"]) == (
            "receipt", "2026-05-10", [{"seq": 1, "due_date": "2026-05-10", "previous_due_date": None}])
        # received long ago: every step the new date has reached goes out at the next sweep
        assert [e["threshold_days"] for e in await sweep(client, "2026-06-01")] == [-7, -3, 1, 7, 15]
        # as of a day before the receipt, it was not due
        assert (await balance(client, as_of="2026-04-09"))["overdue_amount"] == "0.00"
        assert (await balance(client, as_of="2026-05-11"))["overdue_amount"] == "100.00"
        for on, expected in (("2026-05-09", []), ("2026-05-11", ["R1"])):
            listed = await client.get(f"{V1}/invoices", params={"overdue_on": on})
            assert [i["invoice_number"] for i in listed.json()["items"]] == expected, on


async def test_a_receipt_is_recorded_once(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "R1", issue_date="2026-04-01", due_date=None, payment_terms="RECEIPT+30")
        first = await client.post(f"{V1}/invoices/R1/receipt", json={"received_date": "2026-04-10"})
        assert first.status_code == 200
        before = await counts(client)
        again = await client.post(f"{V1}/invoices/R1/receipt", json={"received_date": "2026-04-10"})
        assert again.status_code == 200 and again.json() == first.json()
        assert await counts(client) == before
        other = await client.post(f"{V1}/invoices/R1/receipt", json={"received_date": "2026-04-11"})
        assert_problem(other, 409, "received_date", "receipt.already_recorded")
        proof = await client.post(f"{V1}/invoices/R1/receipt", json={"received_date": "2026-04-10", "proof": "SF-9"})
        assert proof.status_code == 200 and proof.json()["receipt_proof"] == "SF-9"  # evidence added later
        assert len(await outbox(client, "invoice-due-dates-changed")) == 1  # the due date moved once


async def test_a_bad_receipt_is_refused_and_writes_nothing(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "R1", issue_date="2026-04-01", due_date=None, payment_terms="RECEIPT+30")
        before = await counts(client)
        assert_problem(await client.post(f"{V1}/invoices/R1/receipt", json={"received_date": "2026-03-31"}),
                       422, "received_date", "receipt.before_issue")
        assert_problem(await client.post(f"{V1}/invoices/R1/receipt", json={"received_date": "2026-07-01"}),
                       422, "received_date")
        assert_problem(await client.post(f"{V1}/invoices/R1/receipt", json={"received_date": "2026-04-10",
                                                                            "proof": "x" * 201}), 422, "proof")
        assert_problem(await client.post(f"{V1}/invoices/NOPE/receipt", json={"received_date": "2026-04-10"}), 404)
        assert await counts(client) == before


async def test_a_receipt_on_other_terms_is_evidence_only(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "N1", issue_date="2026-04-01", due_date="2026-05-01")
        r = await client.post(f"{V1}/invoices/N1/receipt", json={"received_date": "2026-04-03", "proof": "EMS-7"})
        assert (r.json()["due_date"], r.json()["receipt_proof"], r.json()["due_date_changes"]) == (
            "2026-05-01", "EMS-7", [])
        assert await outbox(client, "invoice-due-dates-changed") == []


async def test_a_known_receipt_date_can_come_with_the_invoice(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        body = await invoice(client, "R2", issue_date="2026-04-01", due_date=None, payment_terms="receipt 15",
                             receipt_date="2026-04-05")
        assert (body["due_date"], body["receipt_date"]) == ("2026-04-20", "2026-04-05")
        await invoice(client, "R3", issue_date="2026-04-01", due_date=None, payment_terms="RECEIPT+15",
                      receipt_date="2026-03-05", expect=422)


async def test_cash_applied_before_the_receipt_is_on_time(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "R1", issue_date="2026-04-01", due_date=None, payment_terms="RECEIPT+30")
        await pay(client, "P1", amount="100.00", received="2026-05-20")
        [allocated] = await outbox(client, "payment-allocated")
        assert allocated["lines"][0]["due_date"] == "2026-05-20" and allocated["days_late_weighted"] == 0
        [settled] = await outbox(client, "invoice-settled")
        assert (settled["due_date"], settled["days_late"]) == ("2026-05-20", 0)


async def test_an_approved_extension_moves_the_open_instalments_and_reruns_the_ladder(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "A", issue_date="2026-04-01", due_date="2026-05-01")
        await invoice(client, "B", issue_date="2026-04-01", due_date="2026-05-01")
        await invoice(client, "X", "C2", issue_date="2026-04-01", due_date="2026-05-01")
        assert [e["threshold_days"] for e in await sweep(client, "2026-06-01")] == [-7, -3, 1, 7, 15, 30] * 3

        await deliver(client, extension(numbers=["A", "X", "MISSING"], days=45), source="/credit")
        a = (await client.get(f"{V1}/invoices/A")).json()
        assert (a["due_date"], a["days_overdue"]) == ("2026-06-15", -14)
        assert a["instalments"][0]["days_overdue"] == -14 and a["instalments"][0]["last_threshold_days"] is None
        assert [(c["previous_due_date"], c["due_date"], c["reason"], c["reference"]) for c in a["due_date_changes"]] \
            == [("2026-05-01", "2026-06-15", "term_extension", "APP-1")]
        [moved] = await outbox(client, "invoice-due-dates-changed")
        assert (moved["invoice_number"], moved["reference"], moved["due_date"]) == ("A", "APP-1", "2026-06-15")
        assert (await client.get(f"{V1}/invoices/B")).json()["due_date"] == "2026-05-01"
        assert (await client.get(f"{V1}/invoices/X")).json()["due_date"] == "2026-05-01"  # another customer's

        before = await counts(client)
        await deliver(client, extension(numbers=["A", "X", "MISSING"], days=45), source="/credit")
        assert await counts(client) == before  # redelivered: applied once

        seen = len(await outbox(client, "overdue-threshold"))
        assert await sweep(client, "2026-06-01") == (await outbox(client, "overdue-threshold"))[:seen]  # nothing new
        client.clock.set(datetime(2026, 6, 9, 4, tzinfo=timezone.utc))
        events = (await sweep(client, "2026-06-09"))[seen:]
        assert [(e["invoice_number"], e["threshold_days"], e["due_date"]) for e in events] == [
            ("A", -7, "2026-06-15")]  # the reminder again, from the new date
        # as of before the approval, A was overdue under its old date
        assert (await balance(client, as_of="2026-05-31"))["overdue_amount"] == "200.00"
        overdue = await client.get(f"{V1}/invoices", params={"customer_id": "C1", "overdue_on": "2026-05-31"})
        assert [i["invoice_number"] for i in overdue.json()["items"]] == ["A", "B"]
        overdue = await client.get(f"{V1}/invoices", params={"customer_id": "C1", "overdue_on": "2026-06-09"})
        assert [i["invoice_number"] for i in overdue.json()["items"]] == ["B"]
