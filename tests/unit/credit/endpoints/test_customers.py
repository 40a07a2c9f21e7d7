"""Credit files (versioned, never deleted), the customer view, the timeline, visits."""
from datetime import date

from shared.events.ledger import AppliedLine, OverdueThresholdV1, PaymentAllocatedV1
from tests.support.credit import approve_limit, assess, check, customer, keys, ledger, outbox_events
from tests.support.embedded import embedded_product
from tests.support.facts import recorded_invoice


async def test_put_creates_then_versions_the_file_and_history_keeps_everything(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        r = await client.put("/credit/v1/customers/C1", json={"name": "Acme", "documents": []},
                             headers=k["finance"])
        assert r.status_code == 201 and r.json()["file_version"] == 1 and r.json()["is_new"] is True
        assert r.json()["completeness"]["status"] == "incomplete" and r.json()["currency"] == "CNY"
        r = await client.put("/credit/v1/customers/C1", json={"name": "Acme Ltd", "onboarded_on": "2024-01-01",
                                                              "documents": [{"kind": "business_licence",
                                                                             "reference": "BL-9"}]},
                             headers=k["sales_manager"])
        assert r.status_code == 200 and r.json()["file_version"] == 2 and r.json()["name"] == "Acme Ltd"
        await check(client, k, "C1", "10", "SO-1")
        history = (await client.get("/credit/v1/customers/C1/history", headers=k["auditor"])).json()
        kinds = [h["kind"] for h in history]
        assert kinds.count("file_version") == 2 and "check" in kinds
        versions = [h["detail"]["snapshot"]["name"] for h in history if h["kind"] == "file_version"]
        assert sorted(versions) == ["Acme", "Acme Ltd"]
        assert (await client.put("/credit/v1/customers/C1", json={"name": "x"}, headers=k["sales"])).status_code == 403
        assert (await client.get("/credit/v1/customers/NOPE")).status_code == 404
        assert (await client.get("/credit/v1/customers/NOPE/history")).status_code == 404


async def test_bad_files_are_422_and_currency_cannot_change_under_a_limit(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        for body in ({"name": ""}, {"name": "x", "currency": "XXX"},
                     {"name": "x", "documents": [{"kind": "passport", "reference": "1"}]},
                     {"name": "x", "documents": [{"kind": "fixed_phone", "reference": "1"},
                                                 {"kind": "fixed_phone", "reference": "2"}]}):
            r = await client.put("/credit/v1/customers/C1", json=body)
            assert r.status_code == 422, body
        await customer(client, "C1")
        await approve_limit(client, k, "C1", "1000")
        r = await client.put("/credit/v1/customers/C1", json={"name": "x", "currency": "USD"})
        assert r.status_code == 409


async def test_roles_that_may_read_a_customer(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        for role in ("sales", "sales_manager", "finance", "general_manager", "auditor", "integration"):
            assert (await client.get("/credit/v1/customers/C1", headers=k[role])).status_code == 200, role


async def test_customers_due_a_visit(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        for cid, limit in (("SMALL", "20000"), ("MID", "30000"), ("BIG", "50000")):
            await customer(client, cid)
            await approve_limit(client, k, cid, limit, term_days=30)
        due = (await client.get("/credit/v1/visits/due")).json()
        assert [(v["customer_id"], v["role"]) for v in due] == [
            ("BIG", "department_head"), ("BIG", "sales_manager"), ("MID", "sales_manager")]
        r = await client.post("/credit/v1/customers/MID/visits", json={"role": "sales_manager",
                                                                      "visited_on": "2026-05-10"},
                              headers=k["sales_manager"])
        assert r.status_code == 204
        due = (await client.get("/credit/v1/visits/due")).json()
        assert ("MID", "sales_manager") not in [(v["customer_id"], v["role"]) for v in due]


async def test_the_profile_is_published_when_the_file_the_grade_or_the_blacklist_flag_changes(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        [first] = await outbox_events(client, "customer-profile-changed")
        assert (first["revision"], first["name"], first["region"], first["grade"], first["blacklisted"]) == (
            1, "Customer C1", "East", None, False)
        assert first["effective_date"] == "2026-06-01" and first["onboarded_on"] == "2024-01-10"
        await customer(client, "C1")  # the same file again: nothing it shows changed
        assert len(await outbox_events(client, "customer-profile-changed")) == 1
        await customer(client, "C1", salesperson="wang")
        await assess(client, k, "C1")  # graded: the effective grade changes
        for n in range(3):  # the third automatic hold within a year blacklists
            due = date(2026, 4, 1 + n)
            await ledger(client, recorded_invoice(f"I-{n}", "C1", date(2026, 3, 1), due, "1000"),
                         OverdueThresholdV1(invoice_number=f"I-{n}", instalment_seq=1, customer_id="C1",
                                            threshold_days=30, as_of=date(2026, 6, 1), due_date=due,
                                            days_overdue=30, open_amount="1000", currency="CNY"))
            if n < 2:
                await ledger(client, PaymentAllocatedV1(
                    payment_reference=f"P-{n}", customer_id="C1", received_date=date(2026, 6, 1),
                    effective_date=date(2026, 6, 1), currency="CNY", unapplied_amount="0",
                    lines=[AppliedLine(invoice_number=f"I-{n}", instalment_seq=1, amount="1000", due_date=due)]))
        events = await outbox_events(client, "customer-profile-changed")
        assert [e["revision"] for e in events] == list(range(1, len(events) + 1))
        assert events[1]["salesperson"] == "wang" and events[1]["grade"] is None
        assert events[2]["grade"] is not None
        assert events[-1]["blacklisted"] is True


async def test_a_grade_e_customer_shows_no_available_credit(tmp_path):
    """Prepayment only (grade E): 0 available, in the customer's view and in the check, whatever
    limit was approved before."""
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        await approve_limit(client, k, "C1", "1000")
        assert (await assess(client, k, "C1", red_flags=[{"flag": "weak_capital"}]))["grade"] == "E"
        view = (await client.get("/credit/v1/customers/C1")).json()
        assert (view["grade"], view["limit"], view["prepayment_only"]) == ("E", "1000.00", True)
        assert view["available_credit"] == "0.00"
        answer = (await check(client, k, "C1", "10", "SO-1")).json()
        assert answer["decision"] == "reject" and answer["available_credit"] == "0.00"
