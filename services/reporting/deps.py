"""What reporting's handlers and views receive besides the unit of work and the command
context: built once per process by `bootstrap.dependencies` (tests build their own)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from services.reporting.config import ReportingConfig
from shared.clock import Clock
from shared.runtime import service_deps


@dataclass(frozen=True)
class ReportingDeps:
    config: ReportingConfig
    clock: Clock


#: for routes: `deps: Deps`
Deps = Annotated[ReportingDeps, Depends(service_deps)]
