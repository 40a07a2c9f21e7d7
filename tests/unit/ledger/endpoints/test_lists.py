"""The lists people work from: customers with what they owe, disputes by deadline,
write-offs waiting for an approver."""
from datetime import date

from tests.support.embedded import embedded_product
from tests.support.ledger import TODAY, V1, assert_problem, invoice, keys, pay


async def test_customers_with_what_they_owe_most_overdue_first(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:  # today: 2026-06-01
        await invoice(client, "A1", "A", amount="100.00", due_date="2026-05-01")
        await invoice(client, "A2", "A", amount="50.00", due_date="2026-07-01")
        await invoice(client, "B1", "B", amount="500.00", issue_date="2026-02-01", due_date="2026-03-01")
        await invoice(client, "C1", "C", amount="80.00", due_date="2026-08-01")
        await invoice(client, "D1", "D", amount="10.00", due_date="2026-05-01")
        await pay(client, "PD", "D", amount="25.00", received="2026-05-02")  # settled, 15.00 on account
        await client.post(f"{V1}/invoices/B1/disputes", json={"category": "quality", "note": "n", "amount": "200"})
        page = (await client.get(f"{V1}/customers")).json()
        rows = [(r["customer_id"], r["open_amount"], r["overdue_amount"], r["disputed_amount"], r["max_days_overdue"])
                for r in page["items"]]
        assert rows == [("B", "500.00", "300.00", "200.00", 92), ("A", "150.00", "100.00", "0.00", 31),
                        ("C", "80.00", "0.00", "0.00", 0)]
        assert page["total"] == 3  # D has nothing open
        overdue = (await client.get(f"{V1}/customers?overdue_only=true&limit=1&offset=1")).json()
        assert (overdue["total"], [r["customer_id"] for r in overdue["items"]]) == (2, ["A"])
        by_name = (await client.get(f"{V1}/customers?sort=customer")).json()["items"]
        assert [r["customer_id"] for r in by_name] == ["A", "B", "C"]
        assert_problem(await client.get(f"{V1}/customers?sort=colour"), 422, "sort")
        assert_problem(await client.get(f"{V1}/customers?limit=501"), 422, "limit")


async def test_open_disputes_nearest_deadline_first_and_pending_write_offs(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        k = await keys(client, "finance", "collector")
        for n, opened in (("X", "2026-05-25"), ("Y", "2026-05-04"), ("Z", "2026-05-30")):
            await invoice(client, n, amount="100.00", issue_date="2025-10-01", due_date="2025-11-01")
            await client.post(f"{V1}/invoices/{n}/disputes", json={"category": "quality", "note": "n",
                                                                  "opened_date": opened})
        d = (await client.get(f"{V1}/disputes", headers=k["collector"])).json()
        assert [i["invoice_number"] for i in d["items"]] == ["Y", "X", "Z"]
        for i in d["items"]:
            assert i["days_to_deadline"] == (date.fromisoformat(i["fact_finding_due"]) - TODAY).days
        assert d["items"][0]["days_to_deadline"] < 0  # Y's fact-finding is late
        soon = (await client.get(f"{V1}/disputes?due_by=2026-06-20")).json()
        assert [i["invoice_number"] for i in soon["items"]] == ["Y", "X"]
        await client.post(f"{V1}/disputes/{d['items'][0]['dispute_id']}/resolution", json={"outcome": "withdrawn"})
        assert (await client.get(f"{V1}/disputes")).json()["total"] == 2
        assert (await client.get(f"{V1}/disputes?status=resolved")).json()["total"] == 1
        await invoice(client, "OLD", amount="60.00", issue_date="2025-10-01", due_date="2025-11-01")
        r = await client.post(f"{V1}/invoices/OLD/write-offs", json={"amount": "60.00", "reason": "gone"},
                              headers=k["finance"])
        assert r.status_code == 201, r.text
        inbox = (await client.get(f"{V1}/write-offs", headers=k["finance"])).json()
        assert [(w["invoice_number"], w["status"]) for w in inbox["items"]] == [("OLD", "requested")]
        assert (await client.get(f"{V1}/write-offs?status=approved")).json()["total"] == 0
