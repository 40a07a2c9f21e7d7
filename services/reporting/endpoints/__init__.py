"""Reporting's HTTP API under /reporting/v1: thin routes, one view call each, one module per
area (a new area is a module and a line here)."""
from fastapi import APIRouter

from services.reporting.endpoints import activity, aging, exports, kpis, packs, people, provisions

router = APIRouter()
for module in (aging, kpis, provisions, people, activity, exports, packs):
    router.include_router(module.router)
