"""Everything a client sends to credit is bounded, the bounds are declared in the OpenAPI
document, and nothing a client sends produces a 5xx (issue 10): amounts, dates, currencies,
booleans, identifiers in paths and bodies, string lengths, list sizes, offsets."""
from tests.support.credit import (
    approve_limit, check, credit_operations, customer, fuzz_every_route, keys, undeclared_limits,
)
from tests.support.embedded import embedded_product

async def spec_of(client) -> dict:
    return (await client.get("/credit/openapi.json")).json()


async def test_every_limit_is_declared_in_the_openapi_document(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        assert undeclared_limits(await spec_of(client)) == []


async def test_identifiers_in_paths_are_declared_like_business_ids(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        spec = await spec_of(client)
        for method, path, op in credit_operations(spec):
            for p in op.get("parameters", []):
                if p["in"] == "path":
                    assert p["schema"].get("maxLength") == 100 and "pattern" in p["schema"], (method, path, p)


async def test_hostile_values_in_every_field_are_4xx_never_5xx(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        assert await fuzz_every_route(client, await keys(client)) == []


async def test_the_forms_the_schema_forbids_are_422_naming_the_field(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        cases = [
            ({"amount": "1E+2"}, "amount"), ({"amount": "9999999999999"}, "amount"), ({"amount": 10}, "amount"),
            ({"currency": "cny"}, "currency"), ({"reserve": "yes"}, "reserve"), ({"reserve": 1}, "reserve"),
            ({"order_ref": "SO/1"}, "order_ref"), ({"customer_id": "C\x001"}, "customer_id"),
            ({"order_ref": "x" * 101}, "order_ref"),
        ]
        for change, field in cases:
            body = {"customer_id": "C1", "amount": "10", "currency": "CNY", "order_ref": "SO-1", **change}
            r = await client.post("/credit/v1/checks", json=body, headers=k["sales"])
            assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, (change, r.text)
        for change, field in [({"onboarded_on": 0}, "onboarded_on"), ({"onboarded_on": "1999-12-31"}, "onboarded_on"),
                              ({"name": "nul\x00"}, "name"), ({"documents": [{"kind": "fixed_phone",
                                                                              "reference": "x",
                                                                              "expires_on": "2100-01-01"}]},
                                                             "documents[0].expires_on")]:
            r = await client.put("/credit/v1/customers/C1", json={"name": "Acme", **change}, headers=k["finance"])
            assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, (change, r.text)
        r = await client.post("/credit/v1/customers/C1/visits", json={"role": "sales_manager",
                                                                      "visited_on": "2026-09-01"},
                              headers=k["sales_manager"])
        assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "date.in_the_future"
        r = await client.post("/credit/v1/customers/C1/assessments", json={"scores": {"financial_strength": 5},
                                                                           "as_of": "2027-01-01"},
                              headers=k["finance"])
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "as_of"
        assert (await client.get("/credit/v1/customers/" + "x" * 101)).status_code == 422
        assert (await client.get("/credit/v1/customers/C1/receivables", params={"offset": 10 ** 9})).status_code == 422


async def test_timestamps_in_answers_carry_their_time_zone(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        app = await approve_limit(client, k, "C1", "1000")
        stamps = [app["created_at"], app["updated_at"]] + [s["at"] for s in app["steps"]]
        stamps += [h["at"] for h in (await client.get("/credit/v1/customers/C1/history")).json()]
        assessed = await client.post("/credit/v1/customers/C1/assessments",
                                     json={"scores": {"financial_strength": 5, "operating_condition": 5,
                                                      "reputation_and_prospects": 5}}, headers=k["finance"])
        stamps.append(assessed.json()["created_at"])
        stamps.append((await check(client, k, "C1", "10", "SO-1")).json()["checked_at"])
        assert all(s.endswith(("Z", "+00:00")) for s in stamps), stamps
