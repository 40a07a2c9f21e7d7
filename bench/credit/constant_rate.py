"""An open-loop, constant-rate HTTP/1.1 client on raw asyncio streams (wrk2-style): each
request has a scheduled send time, and its latency is measured from that time, so a
stalled server cannot hide its queueing (no coordinated omission). Loopback only,
bounded in time and count. The client's own pauses would count as the server's latency, so
the cyclic collector is kept off this process's long-lived heap while it measures."""
from __future__ import annotations

import asyncio
import gc
import time


def _percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


async def _connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, jobs: asyncio.Queue,
                      results: list, errors: list, make_request) -> None:
    try:
        while True:
            item = await jobs.get()
            if item is None:
                return
            scheduled, n = item
            writer.write(make_request(n))
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            status = int(head.split(b" ", 2)[1])
            if status != 200:
                errors.append(status)
            results.append(time.perf_counter() - scheduled)
    finally:
        writer.close()


async def run(host: str, port: int, rate: float, seconds: float, make_request, connections: int = 32,
              stop: asyncio.Event | None = None) -> dict:
    """`rate` requests/s for `seconds` (or until `stop` is set, if given, whichever is first)."""
    # The benchmark process imports the service to seed its database: a full collection of
    # that heap pauses this client for ~50 ms, which would show as the server's p99.
    gc.collect()
    gc.freeze()
    try:
        return await _run(host, port, rate, seconds, make_request, connections, stop)
    finally:
        gc.unfreeze()


async def _run(host: str, port: int, rate: float, seconds: float, make_request, connections: int,
               stop: asyncio.Event | None) -> dict:
    jobs: asyncio.Queue = asyncio.Queue()
    results: list[float] = []
    errors: list[int] = []
    # Connected before the clock starts, as wrk does: connection set-up is not a request's latency.
    streams = await asyncio.gather(*(asyncio.open_connection(host, port) for _ in range(connections)))
    workers = [asyncio.create_task(_connection(reader, writer, jobs, results, errors, make_request))
               for reader, writer in streams]
    total = int(rate * seconds)
    start = time.perf_counter()
    sent = total
    for n in range(total):
        if stop is not None and stop.is_set():
            sent = n
            break
        scheduled = start + n / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        jobs.put_nowait((scheduled, n))
    for _ in workers:
        jobs.put_nowait(None)
    await asyncio.wait_for(asyncio.gather(*workers), timeout=seconds + 60)
    elapsed = time.perf_counter() - start
    lat = sorted(results)
    return {"sent": sent, "completed": len(results), "errors": len(errors), "achieved_rps": len(results) / elapsed,
            "seconds": elapsed, "p50_ms": _percentile(lat, 50) * 1000, "p95_ms": _percentile(lat, 95) * 1000,
            "p99_ms": _percentile(lat, 99) * 1000,
            "max_ms": (lat[-1] * 1000) if lat else float("nan")}
