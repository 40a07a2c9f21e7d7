"""Invoices: record (201 new, 200 the same again, 409 the same number with other
content), read one, list, late fee on demand."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Request, Response

from services.ledger.endpoints.common import (Reader, Writer, config, context,
                                              runtime, today)
from services.ledger.handlers import invoices, views
from services.ledger.schemas import InvoiceIn, InvoiceOut, InvoicePage, LateFeeOut
from shared.errors import problem_responses
from shared.events.ledger import InvoiceIssuedV1

router = APIRouter(tags=["invoices"], responses=problem_responses(401, 403))


@router.post("/invoices", status_code=201, response_model=InvoiceOut, summary="Record an invoice",
             description="Publishes `invoice-issued`. The same body again returns 200 with the stored invoice; "
                         "the same number with other content is a 409.",
             responses={200: {"description": "Already recorded with the same content", "model": InvoiceOut},
                        **problem_responses(409, 422)})
async def create_invoice(body: InvoiceIn, request: Request, principal: Writer, response: Response) -> InvoiceOut:
    rt = runtime(request)
    payload = InvoiceIssuedV1(**body.model_dump())
    [outcome] = await invoices.record_invoices(rt.uow(), [payload], context(request, principal), publish=True)
    async with rt.uow() as uow:
        view = await views.invoice(uow, body.invoice_number, today(request), config(request))
    response.status_code = 201 if outcome.created else 200
    return InvoiceOut.model_validate(view)


@router.get("/invoices/{invoice_number}", response_model=InvoiceOut, summary="One invoice with its instalments",
            responses=problem_responses(404))
async def get_invoice(invoice_number: str, request: Request, _: Reader) -> InvoiceOut:
    async with runtime(request).uow() as uow:
        return InvoiceOut.model_validate(await views.invoice(uow, invoice_number, today(request), config(request)))


@router.get("/invoices", response_model=InvoicePage, summary="Invoices, filtered and paginated",
            responses=problem_responses(422))
async def list_invoices(request: Request, _: Reader, customer_id: str | None = None,
                        status: str | None = Query(None, pattern="^(open|partially_paid|settled|written_off)$"),
                        overdue_on: date | None = Query(None, description="with an instalment open and past due "
                                                                          "on this date"),
                        limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)) -> InvoicePage:
    async with runtime(request).uow() as uow:
        items, total = await views.invoices(uow, today(request), config(request), customer_id=customer_id,
                                            status=status, overdue_on=overdue_on, limit=limit, offset=offset)
    return InvoicePage(items=[InvoiceOut.model_validate(i) for i in items], total=total, limit=limit, offset=offset)


@router.get("/invoices/{invoice_number}/late-fee", response_model=LateFeeOut,
            summary="Late fee / interest on the open instalments, computed on demand (not booked)",
            responses=problem_responses(404, 422))
async def late_fee(invoice_number: str, request: Request, _: Reader,
                   as_of: date | None = Query(None, description="default today")) -> LateFeeOut:
    async with runtime(request).uow() as uow:
        out = await views.invoice_late_fee(uow, invoice_number, as_of or today(request), config(request))
    return LateFeeOut.model_validate({**out, "daily_rate": str(out["daily_rate"])})
