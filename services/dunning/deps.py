"""What dunning's handlers receive besides the unit of work and the command context: the
configuration (read once), the clock and the message sender (the channels, or a test's).
Built once per process by `bootstrap.dependencies` (tests build their own)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from services.dunning.config import DunningConfig
from services.dunning.delivery import Sender
from shared.clock import Clock
from shared.runtime import service_deps


@dataclass(frozen=True)
class DunningDeps:
    config: DunningConfig
    clock: Clock
    send: Sender
    service: str = "dunning"


#: for routes: `deps: Deps`
Deps = Annotated[DunningDeps, Depends(service_deps)]
