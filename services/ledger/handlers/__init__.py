"""The ledger's service layer: one function = one unit of work, shared by the REST
routes, the event consumers and the importer. Every handler is `(deps, uow, ctx, ...)`.

- invoices:      record_invoices (a batch, bulk inserts; REST, events, imports)
- payments:      record_payments, reverse_payment, record_refund
- parked:        payments waiting for their invoice: apply_waiting, release
- credit_notes:  record_credit_note
- disputes:      open_, investigate, resolve
- write_offs:    request, decide
- sweep:         run_aging_sweep (the aging clock)
- imports:       run_import (CSV/XLSX with a column mapping)
- book, postings, common: building blocks (instalments in memory, journal rows, money)
"""
