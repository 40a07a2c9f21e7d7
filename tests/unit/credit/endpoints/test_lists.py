"""The lists people work from: an approver's inbox of applications, and the customers in
credit, filterable and paged (issue 10: "approvers cannot find what waits for them")."""
from datetime import timedelta

from tests.support.credit import customer, keys
from tests.support.embedded import embedded_product


async def submit(client, k, who, **body):
    r = await client.post("/credit/v1/applications", json={"customer_id": "C1", "justification": "x", **body},
                          headers=k[who])
    assert r.status_code == 201, r.text
    client.clock.set(client.clock.now() + timedelta(minutes=1))  # submitted one after another
    return r.json()["application_id"]


async def listed(client, k, who, **params) -> dict:
    r = await client.get("/credit/v1/applications", params=params, headers=k[who])
    assert r.status_code == 200, r.text
    return r.json()


def ids(page) -> list[str]:
    return [a["application_id"] for a in page["items"]]


async def test_an_approvers_inbox_is_what_waits_for_a_role_they_hold_oldest_first(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client, "sales_manager2")
        await customer(client, "C1")
        first = await submit(client, k, "sales_manager", kind="grade_limit_term", limit="1000")  # → sales_admin
        limit = await submit(client, k, "sales_manager", kind="limit", limit="2000")  # → finance
        extension = await submit(client, k, "sales", kind="term_extension", extra_days=5)  # → sales_manager
        own = await submit(client, k, "sales_manager", kind="term_extension", extra_days=6)  # → another manager
        later = await submit(client, k, "sales_manager", kind="limit", limit="3000")  # → finance
        assert ids(await listed(client, k, "finance")) == [limit, later]
        assert ids(await listed(client, k, "sales_admin")) == [first]
        # the submitter never decides: their own application is not in their inbox
        assert ids(await listed(client, k, "sales_manager")) == [extension]
        assert ids(await listed(client, k, "sales_manager2")) == [extension, own]
        inbox = await listed(client, k, "finance")
        assert (inbox["total"], inbox["limit"], inbox["offset"]) == (2, 50, 0)
        item = inbox["items"][0]
        assert (item["customer_id"], item["customer_name"], item["kind"], item["pending_role"], item["state"]) == (
            "C1", "Customer C1", "limit", "finance", "submitted")
        assert item["exceptions"] and item["justification"] == "x"
        page = await listed(client, k, "finance", limit=1, offset=1)
        assert ids(page) == [later] and page["total"] == 2
        assert ids(await listed(client, k, "auditor")) == []  # an auditor awaits nothing


async def test_applications_filtered_by_role_state_customer_and_kind(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        await customer(client, "C2")
        a = await submit(client, k, "sales_manager", kind="limit", limit="2000")
        b = await submit(client, k, "sales_manager", kind="limit", limit="2000", customer_id="C2")
        c = await submit(client, k, "sales", kind="rerating", grade="C")
        r = await client.post(f"/credit/v1/applications/{b}/decisions", json={"decision": "reject", "comment": "no"},
                              headers=k["finance"])
        assert r.status_code == 200
        assert ids(await listed(client, k, "auditor", awaiting_role="finance")) == [a, c]
        assert ids(await listed(client, k, "auditor", state="rejected")) == [b]
        assert ids(await listed(client, k, "auditor", customer_id="C1")) == [a, c]
        assert ids(await listed(client, k, "auditor", kind="rerating")) == [c]
        assert ids(await listed(client, k, "auditor", kind="limit", customer_id="C1")) == [a]
        for bad in ({"awaiting_role": "admin"}, {"kind": "loan"}, {"limit": 501}, {"offset": -1},
                    {"customer_id": "x" * 101}, {"state": "x" * 31}):
            r = await client.get("/credit/v1/applications", params=bad, headers=k["auditor"])
            assert r.status_code == 422, bad


async def test_customers_in_credit_by_name_region_salesperson_grade_and_hold(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1", name="Acme Trading 上海", region="East", salesperson="li")
        await customer(client, "C2", name="ACME Industrial", region="West", salesperson="wang")
        await customer(client, "C3", name="Beta", region="East", salesperson="li")
        await client.post("/credit/v1/customers/C3/holds", json={"reason": "moving assets"}, headers=k["finance"])
        r = await client.post("/credit/v1/customers/C2/assessments",
                              json={"scores": {"financial_strength": 1, "operating_condition": 1,
                                               "reputation_and_prospects": 1}}, headers=k["finance"])
        assert r.json()["grade"] == "E"

        async def found(**params):
            r = await client.get("/credit/v1/customers", params=params, headers=k["sales"])
            assert r.status_code == 200, r.text
            return r.json()
        everyone = await found()
        assert [c["customer_id"] for c in everyone["items"]] == ["C2", "C1", "C3"] and everyone["total"] == 3
        assert [c["customer_id"] for c in (await found(name="acme"))["items"]] == ["C2", "C1"]
        assert [c["customer_id"] for c in (await found(name="上海"))["items"]] == ["C1"]
        assert [c["customer_id"] for c in (await found(region="East"))["items"]] == ["C1", "C3"]
        held = await found(salesperson="li", on_hold="true")
        assert [(c["customer_id"], c["on_hold"], c["holds"]) for c in held["items"]] == [("C3", True, ["manual"])]
        assert [c["customer_id"] for c in (await found(on_hold="false"))["items"]] == ["C2", "C1"]
        assert [c["customer_id"] for c in (await found(grade="E"))["items"]] == ["C2"]
        page = await found(limit=1, offset=2)
        assert [c["customer_id"] for c in page["items"]] == ["C3"] and page["total"] == 3
        c1 = (await found(name="Trading"))["items"][0]
        assert (c1["region"], c1["salesperson"], c1["grade"], c1["limit"], c1["currency"]) == (
            "East", "li", None, "0.00", "CNY")
        assert (await found(name="100%"))["items"] == []  # % is a character, not a wildcard
        for bad in ({"limit": 0}, {"offset": 10_000_001}, {"name": "x" * 201}, {"grade": "AA"}):
            r = await client.get("/credit/v1/customers", params=bad, headers=k["sales"])
            assert r.status_code == 422, bad
