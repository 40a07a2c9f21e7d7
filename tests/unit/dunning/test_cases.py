import pytest

from services.dunning import handlers
from services.dunning.domain.severity import Severity, severity
from shared.events.ledger import OverdueThresholdV1, PaymentReceivedV1
from tests.support.embedded import embedded_product


@pytest.mark.parametrize("days,expected", [(-7, Severity.reminder), (0, Severity.reminder), (1, Severity.mild),
                                           (30, Severity.mild), (31, Severity.moderate), (90, Severity.moderate),
                                           (91, Severity.severe)])
def test_severity_tiers_follow_seed_000(days, expected):
    assert severity(days) is expected


def overdue(threshold: int, seq: int = 1) -> OverdueThresholdV1:
    return OverdueThresholdV1(invoice_number="INV-1", instalment_seq=seq, customer_id="C-1",
                              threshold_days=threshold, as_of="2026-05-13", due_date="2026-04-13",
                              days_overdue=threshold, open_amount="500.00", currency="CNY")


async def test_cases_escalate_and_never_go_back_when_events_arrive_late(tmp_path):
    async with embedded_product(tmp_path, names=["dunning"]) as client:
        runtime = client.host.runtime("dunning")
        for threshold in (7, 60, 30):  # the 30-day event arrives after the 60-day one
            await handlers.record_overdue(runtime.uow(), overdue(threshold))
        await handlers.record_payment(runtime.uow(), PaymentReceivedV1(
            payment_reference="P", customer_id="C-1", received_date="2026-05-20", amount="1.00", currency="CNY"))
        case = (await client.get("/dunning/v1/cases/C-1")).json()
        assert case["highest_threshold"] == 60 and case["severity"] == "moderate"
        assert case["last_payment_on"] == "2026-05-20"
        assert case["items"][0]["open_amount"] == "500.00" and case["items"][0]["threshold_days"] == 60
        assert (await client.get("/dunning/v1/cases/NOBODY")).status_code == 404
        assert [c["customer_id"] for c in (await client.get("/dunning/v1/cases")).json()] == ["C-1"]
