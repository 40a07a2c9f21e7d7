"""Role dependencies of the credit routes (admin passes every route check; segregation of
duties in the approval chain is a domain rule, checked in the handlers)."""
from __future__ import annotations

from typing import Annotated

from fastapi import Request

from shared.auth import Principal, current_principal, require_roles
from shared.db import UnitOfWork
from shared.errors import Forbidden

Reader = Annotated[Principal, require_roles("sales", "sales_manager", "sales_admin", "finance", "general_manager",
                                            "auditor", "collector", "integration")]
FileKeeper = Annotated[Principal, require_roles("finance", "sales_manager", "sales_admin")]
Finance = Annotated[Principal, require_roles("finance")]
Submitter = Annotated[Principal, require_roles("sales_manager")]
Decider = Annotated[Principal, require_roles("sales_admin", "finance", "general_manager")]
Overrider = Annotated[Principal, require_roles("finance", "general_manager")]
Visitor = Annotated[Principal, require_roles("sales_manager", "sales")]
CHECKERS = ("sales", "sales_manager", "integration", "finance")


async def authorize(request: Request, roles: tuple[str, ...]) -> Principal:
    """`require_roles` as a plain call, for the credit check (the sales hot path): FastAPI's
    dependency resolution costs about 30 µs a request there, a fifth of the route's own time."""
    principal = await current_principal(request)
    if not principal.has_any(roles):
        raise Forbidden(f"this action needs one of the roles: {', '.join(sorted(roles))}",
                        required_roles=sorted(roles))
    return principal


def uow(request: Request) -> UnitOfWork:
    return request.app.state.runtime.uow()
