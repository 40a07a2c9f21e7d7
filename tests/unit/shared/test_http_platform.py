"""Platform behaviour every service shares, through the embedded product's HTTP API."""
from tests.support.embedded import embedded_product

PROBLEM = "application/problem+json"


async def test_health_readiness_metrics_and_docs_are_open(tmp_path):
    async with embedded_product(tmp_path) as client:
        for name in ("ledger", "credit", "dunning", "reporting"):
            for path in ("healthz", "readyz"):
                r = await client.get(f"/{name}/{path}", headers={"Authorization": ""})
                assert r.status_code == 200, (name, path, r.text)
            spec = (await client.get(f"/{name}/openapi.json")).json()
            assert "Problem" in spec["components"]["schemas"]
            assert spec["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
            # every error the document declares is the problem+json we answer, never FastAPI's own shape
            assert "HTTPValidationError" not in spec["components"]["schemas"]
            for path, ops in spec["paths"].items():
                for method, op in ops.items():
                    for status, answer in op["responses"].items():
                        if status.startswith("4") or status.startswith("5"):
                            assert list(answer["content"]) == ["application/problem+json"], (path, method, status)
        metrics = await client.get("/ledger/metrics", headers={"Authorization": ""})
        assert "ar_http_requests_total" in metrics.text


async def test_no_key_is_401_and_a_key_without_the_role_is_403(tmp_path):
    async with embedded_product(tmp_path) as client:
        r = await client.get("/dunning/v1/cases", headers={"Authorization": ""})
        assert r.status_code == 401 and r.headers["content-type"].startswith(PROBLEM)
        assert r.json()["status"] == 401 and r.headers["www-authenticate"] == "Bearer"
        r = await client.get("/dunning/v1/cases", headers={"Authorization": "Bearer nope"})
        assert r.status_code == 401
        issued = await client.post("/dunning/v1/api-keys", json={"name": "sales bot", "roles": ["sales"]})
        assert issued.status_code == 201, issued.text
        sales_key = issued.json()["key"]
        r = await client.get("/dunning/v1/cases", headers={"Authorization": f"Bearer {sales_key}"})
        assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM)
        assert "collector" in r.json()["required_roles"]


async def test_a_key_issued_by_one_service_works_in_all_four_and_revocation_follows(tmp_path):
    async with embedded_product(tmp_path) as client:
        issued = (await client.post("/ledger/v1/api-keys", json={"name": "auditor", "roles": ["auditor"]})).json()
        await client.host.settle()
        headers = {"Authorization": f"Bearer {issued['key']}"}
        for name in ("dunning", "reporting"):
            path = "/dunning/v1/cases" if name == "dunning" else "/reporting/v1/activity?from=2026-01-01&to=2026-01-31"
            assert (await client.get(path, headers=headers)).status_code == 200
        listed = (await client.get("/credit/v1/api-keys")).json()
        assert any(k["key_id"] == issued["key_id"] for k in listed)
        assert all("key" not in k for k in listed)
        assert (await client.delete(f"/ledger/v1/api-keys/{issued['key_id']}")).status_code == 204
        await client.host.settle()
        for runtime in client.host.runtimes:
            runtime.keys.forget()
        assert (await client.get("/dunning/v1/cases", headers=headers)).status_code == 401


async def test_validation_errors_are_problem_json_naming_the_field(tmp_path):
    async with embedded_product(tmp_path) as client:
        r = await client.post("/ledger/v1/api-keys", json={"name": "x", "roles": ["pirate"]})
        assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
        assert r.json()["errors"][0]["field"] == "roles"
        r = await client.get("/reporting/v1/activity?from=2026-02-01&to=nope")
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "to"


async def test_correlation_id_is_echoed(tmp_path):
    async with embedded_product(tmp_path) as client:
        r = await client.get("/ledger/healthz", headers={"X-Correlation-ID": "abc-123"})
        assert r.headers["x-correlation-id"] == "abc-123"



async def test_key_lookups_are_shared_and_refreshed_in_the_background(tmp_path):
    import asyncio

    from shared.auth import hash_key

    async with embedded_product(tmp_path, names=["dunning"]) as client:
        keys = client.host.runtime("dunning").keys
        queries = 0
        load = keys._load

        async def counting(digest):
            nonlocal queries
            queries += 1
            await asyncio.sleep(0.01)
            return await load(digest)

        keys._load = counting
        keys.forget()
        from tests.support.embedded import ADMIN_KEY
        results = await asyncio.gather(*(keys.lookup(ADMIN_KEY) for _ in range(20)))
        assert queries == 1 and all(r.key_id == "bootstrap-admin" for r in results)
        digest = hash_key(ADMIN_KEY)
        expires, principal = keys._cache[digest]
        keys._cache[digest] = (expires - 10, principal)  # expired, still within the stale window
        stale = await asyncio.gather(*(keys.lookup(ADMIN_KEY) for _ in range(20)))
        assert all(r is principal for r in stale)  # answered at once from the cache
        await asyncio.sleep(0.05)
        assert queries == 2  # one background refresh for all of them


async def test_timestamps_are_answered_with_their_zone(tmp_path):
    async with embedded_product(tmp_path) as client:  # SQLite gives them back without one
        await client.post("/ledger/v1/api-keys", json={"name": "auditor", "roles": ["auditor"]})
        [*_, key] = (await client.get("/ledger/v1/api-keys")).json()
        assert key["created_at"].endswith("+00:00") or key["created_at"].endswith("Z"), key
