"""The facts the ledger consumes: billing's input (the ledger is the only reader of these
two topics) and credit's approved term extensions. One line per topic, the payloads
straight to their handler.

Both are batch handlers: a fetched Kafka batch of invoices is recorded with bulk inserts
in the batch's one transaction (the ingest path must sustain thousands of invoices per
second). A defective event raises a 4xx RuleError: the framework replays the batch one
event per transaction and dead-letters only the culprit, nothing half-applied. A payment
naming an invoice not booked yet is parked until the invoice comes, not dead-lettered.
"""
from __future__ import annotations

from functools import partial

from services.ledger.handlers import due_dates, invoices, payments

HANDLERS = {"term-extension-approved": due_dates.extend_terms}

BATCH_HANDLERS = {
    "invoice-issued": invoices.record_invoices,
    "payment-received": partial(payments.record_payments, park_unknown=True),
}
