"""The ledger's HTTP API under /ledger/v1: thin routes, one handler call each."""
from fastapi import APIRouter

from services.ledger.endpoints import cases, customers, invoices, operations, payments

router = APIRouter()
for module in (invoices, payments, cases, customers, operations):
    router.include_router(module.router)
