"""What credit's handlers receive besides the unit of work and the command context: the
policy built from `CreditConfig` (read once), the clock and, on PostgreSQL, the batched
store of the checks that reserve nothing and the cache of the credit state they read,
kept exact by its LISTEN connection. Built once per process by `bootstrap.dependencies`
(tests build their own)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from services.credit.config import CreditPolicy
from services.credit.repository.check_store import CheckStore
from services.credit.repository.state_cache import CreditStateCache
from shared.clock import Clock
from shared.listen import PgListener
from shared.runtime import service_deps


@dataclass(frozen=True)
class CreditDeps:
    policy: CreditPolicy
    clock: Clock
    check_store: CheckStore | None = None  # PostgreSQL only; it uses the runtime's engine pool
    states: CreditStateCache | None = None  # PostgreSQL only, unless disabled by configuration
    listener: PgListener | None = None  # keeps `states` exact; started by the first check

    def state_cache(self) -> CreditStateCache | None:
        if self.listener is not None:
            self.listener.start()  # idempotent; a process that serves no check never listens
        return self.states


#: for routes: `deps: Deps`
Deps = Annotated[CreditDeps, Depends(service_deps)]
