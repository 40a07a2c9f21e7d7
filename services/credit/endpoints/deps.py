"""Role dependencies of the credit routes (admin passes every route check; segregation of
duties in the approval chain is a domain rule, checked in the handlers)."""
from __future__ import annotations

from typing import Annotated

from fastapi import Request

from shared.auth import Principal, require_roles
from shared.db import UnitOfWork

Reader = Annotated[Principal, require_roles("sales", "sales_manager", "sales_admin", "finance", "general_manager",
                                            "auditor", "collector", "integration")]
FileKeeper = Annotated[Principal, require_roles("finance", "sales_manager", "sales_admin")]
Finance = Annotated[Principal, require_roles("finance")]
Submitter = Annotated[Principal, require_roles("sales_manager")]
Decider = Annotated[Principal, require_roles("sales_admin", "finance", "general_manager")]
Overrider = Annotated[Principal, require_roles("finance", "general_manager")]
Visitor = Annotated[Principal, require_roles("sales_manager", "sales")]
CHECKERS = ("sales", "sales_manager", "integration", "finance")  # the credit check's plain route authorizes itself


def uow(request: Request) -> UnitOfWork:
    return request.app.state.runtime.uow()
