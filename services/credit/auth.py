"""Who may call credit's routes: each alias checks the roles and gives the command context
(shared/context.py) the handlers take. Admin passes every route check; segregation of
duties in the approval chain is a domain rule (`domain.approvals`)."""
from __future__ import annotations

from typing import Annotated

from shared.auth import requires
from shared.context import Context
from shared.roles import (AUDITOR, COLLECTOR, FINANCE, GENERAL_MANAGER, INTEGRATION, LEGAL, SALES, SALES_ADMIN,
                          SALES_MANAGER)

Reader = Annotated[Context, requires(SALES, SALES_MANAGER, SALES_ADMIN, FINANCE, GENERAL_MANAGER, AUDITOR,
                                     COLLECTOR, INTEGRATION)]
FileKeeper = Annotated[Context, requires(FINANCE, SALES_MANAGER, SALES_ADMIN)]
Finance = Annotated[Context, requires(FINANCE)]
#: who may submit or decide which application is the chain of its kind (domain.approvals, configuration)
Applicant = Annotated[Context, requires(SALES, SALES_MANAGER, SALES_ADMIN, FINANCE, GENERAL_MANAGER)]
Decider = Annotated[Context, requires(SALES_MANAGER, SALES_ADMIN, FINANCE, GENERAL_MANAGER, LEGAL)]
Overrider = Annotated[Context, requires(FINANCE, GENERAL_MANAGER)]
Visitor = Annotated[Context, requires(SALES_MANAGER, SALES)]
#: the credit check's plain route authorizes itself (shared.plain_route.authorize)
CHECKERS = (SALES, SALES_MANAGER, INTEGRATION, FINANCE)
