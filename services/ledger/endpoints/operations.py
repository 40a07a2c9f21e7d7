"""The aging clock on demand and bulk imports."""
from __future__ import annotations

import json

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from services.ledger.endpoints.common import Finance, context, runtime
from services.ledger.handlers.imports import ImportMapping, run_import
from services.ledger.handlers.sweep import run_aging_sweep
from services.ledger.repository import imports as imports_repo
from services.ledger.schemas import ImportOut, SweepIn, SweepOut
from shared.errors import PROBLEM, NotFound, ValidationProblem, problem_responses

router = APIRouter(tags=["operations"], responses=problem_responses(401, 403))


@router.post("/aging-sweeps", response_model=SweepOut, summary="Run the aging clock for a business date",
             description="Emits one `overdue-threshold` event per (instalment, threshold) crossed by `as_of` and "
                         "not emitted before: re-running is harmless. Settled and disputed amounts are silent.",
             responses=problem_responses(422))
async def aging_sweep(body: SweepIn, request: Request, _: Finance) -> SweepOut:
    rt = runtime(request)
    result = await run_aging_sweep(rt.uow(), body.as_of, rt.state.get("config"))
    return SweepOut(as_of=result.as_of, examined=result.examined, crossings=result.crossings, events=result.events,
                    chunks=result.chunks, seconds=round(result.seconds, 3))


@router.post("/imports", status_code=201, response_model=ImportOut,
             summary="Import open items and their payments from CSV or XLSX",
             description="Multipart: `file`, `mapping` (JSON: `columns` ledger field -> header, `date_format`, "
                         "`currency`, `payment_terms`), `valid_rows_only`, `dry_run`. Every row is validated; the "
                         "result lists each rejected row with its reason. Nothing is imported unless every row "
                         "is valid (422 with the result) or `valid_rows_only` is set. A dry run returns 200.",
             responses={200: {"description": "Dry run", "model": ImportOut}, **problem_responses(422)})
async def import_file(request: Request, principal: Finance, file: UploadFile = File(...),
                      mapping: str = Form(..., description="JSON ImportMapping"),
                      valid_rows_only: bool = Form(False), dry_run: bool = Form(False)):
    try:
        parsed = ImportMapping.model_validate(json.loads(mapping))
    except (ValueError, ValidationError) as exc:
        errors = exc.errors() if isinstance(exc, ValidationError) else [{"loc": (), "msg": str(exc)}]
        message = "; ".join(e.get("msg", "") for e in errors)
        raise ValidationProblem.field("mapping", message or "not a valid mapping", "import.mapping") from None
    rt = runtime(request)
    data = await file.read(rt.state["config"].import_max_bytes + 1)
    if len(data) > rt.state["config"].import_max_bytes:
        raise ValidationProblem.field("file", "the file is too large: split it", "import.too_large")
    result = await run_import(rt.uow(), context(request, principal), data, file.filename or "upload", parsed,
                              valid_rows_only=valid_rows_only, dry_run=dry_run)
    out = ImportOut.model_validate(result.as_dict()).model_dump(mode="json")
    if result.status == "rejected":
        problem = ValidationProblem(f"{len(result.rejected)} of {result.total_rows} rows are invalid: nothing was "
                                    f"imported", errors=[{"field": f"rows[{r['row']}].{r['field']}", "rule": "import.row",
                                                          "message": r["reason"]} for r in result.rejected[:100]],
                                    result=out)
        return JSONResponse(problem.body(request.url.path), status_code=422, media_type=PROBLEM)
    return JSONResponse(out, status_code=200 if result.status == "dry_run" else 201)


@router.get("/imports/{batch_id}", response_model=ImportOut, summary="The result of an earlier import",
            responses=problem_responses(404))
async def get_import(batch_id: str, request: Request, _: Finance) -> ImportOut:
    async with runtime(request).uow() as uow:
        row = await imports_repo.get_import_batch(uow, batch_id)
    if row is None:
        raise NotFound(f"no import {batch_id!r}")
    return ImportOut.model_validate(json.loads(row.result))
