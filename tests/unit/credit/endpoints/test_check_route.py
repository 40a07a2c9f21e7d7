"""The credit check's plain route (served without FastAPI's per-request machinery) answers
like any other route: 401/403 first, 422 naming the field, and it stays documented."""
from tests.support.credit import keys
from tests.support.embedded import embedded_product

BODY = '{"customer_id": "C1", "amount": "10", "currency": "CNY", "order_ref": "SO-1"}'


async def post(client, body: str, headers: dict, content_type: str | None = "application/json"):
    if content_type:
        headers = {**headers, "Content-Type": content_type}
    return await client.post("/credit/v1/checks", content=body.encode(), headers=headers)


async def test_keys_and_roles_come_before_the_body(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        r = await post(client, "not json", {"Authorization": "Bearer nope"})
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        r = await post(client, "not json", k["auditor"])
        assert r.status_code == 403 and r.json()["required_roles"] == ["finance", "integration", "sales",
                                                                       "sales_manager"]
        assert (await post(client, BODY, k["sales"])).status_code == 200


async def test_a_body_that_is_not_a_valid_check_is_a_422_naming_the_field(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        cases = {
            '{"customer_id": "C1", "amount": "1", "currency": "XXX", "order_ref": "A"}': ("currency", "value_error"),
            '{"customer_id": "C1", "currency": "CNY", "order_ref": "A"}': ("amount", "missing"),
            '{"customer_id": "C1", "amount": "1", "currency": "CNY", "order_ref": "A", "x": 1}':
                ("x", "extra_forbidden"),
            '{"customer_id": "C1",': ("body", "json_invalid"),
            '[1]': ("body", "model_type"),
        }
        for body, (field, rule) in cases.items():
            r = await post(client, body, k["sales"])
            assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json"), body
            assert (r.json()["errors"][0]["field"], r.json()["errors"][0]["rule"]) == (field, rule), r.text
        for content_type in ("text/plain", None):  # refused before the route (shared/request_limits.py)
            r = await post(client, BODY, k["sales"], content_type)
            assert r.status_code == 415 and r.json()["errors"][0]["rule"] == "content_type"
        assert (await post(client, BODY, k["sales"], "application/json; charset=utf-8")).status_code == 200


async def test_the_route_is_documented_with_its_body_and_answer(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        operation = (await client.get("/credit/openapi.json")).json()["paths"]["/v1/checks"]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body["required"] == ["customer_id", "amount", "currency", "order_ref"]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/CheckOut"}
        assert {"401", "403", "409", "422"} <= set(operation["responses"])
