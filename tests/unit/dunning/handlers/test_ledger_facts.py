"""What the ledger's facts do to items and cases: credit notes and write-offs shrink and
close, a reversal re-opens the item and its case, new due dates restart the ladder, each
fact once by its business key."""
from datetime import date, timedelta

from shared.events.ledger import (
    AppliedLine, CreditNoteIssuedV1, DueDateChange, InvoiceDueDatesChangedV1, InvoiceSettledV1, InvoiceWrittenOffV1,
    PaymentReversedV1,
)
from tests.support.dunning import allocated, case_of, dunning_alone, invoice, ledger, overdue

DUE = date(2026, 3, 2)


async def test_a_credit_note_twice_counts_once_and_a_write_off_closes_the_case(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        await ledger(client, invoice("INV-1", "C1", DUE), overdue("INV-1", "C1", DUE, DUE + timedelta(days=7)))
        note = CreditNoteIssuedV1(credit_note_number="CN-1", customer_id="C1", invoice_number="INV-1",
                                  issue_date=DUE + timedelta(days=8), amount="300.00", currency="CNY",
                                  reason="quality")
        await ledger(client, note, note.model_copy())
        assert (await case_of(client, "C1"))["open_amount"] == "700.00"
        await ledger(client, InvoiceWrittenOffV1(write_off_id="W1", invoice_number="INV-1", customer_id="C1",
                                                 effective_date=DUE + timedelta(days=200), amount="700.00",
                                                 currency="CNY", reason="bankrupt", requested_by="f",
                                                 approved_by="gm"))
        case = await case_of(client, "C1")
        assert case["status"] == "closed" and case["items"][0]["status"] == "written_off"


async def test_a_reversal_reopens_the_settled_item_and_its_case(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        await ledger(client, invoice("INV-2", "C2", DUE), overdue("INV-2", "C2", DUE, DUE + timedelta(days=7)))
        await ledger(client, allocated("PAY-1", "C2", "INV-2", "1000.00", DUE + timedelta(days=9), DUE),
                     InvoiceSettledV1(invoice_number="INV-2", customer_id="C2", settled_date=DUE + timedelta(days=9),
                                      due_date=DUE, days_late=9, amount="1000.00", currency="CNY"))
        assert (await case_of(client, "C2"))["status"] == "closed"
        await ledger(client, PaymentReversedV1(
            payment_reference="PAY-1", customer_id="C2", reversed_date=DUE + timedelta(days=12), amount="1000.00",
            currency="CNY", reason="bounced", reopened=[AppliedLine(invoice_number="INV-2", instalment_seq=1,
                                                                   amount="1000.00", due_date=DUE)]))
        case = await case_of(client, "C2")
        assert case["status"] == "open" and case["open_amount"] == "1000.00" and case["policy_version"] == 1


async def test_new_due_dates_restart_the_ladder_against_them(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        await ledger(client, invoice("INV-3", "C3", DUE), overdue("INV-3", "C3", DUE, DUE + timedelta(days=1)))
        new_due = DUE + timedelta(days=30)
        await ledger(client, InvoiceDueDatesChangedV1(
            invoice_number="INV-3", customer_id="C3", reason="term_extension", reference="APP-1",
            effective_date=DUE + timedelta(days=2), due_date=new_due,
            instalments=[DueDateChange(seq=1, due_date=new_due, previous_due_date=DUE)]))
        await ledger(client, overdue("INV-3", "C3", new_due, new_due + timedelta(days=1)))
        case = await case_of(client, "C3")
        restarted = [a["step"] for a in case["steps_done"] if a["due_date"] == str(new_due)]
        assert restarted == ["pre_due_reminder", "day1_check"]  # the reminder skipped, the check taken again
        assert {a["status"] for a in case["steps_done"] if a["due_date"] == str(new_due)} == {"skipped", "open"}
