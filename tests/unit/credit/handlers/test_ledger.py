"""What the ledger's facts change in credit (`handlers.ledger`), on SQLite: a three-instalment
invoice is three open items with their own due dates, so overdue debt is the overdue
instalments' only; every fact counts once by its business key, whatever its event id."""
from datetime import date, timedelta

from services.credit.handlers import ledger as on
from shared.context import Context
from shared.events.ledger import (
    AppliedLine, CreditNoteIssuedV1, DisputeOpenedV1, DisputeResolvedV1, DueDateChange, InvoiceDueDatesChangedV1,
    InvoiceRecordedV1, OverdueThresholdV1, PaymentAllocatedV1, RecordedInstalment,
)
from tests.support.credit import customer, keys, ledger, open_items
from tests.support.embedded import embedded_product
from tests.support.facts import recorded_invoice

# 9,000 in three instalments; on 2026-06-01 the first two are overdue (47 and 17 days)
SCHEDULE = [(date(2026, 4, 15), "3000.00"), (date(2026, 5, 15), "4500.00"), (date(2026, 7, 15), "1500.00")]
THREE = recorded_invoice("I-3", "C1", date(2026, 3, 15), None, "9000.00", instalments=SCHEDULE)


def paid(ref: str, seq: int, amount: str, due: date) -> PaymentAllocatedV1:
    return PaymentAllocatedV1(payment_reference=ref, customer_id="C1", received_date=date(2026, 6, 1),
                              effective_date=date(2026, 6, 1), currency="CNY", unapplied_amount="0",
                              lines=[AppliedLine(invoice_number="I-3", instalment_seq=seq, amount=amount,
                                                 due_date=due)])


def overdue(seq: int, days: int, due: date, amount: str) -> OverdueThresholdV1:
    return OverdueThresholdV1(invoice_number="I-3", instalment_seq=seq, customer_id="C1", threshold_days=days,
                              as_of=due + timedelta(days=days), due_date=due, days_overdue=days, open_amount=amount,
                              currency="CNY")


async def standing(client) -> dict:
    return (await client.get("/credit/v1/customers/C1")).json()


async def test_a_three_instalment_invoice_is_three_open_items_each_dated_on_its_own(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        await keys(client)
        await customer(client, "C1")
        await ledger(client, THREE)
        items = (await open_items(client))["items"]
        assert [(i["seq"], i["due_date"], i["open_amount"], i["days_overdue"]) for i in items] == [
            (1, "2026-04-15", "3000.00", 47), (2, "2026-05-15", "4500.00", 17), (3, "2026-07-15", "1500.00", 0)]
        view = await standing(client)
        assert view["exposure"]["open_receivables"] == "9000.00"
        assert view["overdue"] == {"amount": "7500.00", "max_days_overdue": 47}
        # the first instalment paid: 4,500 is overdue (not the 7,500 left open, dated from the 2nd)
        await ledger(client, paid("P-1", 1, "3000.00", SCHEDULE[0][0]))
        view = await standing(client)
        assert view["exposure"]["open_receivables"] == "6000.00"
        assert view["overdue"] == {"amount": "4500.00", "max_days_overdue": 17}


async def test_holds_follow_the_instalments_not_the_invoice(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        await keys(client)
        await customer(client, "C1")
        await ledger(client, THREE, overdue(1, 30, SCHEDULE[0][0], "3000.00"))
        assert [h["kind"] for h in (await standing(client))["holds"]] == ["overdue"]
        # paying the instalment that is 30+ days overdue lifts it, though the 2nd is overdue too (17 days)
        await ledger(client, paid("P-1", 1, "3000.00", SCHEDULE[0][0]))
        assert (await standing(client))["holds"] == []
        # the 2nd crossing 30 days later is news for its own instalment: held again
        client.clock.set(client.clock.now().replace(month=6, day=14))
        await ledger(client, overdue(2, 30, SCHEDULE[1][0], "4500.00"))
        assert [h["kind"] for h in (await standing(client))["holds"]] == ["overdue"]


async def test_the_same_invoice_under_two_event_ids_is_counted_once(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        await keys(client)
        await customer(client, "C1")
        await ledger(client, THREE)
        await ledger(client, THREE)  # republished by the ledger: a new envelope, a new event id
        view = await standing(client)
        assert view["exposure"]["open_receivables"] == "9000.00"
        assert (await open_items(client))["total"] == 3
        # and straight through the handler, as a replay would
        runtime = client.host.runtime("credit")
        ctx = Context.event(runtime.clock, "/ledger")
        await on.invoices_recorded(runtime.deps, runtime.uow(), [(THREE, ctx), (THREE, ctx)])
        assert (await standing(client))["exposure"]["open_receivables"] == "9000.00"


async def test_every_other_fact_counts_once_too(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        await keys(client)
        await customer(client, "C1")
        await ledger(client, THREE)
        for _ in range(2):
            await ledger(client, paid("P-1", 1, "1000.00", SCHEDULE[0][0]))
            await ledger(client, overdue(1, 30, SCHEDULE[0][0], "2000.00"))
        items = (await open_items(client))["items"]
        assert items[0]["open_amount"] == "2000.00"
        assert len((await standing(client))["holds"]) == 1


async def test_an_allocation_that_came_before_its_invoice_is_applied_to_it(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        await keys(client)
        await customer(client, "C1")
        await ledger(client, paid("P-0", 2, "500.00", SCHEDULE[1][0]))  # another topic: it may come first
        await ledger(client, THREE)
        items = (await open_items(client))["items"]
        assert [i["open_amount"] for i in items] == ["3000.00", "4000.00", "1500.00"]


async def test_an_overdue_fact_before_its_invoice_is_completed_by_the_invoice(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        await keys(client)
        await customer(client, "C1")
        await ledger(client, overdue(1, 30, SCHEDULE[0][0], "2500.00"))  # the ledger knew 500 paid
        assert (await open_items(client))["total"] == 1
        await ledger(client, THREE)
        items = (await open_items(client))["items"]
        assert [(i["seq"], i["open_amount"]) for i in items] == [(1, "2500.00"), (2, "4500.00"), (3, "1500.00")]
        assert (await standing(client))["exposure"]["open_receivables"] == "8500.00"


async def test_credit_notes_and_disputes_that_came_before_their_invoice_apply_to_it(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        await keys(client)
        await customer(client, "C1")
        opened = dict(invoice_number="I-3", customer_id="C1", amount="800.00", currency="CNY")
        await ledger(client, CreditNoteIssuedV1(credit_note_number="CN-1", issue_date=date(2026, 5, 1),
                                                reason="quality", **opened),
                     DisputeOpenedV1(dispute_id="D-1", opened_date=date(2026, 5, 2), fact_finding_due=date(2026, 5, 22),
                                     category="quality", **opened),
                     DisputeOpenedV1(dispute_id="D-2", opened_date=date(2026, 5, 3), fact_finding_due=date(2026, 5, 23),
                                     category="quality", **opened),
                     DisputeResolvedV1(dispute_id="D-2", resolved_date=date(2026, 5, 4), outcome="invalid",
                                       adjusted_amount="0", **opened))
        await ledger(client, THREE)
        items = (await open_items(client))["items"]
        assert [i["open_amount"] for i in items] == ["2200.00", "4500.00", "1500.00"]
        assert [i["disputed_amount"] for i in items] == ["800.00", "0.00", "0.00"]  # the oldest due first
        assert (await standing(client))["exposure"]["disputed"] == "800.00"


def not_received(number: str = "R-1", amount: str = "2000.00") -> InvoiceRecordedV1:
    """An invoice on RECEIPT+30 terms the customer has not received: no due date yet."""
    return InvoiceRecordedV1(invoice_number=number, customer_id="C1", issue_date=date(2026, 3, 1), due_date=None,
                             payment_terms="RECEIPT+30", amount=amount, currency="CNY",
                             instalments=[RecordedInstalment(seq=1, due_date=None, amount=amount)],
                             recorded_via="billing")


def received(number: str = "R-1", due: date = date(2026, 4, 20)) -> InvoiceDueDatesChangedV1:
    return InvoiceDueDatesChangedV1(invoice_number=number, customer_id="C1", reason="receipt",
                                    reference="signed receipt 42", effective_date=due - timedelta(days=30),
                                    due_date=due, instalments=[DueDateChange(seq=1, due_date=due,
                                                                             previous_due_date=None)])


async def test_an_invoice_not_received_is_exposure_but_never_overdue_until_the_ledger_dates_it(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        await keys(client)
        await customer(client, "C1")
        await ledger(client, not_received())
        [item] = (await open_items(client))["items"]
        assert (item["due_date"], item["open_amount"], item["days_overdue"]) == (None, "2000.00", 0)
        view = await standing(client)
        assert view["exposure"]["open_receivables"] == "2000.00" and view["overdue"]["amount"] == "0.00"
        await ledger(client, received())  # received on 2026-03-21: due 30 days later
        await ledger(client, received())  # again, under another event id: once
        [item] = (await open_items(client))["items"]
        assert (item["due_date"], item["days_overdue"], item["extended_days"]) == ("2026-04-20", 42, 0)
        assert (await standing(client))["overdue"] == {"amount": "2000.00", "max_days_overdue": 42}


async def test_a_due_date_change_that_comes_before_its_invoice_is_applied_when_it_comes(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        await keys(client)
        await customer(client, "C1")
        await ledger(client, received())  # another topic: it may overtake the invoice
        assert (await open_items(client))["items"] == []
        await ledger(client, not_received())
        [item] = (await open_items(client))["items"]
        assert (item["due_date"], item["days_overdue"]) == ("2026-04-20", 42)
