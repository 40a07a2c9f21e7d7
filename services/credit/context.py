"""What credit's handlers need besides the unit of work: the policy built from config.py, the
clock and, on PostgreSQL, the batched store of the checks that reserve nothing. Bound to the
runtime's database at start-up (`bootstrap.configure`), so the consumers, which receive only
a unit of work, find the same context as the routes."""
from __future__ import annotations

import weakref
from dataclasses import dataclass

from services.credit.config import CreditConfig, CreditPolicy, build_policy
from services.credit.repository.check_store import CheckStore
from shared.clock import Clock
from shared.db import Database, UnitOfWork

_BOUND: "weakref.WeakKeyDictionary[Database, CreditContext]" = weakref.WeakKeyDictionary()


@dataclass
class CreditContext:
    policy: CreditPolicy
    clock: Clock
    check_store: CheckStore | None = None  # PostgreSQL only; it uses the runtime's engine pool


def bind(runtime, config: CreditConfig | None = None) -> CreditContext:
    """Build the policy (from the environment unless `config` is given) for a runtime."""
    old = runtime.state.get("credit")
    store = old.check_store if old else (None if runtime.db.is_sqlite else CheckStore(runtime.db))
    ctx = CreditContext(build_policy(config), runtime.clock, store)
    runtime.state["credit"] = ctx
    _BOUND[runtime.db] = ctx
    return ctx


def of(uow: UnitOfWork) -> CreditContext:
    try:
        return _BOUND[uow.db]
    except KeyError:
        raise RuntimeError("the credit context is not bound to this database") from None
