"""Ledger (应收账款台账): invoices, payments, allocation, disputes, write-offs, aging clock."""
