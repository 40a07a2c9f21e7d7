"""Credit's facts: the profile chooses a new case's policy (firmer for new customers), the
variant ladder asks for supply to stop, repeated long overdue asks credit to blacklist."""
from datetime import date, timedelta

from shared.events.credit import CustomerProfileChangedV1
from tests.support.dunning import case_of, dunning_alone, emitted, invoice, ledger, overdue

DUE = date(2026, 3, 2)


def profile(customer: str, revision: int, onboarded_on, grade="B") -> CustomerProfileChangedV1:
    return CustomerProfileChangedV1(customer_id=customer, revision=revision, name=f"客户 {customer}", grade=grade,
                                    currency="CNY", onboarded_on=onboarded_on, effective_date=date(2026, 1, 1))


async def test_a_new_customer_gets_the_firmer_variant_which_asks_credit_to_stop_supply(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        await ledger(client, profile("NEW", 2, date(2026, 1, 5)), profile("NEW", 1, None))  # the older one loses
        await ledger(client, invoice("INV-N", "NEW", DUE), overdue("INV-N", "NEW", DUE, DUE + timedelta(days=30)))
        case = await case_of(client, "NEW")
        assert case["policy"] == "risk_control"
        assert {a["step"]: a["status"] for a in case["steps_done"]} == {
            "reminder_letter": "skipped", "collector_call": "skipped", "supply_stop": "requested"}
        [hold] = await emitted(client, "dunning-hold-requested")
        assert hold["kind"] == "stop_supply" and hold["customer_id"] == "NEW"
        await ledger(client, profile("OLD", 1, date(2020, 1, 5)))
        await ledger(client, invoice("INV-O", "OLD", DUE), overdue("INV-O", "OLD", DUE, DUE + timedelta(days=1)))
        assert (await case_of(client, "OLD"))["policy"] == "default"


async def test_three_items_ninety_days_overdue_ask_credit_once_to_blacklist(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        for n in range(3):
            await ledger(client, invoice(f"INV-{n}", "BAD", DUE),
                         overdue(f"INV-{n}", "BAD", DUE, DUE + timedelta(days=90)))
        await ledger(client, invoice("INV-3", "BAD", DUE), overdue("INV-3", "BAD", DUE, DUE + timedelta(days=91)))
        [request] = await emitted(client, "blacklist-requested")
        assert request["customer_id"] == "BAD" and request["overdue_items"] == 3
