"""One active outbox relay per service: a PostgreSQL session advisory lock, held by a
connection of its own, and watched.

The lock lives exactly as long as that session. When PostgreSQL restarts (or the network
drops the connection) the lock is gone, and another worker can take it as soon as the
server is back. So the holder must notice first and stop publishing:

- asyncpg's termination listener fires as soon as the socket closes (a fast or immediate
  shutdown, a killed backend);
- a probe (`SELECT 1` on the lock connection, with a timeout) catches a silent loss;
- the relay checks the lease before every batch it hands to Kafka, and stops at once.

A new leader waits `takeover_seconds` after getting the lock before its first read: by
then the previous holder has noticed (within a probe interval) and marked what Kafka had
acknowledged, so it is not published a second time. Without that wait, the batches in
flight at the loss would be read again as unpublished.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib

import sqlalchemy as sa

from shared.db import Database

log = logging.getLogger(__name__)


class LeadershipLost(Exception):
    """The lock connection is gone: another relay may lead now."""


class Lease:
    def __init__(self, conn, service: str, probe_seconds: float) -> None:
        self.conn = conn
        self.service = service
        self.lost = asyncio.Event()
        self._probe_seconds = probe_seconds
        self._probe: asyncio.Task | None = None

    async def start(self) -> None:
        raw = (await self.conn.get_raw_connection()).driver_connection
        raw.add_termination_listener(lambda _c: self._lose("the lock connection was closed"))
        self._probe = asyncio.create_task(self._watch(raw), name=f"relay lease {self.service}")

    def _lose(self, why: str) -> None:
        if not self.lost.is_set():
            log.warning("outbox relay lost its leadership: %s; publishing stops", why,
                        extra={"service": self.service})
            self.lost.set()

    async def _watch(self, raw) -> None:
        while not self.lost.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._probe_seconds):
                    await self.lost.wait()
            if self.lost.is_set():
                return
            try:
                async with asyncio.timeout(self._probe_seconds):
                    await raw.fetchval("SELECT 1")
            except Exception as exc:  # noqa: BLE001 - any failure: the session may be gone
                self._lose(f"probe failed ({type(exc).__name__})")

    def check(self) -> None:
        if self.lost.is_set():
            raise LeadershipLost(self.service)

    async def release(self) -> None:
        self.lost.set()
        if self._probe is not None:
            self._probe.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._probe
        with contextlib.suppress(Exception):
            await self.conn.invalidate()  # never back into the pool: it may still hold the lock
        with contextlib.suppress(Exception):
            await self.conn.close()


async def acquire(db: Database, service: str, stop: asyncio.Event, *, retry_seconds: float = 2.0,
                  probe_seconds: float = 1.0, takeover_seconds: float = 3.0, on_standby=None) -> Lease | None:
    """Waits until this process holds the lock (None when `stop` is set first). Survives
    the database being down or restarting: it just keeps trying."""
    key = zlib.crc32(f"outbox-relay:{service}".encode())
    while not stop.is_set():
        conn = None
        try:
            conn = await db.engine.connect()
            if on_standby is not None:
                on_standby()
            while not stop.is_set():
                got = await conn.scalar(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key})
                await conn.commit()
                if got:
                    lease = Lease(conn, service, probe_seconds)
                    await lease.start()
                    conn = None
                    log.info("outbox relay is the leader; publishing in %.1f s", takeover_seconds,
                             extra={"service": service})
                    await _sleep_or_stop(stop, takeover_seconds)
                    return lease
                await _sleep_or_stop(stop, retry_seconds)
        except Exception as exc:  # noqa: BLE001 - the database is away: try again later
            log.warning("outbox relay cannot reach the database for its lock: %s", exc, extra={"service": service})
            await _sleep_or_stop(stop, retry_seconds)
        finally:
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.invalidate()
                with contextlib.suppress(Exception):
                    await conn.close()
    return None


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await stop.wait()
