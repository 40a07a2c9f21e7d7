"""What reporting's handlers receive besides the unit of work and the command context."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from shared.clock import Clock
from shared.runtime import service_deps


@dataclass(frozen=True)
class ReportingDeps:
    clock: Clock


Deps = Annotated[ReportingDeps, Depends(service_deps)]
