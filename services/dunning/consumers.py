"""The facts dunning acts on, each straight to its handler: only the ledger's and credit's,
never billing's input. Every handler is idempotent by the fact's business key as well as by
event id (the inbox)."""
from __future__ import annotations

from services.dunning.handlers import facts

HANDLERS = {
    "payment-allocated": facts.item_changed,
    "payment-reversed": facts.item_changed,
    "invoice-settled": facts.item_changed,
    "credit-note-issued": facts.item_changed,
    "invoice-written-off": facts.item_changed,
    "dispute-opened": facts.item_changed,
    "dispute-resolved": facts.item_changed,
    "customer-profile-changed": facts.profile_changed,
    "customer-hold-placed": facts.hold_changed,
    "customer-hold-released": facts.hold_changed,
}
BATCH_HANDLERS = {  # an import publishes thousands of invoices, one sweep tens of thousands of overdue facts
    "invoice-recorded": facts.invoices_recorded,
    "overdue-threshold": facts.overdue_thresholds,
    "invoice-due-dates-changed": facts.due_dates_changed,
}
