from datetime import date
from decimal import Decimal

from services.reporting import handlers
from services.reporting.domain.activity import DayTotal, net_change
from shared.events.ledger import InvoiceIssuedV1, PaymentReceivedV1
from tests.support.embedded import embedded_product


def test_net_change_per_currency():
    days = [DayTotal(date(2026, 1, 1), "CNY", Decimal("100.00"), Decimal("30.00")),
            DayTotal(date(2026, 1, 2), "CNY", Decimal("0"), Decimal("20.00")),
            DayTotal(date(2026, 1, 2), "USD", Decimal("5.00"), Decimal("0"))]
    assert net_change(days) == {"CNY": Decimal("50.00"), "USD": Decimal("5.00")}


async def test_invoices_and_payments_fold_into_days_by_effective_date(tmp_path):
    async with embedded_product(tmp_path, names=["reporting"]) as client:
        runtime = client.host.runtime("reporting")
        for number, amount in (("I-1", "100.10"), ("I-2", "0.90")):
            await handlers.add_invoice(runtime.uow(), InvoiceIssuedV1(
                invoice_number=number, customer_id="C", issue_date="2026-03-14", due_date="2026-04-13",
                amount=amount, currency="CNY"))
        await handlers.add_payment(runtime.uow(), PaymentReceivedV1(
            payment_reference="P-1", customer_id="C", received_date="2026-03-15", amount="50.00", currency="CNY"))
        rows = (await client.get("/reporting/v1/activity?from=2026-03-01&to=2026-03-31")).json()
        assert rows == [
            {"day": "2026-03-14", "currency": "CNY", "credit_sales": "101.00", "cash_received": "0.00",
             "invoices": 2, "payments": 0},
            {"day": "2026-03-15", "currency": "CNY", "credit_sales": "0.00", "cash_received": "50.00",
             "invoices": 0, "payments": 1}]
        bad = await client.get("/reporting/v1/activity?from=2026-03-31&to=2026-03-01")
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "to"
