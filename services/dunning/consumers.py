"""The facts dunning acts on, each straight to its handler: only the ledger's and credit's,
never billing's input."""
from __future__ import annotations

from services.dunning import handlers

HANDLERS = {"payment-recorded": handlers.record_payment}
BATCH_HANDLERS = {"overdue-threshold": handlers.record_overdue}  # one sweep emits tens of thousands
