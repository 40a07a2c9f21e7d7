"""PostgreSQL LISTEN on a connection of its own, kept up while the process runs.

For in-process caches of rows that other processes change: triggers `pg_notify` a channel
after their transaction commits, and the listener hands each payload to `on_notify`. A cache
is exact only while notifications flow, so the owner is told when they start
(`on_listening`: nothing heard before, start empty) and when they may have stopped
(`on_lost`: the connection closed, or a health probe failed or hung, e.g. a silent network
loss). It then reconnects with backoff. The connection comes from the service's engine
(same URL and settings) and is closed, never pooled, when given up: a pooled connection
would keep LISTENing for whoever takes it next.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from shared import metrics
from shared.db import Database

log = logging.getLogger(__name__)


class PgListener:
    def __init__(self, db: Database, channel: str, service: str, *, on_notify: Callable[[str], None],
                 on_listening: Callable[[], None], on_lost: Callable[[], None], probe_seconds: float = 10.0,
                 retry_seconds: tuple[float, float] = (0.5, 30.0)) -> None:
        self._db = db
        self.channel = channel
        self._on_notify = on_notify
        self._on_listening = on_listening
        self._on_lost = on_lost
        self._probe_seconds = probe_seconds
        self._retry_first, self._retry_max = retry_seconds
        self._task: asyncio.Task | None = None
        self._up = metrics.DB_LISTENING.labels(service, channel)

    def start(self) -> None:
        """Idempotent; needs the running loop (called on first use, not at import or configuration)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name=f"listen {self.channel}")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        delay = self._retry_first
        while True:
            try:
                await self._listen()
                delay = self._retry_first  # it was up: the next loss retries quickly again
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure means: not listening, retry
                log.warning("LISTEN %s failed (%r); retrying in %.1f s", self.channel, exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._retry_max)

    async def _listen(self) -> None:
        conn = await self._db.engine.connect()
        try:
            raw = (await conn.get_raw_connection()).driver_connection
            lost = asyncio.Event()
            raw.add_termination_listener(lambda _c: lost.set())
            await raw.add_listener(self.channel, self._notified)
            self._on_listening()
            self._up.set(1)
            log.info("listening on %s", self.channel)
            try:
                while not lost.is_set():
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self._probe_seconds):
                            await lost.wait()
                    if not lost.is_set():  # a probe: a silent network loss shows only here
                        async with asyncio.timeout(self._probe_seconds):
                            await raw.fetchval("SELECT 1")
                log.warning("LISTEN %s: connection lost; reconnecting", self.channel)
            finally:
                self._up.set(0)
                self._on_lost()
        finally:
            with contextlib.suppress(Exception):
                await conn.invalidate()  # closed, not pooled
            with contextlib.suppress(Exception):
                await conn.close()

    def _notified(self, _connection, _pid: int, _channel: str, payload: str) -> None:
        self._on_notify(payload)
