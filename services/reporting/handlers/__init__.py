"""Reporting's service layer: the ledger's facts (`ledger`) and credit's (`credit`) into
the read model, the daily activity (`activity`), the month-end packs' records (`packs`)."""
