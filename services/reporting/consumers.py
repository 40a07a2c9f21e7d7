"""The facts reporting builds on, each straight to its handler: only the ledger's (never
billing's input), so a rejected invoice is never counted and a resent one counts once."""
from __future__ import annotations

from services.reporting import handlers

HANDLERS = {"invoice-recorded": handlers.add_invoice, "payment-recorded": handlers.add_payment}
