"""A body is JSON of bounded size (or a bounded upload): 415 otherwise, 413 beyond the
limit, 422 naming the body when it is not valid JSON; declared in the OpenAPI document."""
from tests.support.embedded import embedded_product

URL = "/ledger/v1/invoices"


async def test_bodies_that_are_not_json_or_too_large_are_refused_before_any_route(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"], max_body_bytes=4096) as client:
        r = await client.post(URL, content=b'{"invoice_number": "A"}', headers={"content-type": "text/plain"})
        assert r.status_code == 415 and r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["rule"] == "content_type"
        big = b'{"region": "' + b"x" * 5000 + b'"}'
        r = await client.post(URL, content=big, headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.json()["errors"][0]["rule"] == "body_size"

        async def chunks():  # no Content-Length: counted as it arrives
            for _ in range(10):
                yield b" " * 1000
        r = await client.post(URL, content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413
        r = await client.post(URL, content=b'{"invoice_number": ', headers={"content-type": "application/json"})
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "body" and r.json()["errors"][0]["rule"] == "json_invalid"
        r = await client.post(URL, content=b"\xff\xfe{}", headers={"content-type": "application/json"})
        assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "json_invalid"  # not UTF-8: not FastAPI's 400
        assert (await client.get("/ledger/v1/invoices")).status_code == 200  # GETs are not affected


async def test_the_limits_are_declared_on_every_operation_with_a_body(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        spec = (await client.get("/ledger/openapi.json")).json()
        for path, ops in spec["paths"].items():
            for method, op in ops.items():
                if "requestBody" in op:
                    assert {"413", "415"} <= set(op["responses"]), (path, method)
