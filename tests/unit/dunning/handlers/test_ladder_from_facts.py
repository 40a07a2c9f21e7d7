"""The ladder driven by the ledger's facts as it publishes them (the embedded product): the
whole default ladder once, nothing twice under redelivery, a late start, pauses."""
from datetime import date, timedelta

from services.dunning.bootstrap import SERVICE
from tests.support.dunning import (
    allocated, case_of, dispatch, dunning_alone, invoice, ledger, overdue, run_ladder, set_today,
)

DUE = date(2026, 3, 2)
THRESHOLDS = (-7, -3, 1, 7, 15, 30, 60, 90, 180)  # the ledger's sweep


def test_dunning_reads_only_the_ledgers_and_credits_facts():
    consumed = set(SERVICE.all_handlers()) | set(SERVICE.batch_handlers)
    assert "payment-received" not in consumed and "invoice-issued" not in consumed
    assert {"invoice-recorded", "overdue-threshold", "payment-allocated", "customer-profile-changed"} <= consumed


async def test_the_whole_default_ladder_runs_once_per_step_even_when_every_fact_comes_twice(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        await ledger(client, invoice("INV-1", "C1", DUE))
        for days in THRESHOLDS:
            fact = overdue("INV-1", "C1", DUE, DUE + timedelta(days=days), threshold=days)
            await ledger(client, fact)
            await ledger(client, fact.model_copy())  # republished: a new event id, the same business key
        case = await case_of(client, "C1")
        steps = [(a["step"], a["status"], a["due_date"]) for a in case["steps_done"]]
        assert [s for s, _, _ in steps] == ["pre_due_reminder", "day1_check", "payment_notice", "second_notice",
                                           "collector_call", "demand_letter", "legal_handoff", "legal_decision"]
        assert {s: st for s, st, _ in steps} == {
            "pre_due_reminder": "queued", "day1_check": "open", "payment_notice": "queued", "second_notice": "queued",
            "collector_call": "open", "demand_letter": "queued", "legal_handoff": "done", "legal_decision": "open"}
        report = await dispatch(client)
        sent = {m.template: m for m in client.outbox.sent}  # one clock in the test: no order among them
        assert report.sent == 4 and set(sent) == {"pre_due_reminder", "payment_notice", "sms_overdue", "demand_letter"}
        assert sent["sms_overdue"].recipient == "13800000000" and sent["payment_notice"].recipient == "ap@example.com"
        assert sent["demand_letter"].context["pay_by"] == (DUE + timedelta(days=70)).isoformat()
        legal = (await client.get("/dunning/v1/legal-cases")).json()
        assert legal["total"] == 1 and legal["items"][0]["stage"] == "letter"
        assert (await run_ladder(client)).actions == 0  # the daily job finds nothing left
        actions = (await client.get("/dunning/v1/actions?customer_id=C1")).json()
        assert actions["total"] == 8 and {a["status"] for a in actions["items"]} >= {"sent", "open", "done"}


async def test_a_late_start_takes_the_step_that_fits_and_skips_the_earlier_ones(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        await ledger(client, invoice("INV-2", "C2", DUE), overdue("INV-2", "C2", DUE, DUE + timedelta(days=45)))
        case = await case_of(client, "C2")
        done = {a["step"]: a["status"] for a in case["steps_done"]}
        assert done == {"pre_due_reminder": "skipped", "day1_check": "skipped", "payment_notice": "skipped",
                        "second_notice": "skipped", "collector_call": "open"}
        assert case["steps_due"][0]["step"] == "demand_letter"


async def test_an_overdue_fact_before_its_invoice_and_a_payment_before_both(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        await ledger(client, allocated("PAY-1", "C3", "INV-3", "400.00", DUE + timedelta(days=2), DUE))
        await ledger(client, overdue("INV-3", "C3", DUE, DUE + timedelta(days=1), amount="1000.00"))
        case = await case_of(client, "C3")
        assert case["items"][0]["open_amount"] == "600.00"  # the parked payment applied when the item arrived
        await ledger(client, invoice("INV-3", "C3", DUE))
        await ledger(client, allocated("PAY-2", "C3", "INV-3", "600.00", DUE + timedelta(days=3), DUE))
        case = await case_of(client, "C3")
        assert case["status"] == "closed" and case["items"][0]["status"] == "settled"


async def test_no_contact_for_the_channel_fails_the_step_and_the_ladder_goes_on(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        await ledger(client, invoice("INV-4", "C4", DUE, email=None, mobile=None, address=None))
        for days in (-7, 1):
            await ledger(client, overdue("INV-4", "C4", DUE, DUE + timedelta(days=days), threshold=days))
        done = {a["step"]: (a["status"], a["reason"]) for a in (await case_of(client, "C4"))["steps_done"]}
        assert done["pre_due_reminder"] == ("failed", "no contact for email") and done["day1_check"][0] == "open"
        r = await client.put("/dunning/v1/customers/C4/contacts", json={"name": "Li", "email": "li@example.com"})
        assert r.status_code == 201
        await ledger(client, overdue("INV-4", "C4", DUE, DUE + timedelta(days=7), threshold=7))
        await dispatch(client)
        assert [m.recipient for m in client.outbox.sent] == ["li@example.com"]


async def test_a_dispute_pauses_the_item_and_its_resolution_resumes_with_the_step_that_fits(tmp_path):
    from shared.events.ledger import DisputeOpenedV1, DisputeResolvedV1

    async with dunning_alone(tmp_path) as (client, k):
        await ledger(client, invoice("INV-5", "C5", DUE), overdue("INV-5", "C5", DUE, DUE + timedelta(days=1)))
        await ledger(client, DisputeOpenedV1(dispute_id="D1", invoice_number="INV-5", customer_id="C5",
                                             opened_date=DUE + timedelta(days=2), fact_finding_due=DUE + timedelta(days=9),
                                             amount="1000.00", currency="CNY", category="quality"))
        await ledger(client, overdue("INV-5", "C5", DUE, DUE + timedelta(days=7)))
        case = await case_of(client, "C5")
        assert "disputed" in case["pauses"] and [a["step"] for a in case["steps_done"]] == ["pre_due_reminder",
                                                                                           "day1_check"]
        await ledger(client, DisputeResolvedV1(dispute_id="D1", invoice_number="INV-5", customer_id="C5",
                                               resolved_date=DUE + timedelta(days=20), outcome="invalid",
                                               amount="1000.00", adjusted_amount="0.00", currency="CNY"))
        set_today(client, DUE + timedelta(days=20))
        await run_ladder(client)
        done = {a["step"]: a["status"] for a in (await case_of(client, "C5"))["steps_done"]}
        assert done["payment_notice"] == "skipped" and done["second_notice"] == "queued"
