"""What the ledger's handlers receive besides the unit of work and the command context:
built once per process by `bootstrap.dependencies` (tests build their own)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from services.ledger.config import LedgerConfig
from shared.clock import Clock
from shared.runtime import service_deps


@dataclass(frozen=True)
class LedgerDeps:
    config: LedgerConfig
    clock: Clock


#: for routes: `deps: Deps`
Deps = Annotated[LedgerDeps, Depends(service_deps)]
