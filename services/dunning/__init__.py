"""Dunning (催收): collection cases opened and escalated from the ledger's overdue events."""
