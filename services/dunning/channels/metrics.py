"""Time to hand a message to its channel, by outcome (sent, transient, permanent): a channel
that keeps failing or slows down shows here. The dispatcher counts deliveries per action
(ar_dunning_deliveries_total); this is the channel's own view, so the names differ."""
from __future__ import annotations

from prometheus_client import Histogram

CHANNEL_SENDS = Histogram(
    "ar_dunning_channel_send_seconds", "Time to hand one message to its channel, by outcome",
    ["service", "channel", "outcome"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
