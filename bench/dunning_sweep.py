"""Dunning's first steps for 100,000 cases with e-mail pointed at a local SMTP sink.

Figures, all in the same run, against the same sink (aiosmtpd in its own process):
  raw      the sink's accept rate from aiosmtplib alone (same connections, one prebuilt
           message, no service): the ceiling
  channels render + MIME + Senders.send per message, no database
Target: the sweep < 60 s.

    python -m bench.dunning_sweep [--cases 100000] [--connections 8]
"""
from __future__ import annotations

import argparse
import asyncio
from datetime import date

from bench.common import report
from bench.dunning.smtp import channels_rate, raw_accept_rate, smtp_sink


async def measure(port: int, cases: int, connections: int) -> list[tuple[str, str]]:
    today = date.today()
    raw = await raw_accept_rate(port, min(cases, 50_000), connections, today)
    channels = await channels_rate(port, min(cases, 50_000), connections, today)
    return [
        ("SMTP sink raw accept rate (aiosmtplib, no service)", f"{raw:,.0f} messages/s over {connections} connections"),
        ("channels: render + MIME + send", f"{channels:,.0f} messages/s ({channels / raw:.2f}× raw)"),
    ]


def main(cases: int, connections: int) -> str:
    with smtp_sink() as (port, _accepted):
        rows = asyncio.run(measure(port, cases, connections))
    return report("Dunning: first steps by e-mail (local SMTP sink)", rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    main(args.cases, args.connections)
