"""The actor the credit rules see: a person (or system) and the roles it holds (role
names: shared/roles.py). `department_head` (业务部门负责人) is not a login role of the
platform: it names who owes a customer visit (002 §2(4)).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from shared.roles import (  # noqa: F401  (the role names the credit rules use)
    ADMIN, AUDITOR, COLLECTOR, FINANCE, GENERAL_MANAGER, INTEGRATION, LEGAL, ROLES, SALES, SALES_ADMIN,
    SALES_MANAGER,
)

DEPARTMENT_HEAD = "department_head"


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
