"""The ledger's facts as the ledger publishes them, for tests of the services that build on
them (credit, dunning, reporting): a test sends what the ledger would have booked."""
from __future__ import annotations

from datetime import date

from shared.events.ledger import InvoiceRecordedV1, RecordedInstalment
from shared.money import Money


def recorded_invoice(invoice_number: str, customer_id: str, issue_date: date | str, due_date: date | str | None,
                     amount: str, currency: str = "CNY", *, instalments: list[tuple[date | str, str]] | None = None,
                     recorded_via: str = "billing", **dimensions) -> InvoiceRecordedV1:
    """One instalment due on `due_date`, or the given (due date, amount) schedule."""
    schedule = instalments or [(due_date, str(Money.of(amount, currency).amount))]
    lines = [RecordedInstalment(seq=n, due_date=due, amount=value) for n, (due, value) in enumerate(schedule, 1)]
    return InvoiceRecordedV1(invoice_number=invoice_number, customer_id=customer_id, issue_date=issue_date,
                             due_date=max(line.due_date for line in lines), amount=amount, currency=currency,
                             instalments=lines, recorded_via=recorded_via, **dimensions)
