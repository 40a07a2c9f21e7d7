"""Who may call the ledger's routes: each alias checks the roles and gives the command
context (shared/context.py) the handlers take."""
from __future__ import annotations

from typing import Annotated

from shared.auth import requires
from shared.context import Context
from shared.roles import (AUDITOR, COLLECTOR, FINANCE, GENERAL_MANAGER, INTEGRATION, LEGAL, SALES, SALES_MANAGER)

READ_ROLES = (FINANCE, SALES, SALES_MANAGER, COLLECTOR, LEGAL, AUDITOR, INTEGRATION, GENERAL_MANAGER)
Reader = Annotated[Context, requires(*READ_ROLES)]
Writer = Annotated[Context, requires(FINANCE, INTEGRATION)]
Finance = Annotated[Context, requires(FINANCE)]
DisputeRole = Annotated[Context, requires(FINANCE, SALES, COLLECTOR)]
Approver = Annotated[Context, requires(FINANCE, GENERAL_MANAGER)]
