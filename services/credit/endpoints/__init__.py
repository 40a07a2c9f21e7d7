"""Credit HTTP API (under /credit/v1): thin routes, body → one handler call → response."""
from __future__ import annotations

from fastapi import APIRouter

from services.credit.endpoints import applications, checks, customers

router = APIRouter()
router.include_router(checks.router)  # first: the sales hot path is matched before the other routes
router.include_router(customers.router)
router.include_router(applications.router)
