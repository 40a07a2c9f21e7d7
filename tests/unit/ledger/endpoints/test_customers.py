"""Statements of account (JSON and CSV), late fees on demand, the journal and the
OpenAPI document."""
import csv
import io

from tests.support.ledger import V1, assert_problem, balance, invoice, pay
from tests.support.embedded import embedded_product


async def history(client):
    await invoice(client, "A", amount="100.00", issue_date="2026-02-01", due_date="2026-03-01")
    await invoice(client, "B", amount="200.00", issue_date="2026-03-10", due_date="2026-04-10")
    await pay(client, "P1", amount="150.00", received="2026-03-20")
    await client.post(f"{V1}/credit-notes", json={"credit_note_number": "CN1", "customer_id": "C1",
                                                  "invoice_number": "B", "amount": "20.00", "currency": "CNY",
                                                  "reason": "damaged", "issue_date": "2026-04-05"})
    await invoice(client, "C", amount="50.00", issue_date="2026-05-02", due_date="2026-06-01")


async def test_statement_has_opening_movements_closing_and_aging(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await history(client)
        r = await client.get(f"{V1}/customers/C1/statement?from=2026-03-01&to=2026-04-30")
        assert r.status_code == 200, r.text
        st = r.json()
        assert (st["from"], st["to"], st["currency"]) == ("2026-03-01", "2026-04-30", "CNY")
        assert (st["opening_balance"], st["closing_balance"]) == ("100.00", "130.00")
        assert [(x["date"], x["type"], x["reference"], x["debit"], x["credit"], x["balance"]) for x in st["lines"]] == [
            ("2026-03-10", "invoice", "B", "200.00", None, "300.00"),
            ("2026-03-20", "payment", "P1", None, "150.00", "150.00"),
            ("2026-04-05", "credit_note", "CN1", None, "20.00", "130.00")]
        assert st["aging"] == {"not_due": "0.00", "1-30": "130.00", "31-60": "0.00", "61-90": "0.00", "90+": "0.00"}
        [fee] = st["late_fees"]  # B: 130 open, due 2026-04-10, 20 days at 0.05 %/day
        assert (fee["invoice_number"], fee["days_overdue"]) == ("B", 20)
        assert fee["late_fee"] == st["late_fee_total"] == "1.30"  # 130 x 0.0005 x 20 days


async def test_statement_as_csv(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await history(client)
        url = f"{V1}/customers/C1/statement?from=2026-01-01&to=2026-12-31"
        for r in (await client.get(url + "&format=csv"), await client.get(url, headers={"Accept": "text/csv"})):
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
            rows = list(csv.reader(io.StringIO(r.text)))
            assert rows[0] == ["date", "type", "reference", "debit", "credit", "balance", "currency"]
            assert rows[1] == ["2026-01-01", "opening_balance", "", "", "", "0.00", "CNY"]
            assert rows[-1] == ["2026-12-31", "closing_balance", "", "", "", "180.00", "CNY"]
            assert len(rows) == 3 + 5  # header, opening, 5 movements, closing


async def test_statement_errors(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await history(client)
        assert_problem(await client.get(f"{V1}/customers/C1/statement?from=2026-05-01&to=2026-04-01"), 422, "to")
        assert_problem(await client.get(f"{V1}/customers/C1/statement?from=2026-05-01"), 422, "to")
        assert_problem(await client.get(f"{V1}/customers/NOBODY/statement?from=2026-01-01&to=2026-02-01"), 404)
        await invoice(client, "USD-1", amount="10.00", currency="USD")
        assert_problem(await client.get(f"{V1}/customers/C1/statement?from=2026-01-01&to=2026-12-31"), 422,
                       "currency")
        both = (await client.get(f"{V1}/customers/C1/balance")).json()["balances"]
        assert [(b["currency"], b["balance"]) for b in both] == [("CNY", "180.00"), ("USD", "10.00")]
        r = await client.get(f"{V1}/customers/C1/balance?currency=USD")
        assert [b["balance"] for b in r.json()["balances"]] == ["10.00"]
        assert_problem(await client.get(f"{V1}/customers/C1/balance?currency=EUR"), 404)


async def test_late_fee_on_demand_is_not_booked(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "A", amount="1000.00", issue_date="2026-03-01", due_date="2026-03-31")
        await pay(client, "P", amount="400.00", received="2026-04-10")
        r = await client.get(f"{V1}/invoices/A/late-fee?as_of=2026-04-30")
        assert r.status_code == 200, r.text
        fee = r.json()
        # 1000 x 0.0005 x 10 days (to the payment) + 600 x 0.0005 x 20 days
        assert (fee["late_fee"], fee["daily_rate"], fee["booked"]) == ("11.00", "0.0005", False)
        journal = (await client.get(f"{V1}/journal?customer_id=C1")).json()
        assert [e["kind"] for e in journal] == ["invoice", "payment"]
        # a bounced payment never counted: interest runs as if it had not come
        await client.post(f"{V1}/payments/P/reversal", json={"reason": "bounced", "reversed_date": "2026-04-20"})
        assert (await client.get(f"{V1}/invoices/A/late-fee?as_of=2026-04-30")).json()["late_fee"] == "15.00"


async def test_the_journal_records_every_change_with_actor_and_source(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await history(client)
        entries = (await client.get(f"{V1}/journal?customer_id=C1")).json()
        assert [(e["kind"], e["reference"], e["balance_effect"]) for e in entries] == [
            ("invoice", "A", "100.00"), ("invoice", "B", "200.00"), ("payment", "P1", "-150.00"),
            ("credit_note", "CN1", "-20.00"), ("invoice", "C", "50.00")]
        assert entries[0]["lines"] == [{"seq": 1, "due_date": "2026-03-01", "amount": "100.00"}]
        assert {(e["source"], e["actor"]) for e in entries} == {("rest", "bootstrap-admin")}


async def test_openapi_documents_every_route_with_problems_and_models(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        spec = (await client.get("/ledger/openapi.json")).json()
        ours = {p: ops for p, ops in spec["paths"].items() if not p.startswith(("/v1/api-keys", "/healthz",
                                                                               "/readyz", "/metrics"))}
        expected = {"/v1/invoices", "/v1/invoices/{invoice_number}", "/v1/payments",
                    "/v1/customers/{customer_id}/balance", "/v1/customers/{customer_id}/statement",
                    "/v1/invoices/{invoice_number}/disputes", "/v1/disputes/{dispute_id}/resolution",
                    "/v1/invoices/{invoice_number}/write-offs", "/v1/write-offs/{write_off_id}/approval",
                    "/v1/credit-notes", "/v1/payments/{payment_reference}/reversal", "/v1/aging-sweeps",
                    "/v1/imports"}
        assert expected <= set(ours)
        for path, ops in ours.items():
            for method, op in ops.items():
                assert op.get("summary"), (path, method)
                assert {"401", "403"} <= set(op["responses"]), (path, method)
                assert op["responses"]["403"]["content"]["application/problem+json"]
                ok = [c for c in op["responses"] if c.startswith("2")]
                assert ok and "content" in op["responses"][ok[0]], (path, method)


async def test_disputed_money_is_shown_apart_never_overdue_and_dated(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:  # today: 2026-06-01
        await invoice(client, "A", amount="300.00", due_date="2026-04-01")
        await invoice(client, "B", amount="100.00", due_date="2026-04-15")
        d = await client.post(f"{V1}/invoices/A/disputes", json={"category": "quality", "note": "broken",
                                                                "amount": "120.00", "opened_date": "2026-05-10"})
        assert d.status_code == 201, d.text
        now = await balance(client)
        assert (now["open_amount"], now["disputed_amount"], now["overdue_amount"]) == ("400.00", "120.00", "280.00")
        assert sum(map(float, now["aging"].values())) == 280  # the aging is of the undisputed amount
        before = await balance(client, as_of="2026-05-01")  # before the dispute was opened
        assert (before["disputed_amount"], before["overdue_amount"]) == ("0.00", "400.00")
        overdue = (await client.get(f"{V1}/invoices?overdue_on=2026-05-01")).json()
        assert [i["invoice_number"] for i in overdue["items"]] == ["A", "B"]
        await client.post(f"{V1}/credit-notes", json={"credit_note_number": "CN", "customer_id": "C1", "amount": "180.00",
                                                      "currency": "CNY", "invoice_number": "A", "reason": "agreed",
                                                      "issue_date": "2026-05-20"})
        # A's undisputed 180.00 is credited from 20 May: A is overdue on 15 May, not on 25 May (only disputed)
        on = {d: [i["invoice_number"] for i in (await client.get(f"{V1}/invoices?overdue_on={d}")).json()["items"]]
              for d in ("2026-05-15", "2026-05-25")}
        assert on == {"2026-05-15": ["A", "B"], "2026-05-25": ["B"]}


async def test_a_settled_instalment_is_not_overdue(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "I", amount="100.00", due_date=None, issue_date="2026-01-01", instalments=[
            {"due_date": "2026-02-01", "amount": "40.00"}, {"due_date": "2026-07-01", "amount": "60.00"}])
        await pay(client, "P", amount="40.00", received="2026-02-01")
        lines = (await client.get(f"{V1}/invoices/I")).json()["instalments"]
        assert [(line["seq"], line["days_overdue"]) for line in lines] == [(1, None), (2, -30)]
