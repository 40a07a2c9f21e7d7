"""GET /reporting/dashboard: a page outside /v1 and the OpenAPI document, signed in with an
API key from a browser, with the report routes' bounds on its parameters. (In Chromium:
tests/e2e/test_reporting_dashboard.py.)"""
from tests.support.embedded import embedded_product


async def test_the_dashboard_is_a_page_not_an_api_operation(tmp_path):
    async with embedded_product(tmp_path, names=["reporting"]) as client:
        spec = (await client.get("/reporting/openapi.json")).json()
        assert not any("dashboard" in path for path in spec["paths"])
        r = await client.get("/reporting/dashboard", headers={"Authorization": ""})
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic")
        r = await client.get("/reporting/dashboard?as_of=2026-06-02")
        assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
        for query in ("lang=fr", "currency=XXX", "as_of=0"):
            assert (await client.get(f"/reporting/dashboard?{query}")).status_code == 422, query
        r = await client.get("/reporting/dashboard?lang=en&currency=USD")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert 'id="currency">USD<' in r.text
        assert "default-src 'none'" in r.headers["content-security-policy"]
