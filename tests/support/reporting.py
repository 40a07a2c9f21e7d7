"""Helpers for reporting's tests: the ledger's and credit's facts as they publish them,
delivered into the embedded product; a small book of invoices with hand-computed reports."""
from __future__ import annotations

from datetime import date

from services.reporting.domain.timeline import Fact, Instalment
from shared.events.credit import CreditGradeChangedV1, CustomerProfileChangedV1
from shared.events.ledger import (
    AppliedLine, CreditNoteIssuedV1, DisputeOpenedV1, DisputeResolvedV1, InvoiceDueDatesChangedV1, DueDateChange,
    InvoiceSettledV1, InvoiceWrittenOffV1, PaymentAllocatedV1, PaymentRecordedV1, PaymentReversedV1,
)
from tests.support.embedded import deliver
from tests.support.facts import recorded_invoice
from tests.support import migrations as migrations_check

TODAY = date(2026, 6, 1)  # the embedded product's FixedClock
BASE = "/reporting/v1"

__all__ = ["TODAY", "BASE", "Fact", "Instalment", "recorded_invoice", "allocated", "payment", "settled",
           "credit_note", "written_off", "dispute", "resolved", "reversed", "due_dates", "profile", "grade",
           "ledger", "credit", "d"]


def d(text: str) -> date:
    return date.fromisoformat(text)


def payment(ref: str, customer: str, received: str, amount: str, method: str = "bank_transfer") -> PaymentRecordedV1:
    return PaymentRecordedV1(payment_reference=ref, customer_id=customer, received_date=received, amount=amount,
                             currency="CNY", method=method, applied_amount=amount, unapplied_amount="0",
                             recovered_amount="0", recorded_via="billing")


def allocated(ref: str, customer: str, on: str, *lines: tuple[str, int, str, str]) -> PaymentAllocatedV1:
    """lines: (invoice, instalment seq, amount, due date)."""
    return PaymentAllocatedV1(payment_reference=ref, customer_id=customer, received_date=on, effective_date=on,
                              currency="CNY", unapplied_amount="0",
                              lines=[AppliedLine(invoice_number=n, instalment_seq=s, amount=a, due_date=due)
                                     for n, s, a, due in lines])


def settled(number: str, customer: str, on: str, due: str, amount: str) -> InvoiceSettledV1:
    return InvoiceSettledV1(invoice_number=number, customer_id=customer, settled_date=on, due_date=due,
                            days_late=max(0, (d(on) - d(due)).days), amount=amount, currency="CNY")


def credit_note(number: str, customer: str, invoice: str | None, on: str, amount: str) -> CreditNoteIssuedV1:
    return CreditNoteIssuedV1(credit_note_number=number, customer_id=customer, invoice_number=invoice,
                              issue_date=on, amount=amount, currency="CNY", reason="price")


def written_off(wid: str, number: str, customer: str, on: str, amount: str) -> InvoiceWrittenOffV1:
    return InvoiceWrittenOffV1(write_off_id=wid, invoice_number=number, customer_id=customer, effective_date=on,
                               amount=amount, currency="CNY", reason="bankrupt", requested_by="f",
                               approved_by="gm")


def dispute(did: str, number: str, customer: str, on: str, amount: str, category: str = "quality") -> DisputeOpenedV1:
    return DisputeOpenedV1(dispute_id=did, invoice_number=number, customer_id=customer, opened_date=on,
                           fact_finding_due=on, amount=amount, currency="CNY", category=category)


def resolved(did: str, number: str, customer: str, on: str, amount: str, outcome: str = "invalid") -> DisputeResolvedV1:
    return DisputeResolvedV1(dispute_id=did, invoice_number=number, customer_id=customer, resolved_date=on,
                             outcome=outcome, amount=amount, adjusted_amount="0", currency="CNY")


def reversed(ref: str, customer: str, on: str, amount: str, *lines: tuple[str, int, str, str]) -> PaymentReversedV1:
    return PaymentReversedV1(payment_reference=ref, customer_id=customer, reversed_date=on, amount=amount,
                             currency="CNY", reason="bounced",
                             reopened=[AppliedLine(invoice_number=n, instalment_seq=s, amount=a, due_date=due)
                                       for n, s, a, due in lines])


def due_dates(number: str, customer: str, on: str, reference: str, *changes: tuple[int, str, str]) -> InvoiceDueDatesChangedV1:
    """changes: (seq, new due date, previous due date)."""
    return InvoiceDueDatesChangedV1(invoice_number=number, customer_id=customer, reason="term_extension",
                                    reference=reference, effective_date=on, due_date=max(c[1] for c in changes),
                                    instalments=[DueDateChange(seq=s, due_date=new, previous_due_date=old)
                                                 for s, new, old in changes])


def profile(customer: str, revision: int = 1, **fields) -> CustomerProfileChangedV1:
    body = {"name": f"Customer {customer}", "region": "East", "customer_type": "distributor",
            "industry": "retail", "salesperson": "li", "grade": "B", "currency": "CNY",
            "effective_date": "2026-01-01", **fields}
    return CustomerProfileChangedV1(customer_id=customer, revision=revision, **body)


def grade(customer: str, previous: str | None, new: str, on: str) -> CreditGradeChangedV1:
    return CreditGradeChangedV1(customer_id=customer, grade=new, previous_grade=previous, total_score=50,
                                effective_date=on)


async def ledger(client, *payloads) -> None:
    await deliver(client, *payloads, source="/ledger")


async def credit(client, *payloads) -> None:
    await deliver(client, *payloads, source="/credit")


# --- migrations ---------------------------------------------------------------------------------

async def migrated_matches_models(url: str) -> list:
    from services.reporting.bootstrap import SERVICE
    from services.reporting.tables import ReportingTable

    return await migrations_check.migrated_matches_models(SERVICE, ReportingTable.metadata, "reporting_0001", url)
