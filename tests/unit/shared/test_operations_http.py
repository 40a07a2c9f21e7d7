"""Issue 11/10, operators' side of every service's HTTP API: a database outage answers
503 with Retry-After (problem+json), not 500; the API docs load their assets from the
product (no CDN); the last admin key cannot be revoked, and the configured bootstrap key
is restored at start."""
from __future__ import annotations

import socket

import httpx

from services.catalog import definitions
from shared.app_factory import create_service_app
from shared.runtime import ServiceRuntime
from shared.settings import Settings
from tests.support.embedded import ADMIN_KEY, embedded_product


def closed_port() -> int:
    with socket.socket() as s:  # bound then closed: nothing listens there
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_a_database_outage_answers_503_with_retry_after_on_reads_and_writes():
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/ar_ledger"
    settings = Settings(env="test", bootstrap_admin_key=ADMIN_KEY, ledger_database_url=url)
    (ledger,) = definitions(["ledger"])
    runtime = ServiceRuntime(ledger, settings)
    app = create_service_app(runtime)
    auth = {"Authorization": f"Bearer {ADMIN_KEY}"}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            read = await client.get("/v1/invoices", headers=auth)
            write = await client.post("/v1/invoices", headers=auth, json={
                "invoice_number": "X1", "customer_id": "C1", "issue_date": "2026-04-01", "due_date": "2026-05-01",
                "amount": "1.00", "currency": "CNY"})
            keyed = await client.post("/v1/invoices", headers={**auth, "Idempotency-Key": "k1"}, json={})
        for r in (read, write, keyed):
            assert r.status_code == 503, r.text
            assert r.headers["retry-after"] == "5"
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["status"] == 503 and r.json()["correlation_id"]
    finally:
        await runtime.db.dispose()


async def test_api_docs_are_served_from_the_product_with_no_cdn(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        for page, asset in (("docs", "swagger-ui-bundle.js"), ("redoc", "redoc.standalone.js")):
            html = (await client.get(f"/ledger/{page}")).text
            assert f"/ledger/docs-assets/{asset}" in html
            assert "cdn." not in html and "fonts.googleapis" not in html
            js = await client.get(f"/ledger/docs-assets/{asset}")
            assert js.status_code == 200 and len(js.content) > 100_000
        assert (await client.get("/ledger/docs-assets/swagger-ui.css")).status_code == 200


async def test_the_last_admin_key_cannot_be_revoked(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        r = await client.delete("/ledger/v1/api-keys/bootstrap-admin")
        assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["rule"] == "last_admin_key"
        second = (await client.post("/ledger/v1/api-keys", json={"name": "ops", "roles": ["admin"]})).json()
        assert (await client.delete(f"/ledger/v1/api-keys/{second['key_id']}")).status_code == 204
        assert (await client.get("/ledger/v1/api-keys")).status_code == 200


async def test_a_revoked_bootstrap_key_is_restored_at_the_next_start(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        other = (await client.post("/ledger/v1/api-keys", json={"name": "ops", "roles": ["admin"]})).json()
        other_auth = {"Authorization": f"Bearer {other['key']}"}
        r = await client.delete("/ledger/v1/api-keys/bootstrap-admin", headers=other_auth)
        assert r.status_code == 204
        client.host.runtime("ledger").keys.forget()
        assert (await client.get("/ledger/v1/api-keys")).status_code == 401
    async with embedded_product(tmp_path, names=["ledger"]) as client:  # same data dir, same key
        assert (await client.get("/ledger/v1/api-keys")).status_code == 200


def test_only_connection_failures_count_as_an_outage():
    import errno

    import sqlalchemy.exc as sa_exc

    from shared.unavailable import is_unavailable
    assert is_unavailable(ConnectionRefusedError(errno.ECONNREFUSED, "refused"))
    assert is_unavailable(OSError("Multiple exceptions: [Errno 111] Connect call failed ('127.0.0.1', 1)"))
    assert is_unavailable(sa_exc.OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert not is_unavailable(FileNotFoundError(errno.ENOENT, "no such file"))
    assert not is_unavailable(sa_exc.IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not is_unavailable(ValueError("a bug"))
