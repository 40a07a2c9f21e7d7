"""The facts dunning acts on, each straight to its handler: only the ledger's and credit's,
never billing's input. Every handler is idempotent by the fact's business key as well as by
event id (the inbox)."""
from __future__ import annotations

from services.dunning.handlers import facts

HANDLERS = {
    "payment-allocated": facts.payment_allocated,
    "payment-reversed": facts.payment_reversed,
    "invoice-settled": facts.invoice_settled,
    "credit-note-issued": facts.credit_note_issued,
    "invoice-written-off": facts.invoice_written_off,
    "dispute-opened": facts.dispute_opened,
    "dispute-resolved": facts.dispute_resolved,
    "customer-profile-changed": facts.profile_changed,
    "customer-hold-placed": facts.hold_changed,
    "customer-hold-released": facts.hold_changed,
}
BATCH_HANDLERS = {  # an import publishes thousands of invoices, one sweep tens of thousands of overdue facts
    "invoice-recorded": facts.invoices_recorded,
    "overdue-threshold": facts.overdue_thresholds,
    "invoice-due-dates-changed": facts.due_dates_changed,
}
