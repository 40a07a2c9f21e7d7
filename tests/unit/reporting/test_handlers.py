"""Daily activity from the ledger's facts: by effective date, each fact once by its
business key however often it is delivered (a republished copy has a new event id)."""
from services.reporting.bootstrap import SERVICE
from shared.events.ledger import InvoiceRecordedV1, PaymentRecordedV1, RecordedInstalment
from tests.support.embedded import deliver, embedded_product


def recorded(number: str, amount: str) -> InvoiceRecordedV1:
    return InvoiceRecordedV1(invoice_number=number, customer_id="C", issue_date="2026-03-14", due_date="2026-04-13",
                             amount=amount, currency="CNY", recorded_via="billing",
                             instalments=[RecordedInstalment(seq=1, due_date="2026-04-13", amount=amount)])


def test_reporting_reads_only_the_ledgers_facts():
    consumed = {*SERVICE.handlers, *SERVICE.batch_handlers}
    assert "payment-received" not in consumed and "invoice-issued" not in consumed
    assert "invoice-recorded" in consumed


async def test_facts_fold_into_days_by_effective_date_once_each(tmp_path):
    async with embedded_product(tmp_path, names=["reporting"]) as client:
        payment = PaymentRecordedV1(payment_reference="P-1", customer_id="C", received_date="2026-03-15",
                                    amount="50.00", currency="CNY", method="cash", applied_amount="50.00",
                                    unapplied_amount="0.00", recovered_amount="0.00", recorded_via="billing")
        for _ in range(2):  # the same facts republished (new event ids): counted once
            await deliver(client, recorded("I-1", "100.10"), recorded("I-2", "0.90"), payment, source="/ledger")
        rows = (await client.get("/reporting/v1/activity?from=2026-03-01&to=2026-03-31")).json()
        assert rows == [
            {"day": "2026-03-14", "currency": "CNY", "credit_sales": "101.00", "cash_received": "0.00",
             "invoices": 2, "payments": 0},
            {"day": "2026-03-15", "currency": "CNY", "credit_sales": "0.00", "cash_received": "50.00",
             "invoices": 0, "payments": 1}]
        bad = await client.get("/reporting/v1/activity?from=2026-03-31&to=2026-03-01")
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "to"
