"""Roles as plain strings, and the actor who holds them.

The HTTP layer authenticates a principal and hands the domain an `Actor`; the domain only
asks whether the actor holds a role. `department_head` (业务部门负责人) is not a login
role of the platform: it names who owes a customer visit (002 §2(4)).
"""
from __future__ import annotations

from dataclasses import dataclass, field

ADMIN = "admin"
FINANCE = "finance"
SALES = "sales"
SALES_MANAGER = "sales_manager"
SALES_ADMIN = "sales_admin"
GENERAL_MANAGER = "general_manager"
COLLECTOR = "collector"
LEGAL = "legal"
AUDITOR = "auditor"
INTEGRATION = "integration"
DEPARTMENT_HEAD = "department_head"

ALL_ROLES: frozenset[str] = frozenset({
    ADMIN, FINANCE, SALES, SALES_MANAGER, SALES_ADMIN, GENERAL_MANAGER,
    COLLECTOR, LEGAL, AUDITOR, INTEGRATION,
})


@dataclass(frozen=True, slots=True)
class Actor:
    """A person (or system) acting, with the roles it holds."""

    user_id: str
    roles: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.user_id:
            raise ValueError("an actor needs a user id")
        object.__setattr__(self, "roles", frozenset(self.roles))

    def has(self, role: str) -> bool:
        return role in self.roles
