"""Every query the ledger makes, by subject (SQLAlchemy Core on the SQLModel tables, so
bulk paths stay bulk): `invoices`, `book` (instalments and allocations), `cash`
(payments, credit notes, refunds), `cases` (disputes, write-offs, recoveries),
`journal` (the append-only journal and as-of figures), `sweep` (the aging clock),
`imports` (import batches)."""
