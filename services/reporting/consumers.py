"""The facts reporting builds on, each straight to its handler: the ledger's (never
billing's input, so a rejected invoice is never counted and a resent one counts once) and
credit's."""
from __future__ import annotations

from services.reporting.handlers import credit, ledger

HANDLERS = {
    "payment-recorded": ledger.payment_recorded,
    "payment-allocated": ledger.payment_allocated,
    "payment-reversed": ledger.payment_reversed,
    "invoice-settled": ledger.invoice_settled,
    "credit-note-issued": ledger.credit_note_issued,
    "invoice-written-off": ledger.invoice_written_off,
    "write-off-recovered": ledger.write_off_recovered,
    "dispute-opened": ledger.dispute_opened,
    "dispute-resolved": ledger.dispute_resolved,
    "refund-issued": ledger.refund_issued,
    "invoice-due-dates-changed": ledger.due_dates_changed,
    "customer-profile-changed": credit.profile_changed,
    "credit-grade-changed": credit.grade_changed,
    "customer-hold-placed": credit.hold_placed,
    "customer-hold-released": credit.hold_released,
}

#: a batch handler: an import publishes thousands of invoices at once
BATCH_HANDLERS = {"invoice-recorded": ledger.invoices_recorded}
