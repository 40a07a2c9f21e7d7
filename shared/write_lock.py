"""A lock with two queues: requests first, background work (event delivery, jobs) after.

SQLite has one writer per database, so every unit of work on SQLite holds
`Database.write_lock` for its transaction. With a plain FIFO lock an HTTP request that
arrives while the event delivery has a few batches queued waits for all of them. This lock
hands over to a waiting foreground task before any background one: a request waits for
at most the transaction in progress. So that a steady stream of requests cannot hold
delivery back for ever, after `fairness` consecutive hand-overs to the foreground while
background work waited, one background waiter goes.

Whether the current task is background is a context variable (`background()`), so the
code that takes the lock (the unit of work, deep inside the consumer) needs no argument:
the delivery loop and the job runner mark their tasks. Ownership passes directly to the
next waiter on release, so nobody can barge in between.
"""
from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections import deque

_BACKGROUND: contextvars.ContextVar[bool] = contextvars.ContextVar("write_lock_background", default=False)


@contextlib.contextmanager
def background():
    """Everything awaited inside queues behind waiting foreground work for priority locks."""
    token = _BACKGROUND.set(True)
    try:
        yield
    finally:
        _BACKGROUND.reset(token)


def is_background() -> bool:
    return _BACKGROUND.get()


class PriorityLock:
    """asyncio.Lock's interface (`acquire`, `release`, `locked`, `async with`), two queues."""

    def __init__(self, fairness: int = 8) -> None:
        self.fairness = fairness
        self._locked = False
        self._foreground: deque[asyncio.Future] = deque()
        self._background: deque[asyncio.Future] = deque()
        self._foreground_run = 0  # consecutive hand-overs to the foreground while background waited

    def locked(self) -> bool:
        return self._locked

    @property
    def waiting(self) -> tuple[int, int]:
        """(foreground, background) tasks waiting."""
        return len(self._foreground), len(self._background)

    async def acquire(self, *, background: bool | None = None) -> bool:
        if not self._locked and not self._foreground and not self._background:
            self._locked = True
            return True
        queue = self._background if (is_background() if background is None else background) else self._foreground
        waiter = asyncio.get_running_loop().create_future()
        queue.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # it was handed to us as we were cancelled: pass it on
            else:
                with contextlib.suppress(ValueError):
                    queue.remove(waiter)
            raise
        return True

    def release(self) -> None:
        if not self._locked:
            raise RuntimeError("release of an unlocked PriorityLock")
        while True:
            waiter = self._next()
            if waiter is None:
                self._locked = False
                return
            if not waiter.done():  # a cancelled waiter is skipped
                waiter.set_result(True)  # the lock stays held: it now belongs to that waiter
                return

    def _next(self) -> asyncio.Future | None:
        if self._foreground and (not self._background or self._foreground_run < self.fairness):
            self._foreground_run = self._foreground_run + 1 if self._background else 0
            return self._foreground.popleft()
        self._foreground_run = 0
        return self._background.popleft() if self._background else None

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(self, *exc) -> None:
        self.release()


class RequestActivity:
    """HTTP requests in flight in this process (counted by the root app, shared/mounts.py).
    Background work that is about to start a unit of work can first let the requests in
    flight finish (`quiet`), up to a bound so a steady stream of requests never stops it:
    then a request shares the event loop with at most the batches already running."""

    def __init__(self) -> None:
        self.in_flight = 0
        self._quiet = asyncio.Event()
        self._quiet.set()

    def enter(self) -> None:
        self.in_flight += 1
        self._quiet.clear()

    def leave(self) -> None:
        self.in_flight -= 1
        if self.in_flight <= 0:
            self.in_flight = 0
            self._quiet.set()

    async def quiet(self, max_wait: float) -> None:
        if self.in_flight:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._quiet.wait(), max_wait)
