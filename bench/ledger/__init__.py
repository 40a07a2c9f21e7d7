"""Helpers of the ledger benchmarks (bench/ledger_ingest.py, bench/aging_sweep.py)."""
