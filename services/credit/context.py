"""What credit's handlers need besides the unit of work: the policy built from config.py, the
clock and, on PostgreSQL, the batched store of the checks that reserve nothing and the
cache of the credit state they read, kept exact by a LISTEN connection
(`repository.state_cache`). Bound to the runtime's database at start-up
(`bootstrap.configure`), so the consumers, which receive only a unit of work, find the same
context as the routes."""
from __future__ import annotations

import weakref
from dataclasses import dataclass

from services.credit.config import CreditConfig, CreditPolicy, build_policy
from services.credit.repository.check_store import CheckStore
from services.credit.repository.state_cache import CHANNEL, CreditStateCache
from shared import metrics
from shared.clock import Clock
from shared.db import Database, UnitOfWork
from shared.listen import PgListener

_BOUND: "weakref.WeakKeyDictionary[Database, CreditContext]" = weakref.WeakKeyDictionary()


@dataclass
class CreditContext:
    policy: CreditPolicy
    clock: Clock
    check_store: CheckStore | None = None  # PostgreSQL only; it uses the runtime's engine pool
    states: CreditStateCache | None = None  # PostgreSQL only, unless disabled by configuration
    listener: PgListener | None = None  # keeps `states` exact; started by the first check

    def state_cache(self) -> CreditStateCache | None:
        if self.listener is not None:
            self.listener.start()  # idempotent; a process that serves no check never listens
        return self.states


def bind(runtime, config: CreditConfig | None = None) -> CreditContext:
    """Build the policy (from the environment unless `config` is given) for a runtime."""
    config = config or CreditConfig()
    old = getattr(runtime, "deps", None)
    if old is not None:
        store, states, listener = old.check_store, old.states, old.listener
    elif runtime.db.is_sqlite:
        store, states, listener = None, None, None
    else:
        store, states, listener = CheckStore(runtime.db), *_state_cache(runtime, config.state_cache_entries)
    ctx = CreditContext(build_policy(config), runtime.clock, store, states, listener)
    runtime.deps = ctx
    _BOUND[runtime.db] = ctx
    return ctx


def _state_cache(runtime, entries: int) -> tuple[CreditStateCache | None, PgListener | None]:
    if entries == 0:
        return None, None
    lookups = {result: metrics.CACHE_LOOKUPS.labels(runtime.name, "credit_state", result)
               for result in ("hit", "miss", "off")}
    states = CreditStateCache(entries, count=lambda result: lookups[result].inc())
    runtime.db.after_commit.append(states.invalidate_all)  # this process's writes: at once
    listener = PgListener(runtime.db, CHANNEL, runtime.name, on_notify=states.notified,
                          on_listening=states.start_listening, on_lost=states.stop_listening)
    return states, listener


async def close(ctx: CreditContext) -> None:
    if ctx is not None and ctx.listener is not None:
        await ctx.listener.close()


def of(uow: UnitOfWork) -> CreditContext:
    try:
        return _BOUND[uow.db]
    except KeyError:
        raise RuntimeError("the credit context is not bound to this database") from None
