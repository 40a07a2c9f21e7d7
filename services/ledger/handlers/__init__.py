"""The ledger's service layer: one function = one unit of work, shared by the REST
routes, the event consumers and the importer.

- invoices:      record_invoices (batch, bulk inserts; REST, events, imports)
- payments:      record_payment, reverse_payment, record_refund
- credit_notes:  record_credit_note
- disputes:      open_, investigate, resolve
- write_offs:    request, decide
- sweep:         run_aging_sweep (the aging clock)
- imports:       run_import (CSV/XLSX with a column mapping)
- views:         the read side (invoice, balance and statement as of a date, late fees)
- book, postings, common: building blocks (instalments in memory, journal rows, errors)
"""
