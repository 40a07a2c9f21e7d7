"""Reporting (监控与报告): projections of the ledger's events for aging, DSO and KPIs."""
