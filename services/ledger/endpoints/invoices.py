"""Invoices: record (201 new, 200 the same again, 409 the same number with other
content), read one, list, late fee on demand."""
from __future__ import annotations


from fastapi import APIRouter, Query, Response

from services.ledger import views
from services.ledger.auth import Reader, Writer
from services.ledger.deps import Deps
from services.ledger.handlers import due_dates, invoices
from services.ledger.schemas import InvoiceIn, InvoiceOut, InvoicePage, LateFeeOut, ReceiptIn
from shared.events.ledger import InvoiceIssuedV1
from shared.ids import IdPath, IdQuery
from shared.problems import problem_responses
from shared.runtime import Uow
from shared.wire import DateIn, OffsetQuery

router = APIRouter(tags=["invoices"], responses=problem_responses(401, 403))


@router.post("/invoices", status_code=201, response_model=InvoiceOut, summary="Record an invoice",
             description="Publishes `invoice-recorded` (the invoice as booked). The same body again returns 200 with "
                         "the stored invoice; the same number with other content is a 409.",
             responses={200: {"description": "Already recorded with the same content", "model": InvoiceOut},
                        **problem_responses(409, 422)})
async def create_invoice(body: InvoiceIn, deps: Deps, uow: Uow, ctx: Writer, response: Response) -> InvoiceOut:
    [outcome] = await invoices.record_invoices(deps, uow, [(InvoiceIssuedV1(**body.model_dump()), ctx)])
    response.status_code = 201 if outcome.created else 200
    return InvoiceOut.model_validate(await views.invoice(deps, uow, ctx, body.invoice_number))


@router.get("/invoices/{invoice_number}", response_model=InvoiceOut, summary="One invoice with its instalments",
            responses=problem_responses(404))
async def get_invoice(invoice_number: IdPath, deps: Deps, uow: Uow, ctx: Reader) -> InvoiceOut:
    return InvoiceOut.model_validate(await views.invoice(deps, uow, ctx, invoice_number))


@router.get("/invoices", response_model=InvoicePage, summary="Invoices, filtered and paginated",
            responses=problem_responses(422))
async def list_invoices(deps: Deps, uow: Uow, ctx: Reader, customer_id: IdQuery = None,
                        status: str | None = Query(None, pattern="^(open|partially_paid|settled|written_off)$"),
                        overdue_on: DateIn | None = Query(None, description="with an instalment open and past due "
                                                                          "on this date"),
                        limit: int = Query(50, ge=1, le=500), offset: OffsetQuery = 0) -> InvoicePage:
    items, total = await views.invoices(deps, uow, ctx, customer_id=customer_id, status=status,
                                        overdue_on=overdue_on, limit=limit, offset=offset)
    return InvoicePage(items=[InvoiceOut.model_validate(i) for i in items], total=total, limit=limit, offset=offset)


@router.post("/invoices/{invoice_number}/receipt", response_model=InvoiceOut,
             summary="Record that the customer received the invoice (RECEIPT+N terms start counting)",
             description="An invoice on RECEIPT+N terms (票到后N天) has no due date until the customer signs for it: "
                         "this sets its instalments due N days after `received_date` and publishes "
                         "`invoice-due-dates-changed`. On other terms the receipt and its proof are kept as evidence "
                         "and no due date moves. The same receipt again is a no-op; another date is a 409.",
             responses=problem_responses(404, 409, 422))
async def record_receipt(invoice_number: IdPath, body: ReceiptIn, deps: Deps, uow: Uow,
                         ctx: Writer) -> InvoiceOut:
    await due_dates.record_receipt(deps, uow, ctx, invoice_number, received=body.received_date, proof=body.proof)
    return InvoiceOut.model_validate(await views.invoice(deps, uow, ctx, invoice_number))


@router.get("/invoices/{invoice_number}/late-fee", response_model=LateFeeOut,
            summary="Late fee / interest on the open instalments, computed on demand (not booked)",
            responses=problem_responses(404, 422))
async def late_fee(invoice_number: IdPath, deps: Deps, uow: Uow, ctx: Reader,
                   as_of: DateIn | None = Query(None, description="default today")) -> LateFeeOut:
    out = await views.invoice_late_fee(deps, uow, ctx, invoice_number, as_of)
    return LateFeeOut.model_validate({**out, "daily_rate": str(out["daily_rate"])})
