"""Credit files (versioned, never deleted), the customer view, the timeline, visits."""
from tests.support.credit import approve_limit, check, customer, keys
from tests.support.embedded import embedded_product


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
