"""Dunning HTTP API (under /dunning/v1): thin routes, body → one handler call → view."""
from __future__ import annotations

from fastapi import APIRouter

from services.dunning.endpoints import cases, collectors, legal, policies

router = APIRouter()
router.include_router(policies.router)
router.include_router(cases.router)
router.include_router(collectors.router)
router.include_router(legal.router)
