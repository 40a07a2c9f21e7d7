"""Role names, defined once for every service: API keys hold them, routes require them,
domain rules (approval chains, segregation of duties) ask for them.

`admin` manages keys and configuration; it passes the routes' role checks but is no
business approval: a rule that needs a role (finance approving a write-off, a step of the
credit chain) asks for that role itself."""
from __future__ import annotations

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

ROLES: frozenset[str] = frozenset({
    ADMIN, FINANCE, SALES, SALES_MANAGER, SALES_ADMIN, GENERAL_MANAGER, COLLECTOR, LEGAL, AUDITOR, INTEGRATION,
})
