"""What the ledger's routes share: role dependencies and the command context.
(`Idempotency-Key` on POSTs is handled for every service by shared.idempotency; the
ledger's own business keys make a repeated invoice or payment harmless anyway.)"""
from __future__ import annotations

from typing import Annotated

from fastapi import Request

from services.ledger.handlers.common import Context
from shared.auth import ROLES, Principal, require_roles

READ_ROLES = ("finance", "sales", "sales_manager", "collector", "legal", "auditor", "integration", "general_manager")
Reader = Annotated[Principal, require_roles(*READ_ROLES)]
Writer = Annotated[Principal, require_roles("finance", "integration")]
Finance = Annotated[Principal, require_roles("finance")]
DisputeRole = Annotated[Principal, require_roles("finance", "sales", "collector")]
Approver = Annotated[Principal, require_roles("finance", "general_manager")]
def runtime(request: Request):
    return request.app.state.runtime


def context(request: Request, principal: Principal) -> Context:
    rt = runtime(request)
    roles = ROLES if "admin" in principal.roles else principal.roles
    return Context(source="rest", actor=principal.key_id, roles=frozenset(roles), today=rt.clock.today(),
                   config=rt.state.get("config"))


def today(request: Request):
    return runtime(request).clock.today()


def config(request: Request):
    return runtime(request).state["config"]
