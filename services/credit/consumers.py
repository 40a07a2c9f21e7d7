"""The facts credit builds on, each straight to its handler: the ledger's (never billing's
input) and dunning's broken promises. Every handler is idempotent by the fact's business
key as well as by event id (the inbox), so a republished fact counts once."""
from __future__ import annotations

from services.credit.handlers import ledger, promises

HANDLERS = {
    "payment-allocated": ledger.payment_allocated,
    "invoice-settled": ledger.invoice_settled,
    "credit-note-issued": ledger.credit_note_issued,
    "invoice-written-off": ledger.invoice_written_off,
    "payment-reversed": ledger.payment_reversed,
    "dispute-opened": ledger.dispute_opened,
    "dispute-resolved": ledger.dispute_resolved,
    "promise-to-pay-broken": promises.promise_broken,
}
BATCH_HANDLERS = {  # an import publishes thousands of invoices, one sweep tens of thousands of overdue facts
    "invoice-recorded": ledger.invoices_recorded,
    "overdue-threshold": ledger.overdue_thresholds,
    "invoice-due-dates-changed": ledger.due_dates_changed,  # a sweep of receipts, a batch of extensions
}
