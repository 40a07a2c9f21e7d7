"""Deliveries by channel and outcome: a channel that keeps failing shows here (and on the case)."""
from __future__ import annotations

from prometheus_client import Counter, Histogram

DELIVERIES = Counter(
    "ar_dunning_deliveries", "Message delivery attempts by outcome (sent, transient, permanent)",
    ["service", "channel", "outcome"])
DELIVERY_LATENCY = Histogram(
    "ar_dunning_delivery_duration_seconds", "Time to hand one message to its channel", ["service", "channel"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
