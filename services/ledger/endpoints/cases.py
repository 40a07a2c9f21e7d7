"""Disputes and write-offs: the two ways an amount stops being collected."""
from __future__ import annotations


from fastapi import APIRouter, Query

from services.ledger import views
from services.ledger.auth import Approver, DisputeRole, Finance, Reader
from services.ledger.deps import Deps
from services.ledger.handlers import disputes, write_offs
from services.ledger.schemas import (ApprovalIn, DisputeIn, DisputeOut, DisputePage, ResolutionIn, WriteOffIn,
                                     WriteOffOut, WriteOffPage)
from shared.ids import IdPath, IdQuery
from shared.problems import problem_responses
from shared.runtime import Uow
from shared.wire import DateIn, OffsetQuery

router = APIRouter(tags=["disputes and write-offs"], responses=problem_responses(401, 403))


@router.post("/invoices/{invoice_number}/disputes", status_code=201, response_model=DisputeOut,
             summary="Open a dispute on an invoice or part of it",
             description="The disputed amount is not collected while open (no allocation of cash on account, no "
                         "aging events); fact-finding is due in 15 working days. Publishes `dispute-opened`.",
             responses=problem_responses(404, 409, 422))
async def open_dispute(invoice_number: IdPath, body: DisputeIn, deps: Deps, uow: Uow, ctx: DisputeRole) -> DisputeOut:
    dispute_id = await disputes.open_(deps, uow, ctx, invoice_number, **body.model_dump())
    return DisputeOut.model_validate(await views.dispute(deps, uow, ctx, dispute_id))


@router.get("/disputes", response_model=DisputePage, summary="Disputes to work on, the nearest deadline first",
            description="Open and investigating disputes by default (the dispute team's list), with the days left "
                        "to the fact-finding deadline; `due_by` keeps those due by a date (e.g. this week).",
            responses=problem_responses(422))
async def list_disputes(deps: Deps, uow: Uow, ctx: Reader, customer_id: IdQuery = None,
                        status: str = Query("open", pattern="^(open|resolved|all)$",
                                            description="open (open or investigating), resolved, all"),
                        due_by: DateIn | None = None, limit: int = Query(50, ge=1, le=500),
                        offset: OffsetQuery = 0) -> DisputePage:
    statuses = {"open": ("open", "investigating"), "resolved": ("resolved_valid", "resolved_invalid", "withdrawn"),
                "all": ("open", "investigating", "resolved_valid", "resolved_invalid", "withdrawn")}[status]
    items, total = await views.disputes(deps, uow, ctx, statuses=statuses, customer_id=customer_id, due_by=due_by,
                                        limit=limit, offset=offset)
    return DisputePage(items=items, total=total, limit=limit, offset=offset)


@router.get("/disputes/{dispute_id}", response_model=DisputeOut, summary="One dispute",
            responses=problem_responses(404))
async def get_dispute(dispute_id: IdPath, deps: Deps, uow: Uow, ctx: Reader) -> DisputeOut:
    return DisputeOut.model_validate(await views.dispute(deps, uow, ctx, dispute_id))


@router.post("/disputes/{dispute_id}/investigation", response_model=DisputeOut,
             summary="Record that fact-finding started", responses=problem_responses(404, 409, 422))
async def investigate(dispute_id: IdPath, deps: Deps, uow: Uow, ctx: DisputeRole) -> DisputeOut:
    await disputes.investigate(deps, uow, ctx, dispute_id)
    return DisputeOut.model_validate(await views.dispute(deps, uow, ctx, dispute_id))


@router.post("/disputes/{dispute_id}/resolution", response_model=DisputeOut, summary="Resolve a dispute",
             description="valid (credit_note, discount, return_offset: a credit note is booked; instalments: the "
                         "disputed amount is rescheduled), invalid or withdrawn (collection resumes). Publishes "
                         "`dispute-resolved` (and `credit-note-issued`).",
             responses=problem_responses(404, 409, 422))
async def resolve(dispute_id: IdPath, body: ResolutionIn, deps: Deps, uow: Uow, ctx: DisputeRole) -> DisputeOut:
    await disputes.resolve(deps, uow, ctx, dispute_id, **body.model_dump())
    return DisputeOut.model_validate(await views.dispute(deps, uow, ctx, dispute_id))


@router.post("/invoices/{invoice_number}/write-offs", status_code=201, response_model=WriteOffOut,
             summary="Request a write-off (finance)",
             description="Needs a reason and grounds: the invoice overdue at least the configured days (180 by "
                         "default) or a documented cause with its reference. Takes effect only when another "
                         "person approves it (finance or general manager; an admin key is not a business role).",
             responses=problem_responses(404, 422))
async def request_write_off(invoice_number: IdPath, body: WriteOffIn, deps: Deps, uow: Uow,
                            ctx: Finance) -> WriteOffOut:
    write_off_id = await write_offs.request(deps, uow, ctx, invoice_number, amount=body.amount, reason=body.reason,
                                            cause=body.cause, cause_reference=body.cause_reference)
    return WriteOffOut.model_validate(await views.write_off(deps, uow, ctx, write_off_id))


@router.get("/write-offs", response_model=WriteOffPage, summary="Write-offs waiting for a decision, oldest first",
            description="The approvers' inbox: `status=requested` (default); also approved or rejected ones.",
            responses=problem_responses(422))
async def list_write_offs(deps: Deps, uow: Uow, ctx: Reader, customer_id: IdQuery = None,
                          status: str = Query("requested", pattern="^(requested|approved|rejected)$"),
                          limit: int = Query(50, ge=1, le=500),
                          offset: OffsetQuery = 0) -> WriteOffPage:
    items, total = await views.write_offs(deps, uow, ctx, status=status, customer_id=customer_id, limit=limit,
                                          offset=offset)
    return WriteOffPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/write-offs/{write_off_id}", response_model=WriteOffOut, summary="One write-off",
            responses=problem_responses(404))
async def get_write_off(write_off_id: IdPath, deps: Deps, uow: Uow, ctx: Reader) -> WriteOffOut:
    return WriteOffOut.model_validate(await views.write_off(deps, uow, ctx, write_off_id))


@router.post("/write-offs/{write_off_id}/approval", response_model=WriteOffOut,
             summary="Approve or reject a write-off (finance or general manager, not the requester)",
             description="Approval books the write-off and publishes `invoice-written-off`. Recovery continues: "
                         "a payment allocated to the invoice beyond its open amount is recorded as a recovery.",
             responses=problem_responses(404, 409, 422))
async def decide(write_off_id: IdPath, body: ApprovalIn, deps: Deps, uow: Uow, ctx: Approver) -> WriteOffOut:
    await write_offs.decide(deps, uow, ctx, write_off_id, approve=body.decision == "approve", note=body.note or "",
                            effective_date=body.effective_date)
    return WriteOffOut.model_validate(await views.write_off(deps, uow, ctx, write_off_id))
