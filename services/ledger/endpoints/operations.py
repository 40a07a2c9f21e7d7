"""The aging clock on demand, bulk imports, and the payments parked until their invoice
is booked."""
from __future__ import annotations

import json

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from services.ledger import views
from services.ledger.auth import Finance
from services.ledger.deps import Deps
from services.ledger.handlers import parked
from services.ledger.handlers.imports import ImportMapping, run_import
from services.ledger.handlers.sweep import run_aging_sweep
from services.ledger.schemas import ImportOut, ParkedPaymentPage, PaymentOut, SweepIn, SweepOut
from shared.errors import RuleError
from shared.ids import IdPath, IdQuery
from shared.problems import problem_responses
from shared.runtime import Uow
from shared.wire import OffsetQuery

router = APIRouter(tags=["operations"], responses=problem_responses(401, 403))


@router.post("/aging-sweeps", response_model=SweepOut, summary="Run the aging clock for a business date",
             description="Emits one `overdue-threshold` event per (instalment, threshold) crossed by `as_of` and "
                         "not emitted before: re-running is harmless. Settled and disputed amounts are silent.",
             responses=problem_responses(422))
async def aging_sweep(body: SweepIn, deps: Deps, uow: Uow, ctx: Finance) -> SweepOut:
    result = await run_aging_sweep(deps, uow, ctx, body.as_of)
    return SweepOut(as_of=result.as_of, examined=result.examined, crossings=result.crossings, events=result.events,
                    chunks=result.chunks, seconds=round(result.seconds, 3))


@router.post("/imports", status_code=201, response_model=ImportOut,
             summary="Import open items and their payments from CSV or XLSX",
             description="Multipart: `file`, `mapping` (JSON: `columns` ledger field -> header, `date_format`, "
                         "`currency`, `payment_terms`), `valid_rows_only`, `dry_run`. Every row is validated; the "
                         "result lists each rejected row with its reason. Nothing is imported unless every row "
                         "is valid (422 with the result) or `valid_rows_only` is set. A dry run returns 200.",
             responses={200: {"description": "Dry run", "model": ImportOut}, **problem_responses(422)})
async def import_file(deps: Deps, uow: Uow, ctx: Finance, file: UploadFile = File(...),
                      mapping: str = Form(..., description="JSON ImportMapping"),
                      valid_rows_only: bool = Form(False), dry_run: bool = Form(False)):
    try:
        parsed = ImportMapping.model_validate(json.loads(mapping))
    except (ValueError, ValidationError) as exc:
        errors = exc.errors() if isinstance(exc, ValidationError) else [{"loc": (), "msg": str(exc)}]
        message = "; ".join(e.get("msg", "") for e in errors)
        raise RuleError(message or "not a valid mapping", "mapping", "import.mapping") from None
    data = await file.read(deps.config.import_max_bytes + 1)
    if len(data) > deps.config.import_max_bytes:
        raise RuleError("the file is too large: split it", "file", "import.too_large")
    result = await run_import(deps, uow, ctx, data, file.filename or "upload", parsed,
                              valid_rows_only=valid_rows_only, dry_run=dry_run)
    out = ImportOut.model_validate(result.as_dict()).model_dump(mode="json")
    if result.status == "rejected":
        raise RuleError(f"{len(result.rejected)} of {result.total_rows} rows are invalid: nothing was imported",
                        errors=[{"field": f"rows[{r['row']}].{r['field']}", "rule": "import.row",
                                 "message": r["reason"]} for r in result.rejected[:100]], result=out)
    return JSONResponse(out, status_code=200 if result.status == "dry_run" else 201)


@router.get("/imports/{batch_id}", response_model=ImportOut, summary="The result of an earlier import",
            responses=problem_responses(404))
async def get_import(batch_id: IdPath, deps: Deps, uow: Uow, ctx: Finance) -> ImportOut:
    return ImportOut.model_validate(await views.import_batch(deps, uow, ctx, batch_id))


@router.get("/parked-payments", response_model=ParkedPaymentPage,
            summary="Payments waiting for the invoice they name, oldest first",
            description="Billing's payment can arrive before its invoice (separate topics): it is parked and "
                        "applied the moment the invoice is booked. One still listed after a day or two names an "
                        "invoice that may never come: check with billing, or release it.")
async def list_parked(deps: Deps, uow: Uow, ctx: Finance, customer_id: IdQuery = None,
                      status: str = Query("parked", pattern="^(parked|applied|released)$"),
                      limit: int = Query(50, ge=1, le=500), offset: OffsetQuery = 0) -> ParkedPaymentPage:
    items, total = await views.parked_payments(deps, uow, ctx, customer_id=customer_id, status=status,
                                               limit=limit, offset=offset)
    return ParkedPaymentPage(items=items, total=total, limit=limit, offset=offset)


@router.post("/parked-payments/{payment_reference}/release", response_model=PaymentOut,
             summary="Book a parked payment now, without the invoices it cannot pay",
             description="Its lines naming invoices not booked (or another customer's) are dropped: that cash stays "
                         "on account and pays the next invoice. Publishes `payment-recorded`. Answers the payment "
                         "as booked.", responses=problem_responses(404, 409))
async def release_parked(payment_reference: IdPath, deps: Deps, uow: Uow, ctx: Finance) -> PaymentOut:
    await parked.release(deps, uow, ctx, payment_reference)
    return PaymentOut.model_validate(await views.payment(deps, uow, ctx, payment_reference))
