"""Issue 11: one id follows a request from the caller to every consumer that applied its
events. The caller's X-Correlation-ID wins over a gateway's X-Request-ID (nginx puts its
own first), and each consumer logs one line per applied batch with the event ids and
their correlation ids."""
from __future__ import annotations

import logging

from shared.http import caller_correlation_id
from tests.support.embedded import embedded_product


def test_the_callers_correlation_id_wins_over_a_request_id_sent_before_it():
    headers = [(b"host", b"x"), (b"x-request-id", b"nginx-made"), (b"x-correlation-id", b"callers-own")]
    assert caller_correlation_id(headers) == "callers-own"
    assert caller_correlation_id([(b"x-request-id", b"only-rid")]) == "only-rid"
    assert caller_correlation_id([(b"x-correlation-id", b"")]) is None


async def test_a_request_is_followed_to_every_consumer_by_its_correlation_id(tmp_path, caplog):
    async with embedded_product(tmp_path) as client:
        r = await client.put("/credit/v1/customers/CORR-1", json={
            "name": "Corr Co", "region": "East", "customer_type": "distributor", "industry": "retail",
            "salesperson": "li", "onboarded_on": "2024-01-10"})
        assert r.status_code in (200, 201), r.text
        with caplog.at_level(logging.INFO):
            created = await client.post("/ledger/v1/invoices", headers={
                "X-Request-ID": "gateway-request-id", "X-Correlation-ID": "trace-me-42"}, json={
                "invoice_number": "INV-CORR-1", "customer_id": "CORR-1", "issue_date": "2026-04-01",
                "due_date": "2026-05-01", "amount": "100.00", "currency": "CNY"})
            await client.host.settle()
        assert created.status_code == 201, created.text
        assert created.headers["x-correlation-id"] == "trace-me-42"
        applied = [rec for rec in caplog.records
                   if rec.getMessage().startswith("applied") and "trace-me-42" in getattr(rec, "correlation_ids", [])]
        services = {rec.service for rec in applied}
        assert {"credit", "reporting"} <= services, [(r.service, r.getMessage()) for r in applied]
        assert all(rec.event_ids for rec in applied)
