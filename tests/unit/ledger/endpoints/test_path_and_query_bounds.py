"""What a client puts in a path or a query is bounded as a body is: an identifier of at
most 100 characters without control characters, a date between 2000 and 2099. Each is a
422 naming the parameter, never a 5xx or a lookup of a 10 kB key."""
import pytest

from tests.support.embedded import embedded_product
from tests.support.ledger import V1, assert_problem, invoice

LONG = "X" * 101


@pytest.mark.parametrize("url, field", [
    (f"/invoices/{LONG}", "invoice_number"),
    ("/invoices/A%01B", "invoice_number"),
    (f"/payments/{LONG}", "payment_reference"),
    (f"/customers/{LONG}/balance", "customer_id"),
    (f"/disputes/{LONG}", "dispute_id"),
    (f"/invoices?customer_id={LONG}", "customer_id"),
    ("/invoices?overdue_on=0001-01-01", "overdue_on"),
    ("/customers/C1/balance?as_of=0001-01-01", "as_of"),
    ("/customers/C1/balance?as_of=2026-6-1", "as_of"),
    ("/customers/C1/statement?from=0001-01-01&to=2026-06-01", "from"),
    ("/invoices/A/late-fee?as_of=9999-12-31", "as_of"),
    ("/disputes?due_by=1999-12-31", "due_by"),
    (f"/journal?customer_id={LONG}", "customer_id"),
])
async def test_paths_and_queries_are_bounded(tmp_path, url, field):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "A")
        assert_problem(await client.get(V1 + url), 422, field)


@pytest.mark.parametrize("field, value", [("region", "East\x00"), ("contract_ref", "K\x07-1"),
                                          ("bill_to", {"name": "Li\x00"})])
async def test_free_text_refuses_control_characters(tmp_path, field, value):
    """PostgreSQL refuses NUL in text: stored, it would be a 500; tabs and line breaks are text."""
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        body = {"invoice_number": "T1", "customer_id": "C1", "issue_date": "2026-04-01", "due_date": "2026-05-01",
                "amount": "1.00", "currency": "CNY", field: value}
        assert_problem(await client.post(f"{V1}/invoices", json=body), 422)
        body[field] = {"name": "Li\tWei\n"} if field == "bill_to" else "East\tline\n"
        assert (await client.post(f"{V1}/invoices", json=body)).status_code == 201
