"""Dunning's first steps for 100,000 cases with e-mail pointed at a local SMTP sink.

Figures, all in the same run, against the same sink (aiosmtpd in its own process):
  sweep    the service: `overdue-threshold` facts of the pre-due reminder through dunning's
           handler in consumer-sized batches (each case opens, its first step writes an
           e-mail to the message outbox), then the dispatcher delivering the outbox
           (bench/dunning/sweep.py; the invoices are booked first, not timed)
  raw      the sink's accept rate from aiosmtplib alone (same connections, one prebuilt
           message, no service): the ceiling for any sender
  channels render + MIME + Senders.send per message, no database
Target: the sweep < 60 s. Needs AR_BENCH_POSTGRES_URL (scripts/bench.sh starts one).

    python -m bench.dunning_sweep [--cases 100000] [--connections 8]
"""
from __future__ import annotations

import argparse
import asyncio
from datetime import date

from bench.common import report, verdict
from bench.dunning.smtp import channels_rate, raw_accept_rate, smtp_sink
from bench.dunning.sweep import run_sweep


async def measure(port: int, accepted, cases: int, connections: int) -> list[tuple[str, str]]:
    today = date.today()
    sweep = await run_sweep(port, cases, accepted)
    sample = min(cases, 50_000)
    raw = await raw_accept_rate(port, sample, connections, today)
    channels = await channels_rate(port, sample, connections, today)
    rate = sweep.sent / sweep.seconds if sweep.seconds else 0.0
    return [
        ("cases", f"{sweep.cases:,} (invoices booked first in {sweep.seed_seconds:.1f} s, not timed)"),
        ("opened + first step (facts → outbox)", f"{sweep.open_seconds:.1f} s: {sweep.opened:,} cases, "
                                                 f"{sweep.messages:,} messages"),
        ("dispatcher (outbox → SMTP)", f"{sweep.deliver_seconds:.1f} s: {sweep.sent:,} sent, {sweep.failed:,} failed, "
                                       f"{sweep.accepted:,} accepted by the sink"),
        ("sweep total", f"{sweep.seconds:.1f} s = {rate:,.0f} messages/s "
                        f"(target < 60 s: {verdict(sweep.seconds, 60, higher_is_better=False)})"),
        ("baseline: SMTP sink raw accept rate", f"{raw:,.0f} messages/s (aiosmtplib, {connections} connections, "
                                                "no service)"),
        ("channels alone: render + MIME + send", f"{channels:,.0f} messages/s ({channels / raw:.2f}× raw)"),
        ("ratio sweep / raw", f"{rate / raw:.2f}×"),
    ]


def main(cases: int, connections: int) -> str:
    with smtp_sink() as (port, accepted):
        rows = asyncio.run(measure(port, accepted, cases, connections))
    return report("Dunning: open cases and send their first step by e-mail (PostgreSQL, local SMTP sink)", rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    main(args.cases, args.connections)
