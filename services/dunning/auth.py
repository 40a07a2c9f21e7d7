"""Who may call dunning's routes. Collectors see their own cases, the others all of them
(`views.sees_all`)."""
from __future__ import annotations

from typing import Annotated

from shared.auth import requires
from shared.context import Context
from shared.roles import AUDITOR, COLLECTOR, FINANCE, GENERAL_MANAGER, LEGAL, SALES_MANAGER

Reader = Annotated[Context, requires(COLLECTOR, LEGAL, FINANCE, SALES_MANAGER, GENERAL_MANAGER, AUDITOR)]
Collector = Annotated[Context, requires(COLLECTOR, FINANCE, SALES_MANAGER, GENERAL_MANAGER)]
PolicyKeeper = Annotated[Context, requires(FINANCE, GENERAL_MANAGER)]
Legal = Annotated[Context, requires(LEGAL, GENERAL_MANAGER)]
#: roles that see every case; a collector alone sees the cases assigned to it
MANAGERS = frozenset({FINANCE, SALES_MANAGER, GENERAL_MANAGER, LEGAL, AUDITOR, "admin"})
