"""Cases from the ledger's facts, delivered as the ledger publishes them."""
from services.dunning.bootstrap import SERVICE
from shared.events.ledger import OverdueThresholdV1, PaymentRecordedV1
from tests.support.embedded import deliver, embedded_product


def overdue(threshold: int, seq: int = 1) -> OverdueThresholdV1:
    return OverdueThresholdV1(invoice_number="INV-1", instalment_seq=seq, customer_id="C-1",
                              threshold_days=threshold, as_of="2026-05-13", due_date="2026-04-13",
                              days_overdue=threshold, open_amount="500.00", currency="CNY")


def test_dunning_reads_only_the_ledgers_facts():
    assert "payment-received" not in SERVICE.handlers and "invoice-issued" not in SERVICE.handlers


async def test_cases_escalate_and_never_go_back_when_events_arrive_late(tmp_path):
    async with embedded_product(tmp_path, names=["dunning"]) as client:
        for threshold in (7, 60, 30):  # the 30-day event arrives after the 60-day one
            await deliver(client, overdue(threshold), source="/ledger")
        await deliver(client, PaymentRecordedV1(
            payment_reference="P", customer_id="C-1", received_date="2026-05-20", amount="1.00", currency="CNY",
            method="bank_transfer", applied_amount="1.00", unapplied_amount="0.00", recovered_amount="0.00",
            recorded_via="billing"), source="/ledger")
        case = (await client.get("/dunning/v1/cases/C-1")).json()
        assert case["highest_threshold"] == 60 and case["severity"] == "moderate"
        assert case["last_payment_on"] == "2026-05-20"
        assert case["items"][0]["open_amount"] == "500.00" and case["items"][0]["threshold_days"] == 60
        assert (await client.get("/dunning/v1/cases/NOBODY")).status_code == 404
        assert [c["customer_id"] for c in (await client.get("/dunning/v1/cases")).json()] == ["C-1"]
