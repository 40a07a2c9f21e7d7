"""Micro-batching (group commit): concurrent requests share database round trips.

Generic; its user is the credit check (`services/credit/repository/check_store.py`), on
whose hot path a round trip costs more of the process's CPU than the check itself (a send
and a receive system call, the driver's encoding and a task switch each). Each request
submits its item and awaits its own future; one drainer task at a time flushes everything
waiting as one batch, and what arrives meanwhile waits for the next flush. No timer: an idle system flushes a lone
request at once (low latency at low load) and a busy one fills its batches by itself.
After a flush the drainer yields once, so the requests it answered can submit their next
item (a check's insert after its read) in time for the next flush.

The drainer holds one connection while there is work, and a little longer (`idle_seconds`:
under load the next request is a moment away, and taking a connection from the pool again
costs round trips). A flush that fails fails exactly the requests of that batch, each with
its own exception from `failure`, and the connection is discarded (the `connect` context
manager sees the error); later requests get a new one.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")
_Waiter = tuple[Any, asyncio.Future]


class BatchFailed(Exception):
    """The default error of every request in a batch whose flush failed."""


class MicroBatcher(Generic[Item, Result]):
    def __init__(self, flush: Callable[[Any, list[Item]], Awaitable[Sequence[Result]]],
                 connect: Callable[[], AbstractAsyncContextManager[Any]], *, max_batch: int = 128,
                 idle_seconds: float = 0.02, failure: Callable[[Exception], Exception] | None = None,
                 name: str = "batch") -> None:
        """`flush(connection, items)` returns one result per item, in order."""
        self._flush = flush
        self._connect = connect
        self._max_batch = max_batch
        self._idle_seconds = idle_seconds
        self._failure = failure or (lambda exc: BatchFailed(f"{name} failed: {exc!r}"))
        self._name = name
        self._waiting: list[_Waiter] = []
        self._drainer: asyncio.Task | None = None
        self._arrived = asyncio.Event()

    async def submit(self, item: Item) -> Result:
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._drainer is None:
            self._drainer = asyncio.create_task(self._drain(), name=f"drain {self._name}")
        else:
            self._arrived.set()
        return await future

    async def _drain(self) -> None:
        batch: list[_Waiter] = []
        try:
            # The outer loop catches what arrived while the connection was being given back.
            while self._waiting:
                connected = False
                try:
                    async with self._connect() as connection:
                        connected = True
                        while await self._work_arrives():
                            batch = self._take()
                            results = await self._flush(connection, [item for item, _ in batch])
                            self._settle(batch, results)
                            batch = []
                            # Let the requests just answered run their next step before the
                            # next round is taken: what they submit next (a credit check's
                            # insert after its read) then joins the very next round rather
                            # than the one after it.
                            await asyncio.sleep(0)
                except Exception as exc:
                    if not connected:  # the oldest waiters get the error, so a dead database is no busy loop
                        batch = self._take()
                    self._fail(batch, exc)
                    batch = []
        finally:
            self._drainer = None
            # Only when cancelled (the loop is closing): nobody may wait forever.
            for _, future in batch + self._take(len(self._waiting)):
                future.cancel()

    async def _work_arrives(self) -> bool:
        if not self._waiting:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._idle_seconds):
                    await self._arrived.wait()
        return bool(self._waiting)

    def _take(self, size: int | None = None) -> list[_Waiter]:
        size = self._max_batch if size is None else size
        batch, self._waiting = self._waiting[:size], self._waiting[size:]
        return batch

    def _fail(self, batch: list[_Waiter], exc: Exception) -> None:
        log.error("%s: %d requests failed", self._name, len(batch), exc_info=exc)
        for _, future in batch:
            if not future.done():
                future.set_exception(self._failure(exc))

    @staticmethod
    def _settle(batch: list[_Waiter], results: Sequence[Result]) -> None:
        pairs = list(zip(batch, results, strict=True))  # a wrong count fails the batch, not some of it
        for (_, future), result in pairs:
            if not future.done():  # its request may have been cancelled
                future.set_result(result)
