"""Who may call reporting's routes."""
from __future__ import annotations

from typing import Annotated

from shared.auth import requires, requires_page
from shared.context import Context
from shared.roles import AUDITOR, FINANCE, GENERAL_MANAGER, SALES_MANAGER

Reader = Annotated[Context, requires(FINANCE, GENERAL_MANAGER, SALES_MANAGER, AUDITOR)]
PageReader = Annotated[Context, requires_page(FINANCE, GENERAL_MANAGER, SALES_MANAGER, AUDITOR)]  # the dashboard
