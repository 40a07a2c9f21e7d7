"""Who may call dunning's routes."""
from __future__ import annotations

from typing import Annotated

from shared.auth import requires
from shared.context import Context
from shared.roles import AUDITOR, COLLECTOR, FINANCE, LEGAL, SALES_MANAGER

Reader = Annotated[Context, requires(COLLECTOR, LEGAL, FINANCE, SALES_MANAGER, AUDITOR)]
