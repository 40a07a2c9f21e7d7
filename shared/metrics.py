"""Prometheus metrics, named for operators: ar_<what>_<unit>, labelled by service.

In the embedded mode one process hosts all four services, so every series carries a
`service` label rather than relying on the scrape target."""
from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "ar_http_requests", "HTTP requests served", ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram(
    "ar_http_request_duration_seconds", "HTTP request latency", ["service", "method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
EVENTS_PUBLISHED = Counter(
    "ar_events_published", "Events published from the outbox", ["service", "topic"])
EVENTS_CONSUMED = Counter(
    "ar_events_consumed", "Events applied by a consumer", ["service", "topic"])
EVENTS_DUPLICATE = Counter(
    "ar_events_duplicate", "Events skipped because the inbox had them", ["service", "topic"])
EVENTS_FAILED = Counter(
    "ar_events_failed", "Failed attempts to apply an event", ["service", "topic"])
EVENTS_DEAD_LETTERED = Counter(
    "ar_events_dead_lettered", "Events sent to the dead-letter topic", ["service", "topic"])
OUTBOX_BACKLOG = Gauge(
    "ar_outbox_backlog", "Outbox events not yet published", ["service"])
CONSUMER_LAG = Gauge(
    "ar_consumer_lag", "Messages behind the partition's end", ["service", "topic", "partition"])
BATCH_SIZE = Histogram(
    "ar_consumer_batch_size", "Events per consumed batch", ["service"],
    buckets=(1, 5, 10, 50, 100, 250, 500, 1000, 5000))
DB_LISTENING = Gauge(
    "ar_db_listening", "1 while the LISTEN connection of a notification channel is up", ["service", "channel"])
CACHE_LOOKUPS = Counter(
    "ar_cache_lookups", "Lookups of an in-process cache by result (hit, miss, off: not listening)",
    ["service", "cache", "result"])
