"""Payments, their reversal, refunds of cash on account, and credit notes."""
from __future__ import annotations

from fastapi import APIRouter, Response

from services.ledger import views
from services.ledger.auth import Finance, Reader, Writer
from services.ledger.deps import Deps
from services.ledger.handlers import credit_notes, payments
from services.ledger.schemas import (CreditNoteIn, CreditNoteOut, PaymentIn, PaymentOut, RefundIn, RefundOut,
                                     ReopenedOut, ReversalIn, ReversalOut)
from shared.events.ledger import PaymentReceivedV1
from shared.ids import IdPath
from shared.problems import problem_responses
from shared.runtime import Uow

router = APIRouter(tags=["payments"], responses=problem_responses(401, 403))


@router.post("/payments", status_code=201, response_model=PaymentOut, summary="Record a payment",
             description="Explicit allocations first, the rest oldest due first; what is left stays as unapplied "
                         "cash and pays the next invoice. Publishes `payment-recorded` and `payment-allocated`. "
                         "The same body again returns 200; the same reference with other content is a 409.",
             responses={200: {"description": "Already recorded with the same content", "model": PaymentOut},
                        **problem_responses(409, 422)})
async def create_payment(body: PaymentIn, deps: Deps, uow: Uow, ctx: Writer, response: Response) -> PaymentOut:
    [outcome] = await payments.record_payments(deps, uow, [(PaymentReceivedV1(**body.model_dump()), ctx)])
    response.status_code = 201 if outcome.created else 200
    return PaymentOut.model_validate(await views.payment(deps, uow, ctx, body.payment_reference))


@router.get("/payments/{payment_reference}", response_model=PaymentOut, summary="One payment and what it paid",
            responses=problem_responses(404))
async def get_payment(payment_reference: IdPath, deps: Deps, uow: Uow, ctx: Reader) -> PaymentOut:
    return PaymentOut.model_validate(await views.payment(deps, uow, ctx, payment_reference))


@router.post("/payments/{payment_reference}/reversal", response_model=ReversalOut,
             summary="Reverse a payment (e.g. a bounced cheque)",
             description="Re-opens everything the payment paid and publishes `payment-reversed` (a red flag for "
                         "credit when bounced).", responses=problem_responses(404, 409, 422))
async def reverse_payment(payment_reference: IdPath, body: ReversalIn, deps: Deps, uow: Uow,
                          ctx: Writer) -> ReversalOut:
    out = await payments.reverse_payment(deps, uow, ctx, payment_reference, reason=body.reason,
                                         bounced=body.bounced, reversed_date=body.reversed_date)
    return ReversalOut(payment_reference=payment_reference, reversed_date=out["reversed_date"],
                       reopened=[ReopenedOut(**line.model_dump()) for line in out["reopened"]],
                       payment=PaymentOut.model_validate(await views.payment(deps, uow, ctx, payment_reference)))


@router.post("/refunds", status_code=201, response_model=RefundOut, summary="Refund cash on account",
             description="Pays back unapplied cash or credit (oldest first); publishes `refund-issued`. The same "
                         "refund again returns 200 with the stored one.",
             responses={200: {"description": "Already recorded with the same content", "model": RefundOut},
                        **problem_responses(409, 422)})
async def create_refund(body: RefundIn, deps: Deps, uow: Uow, ctx: Finance, response: Response) -> RefundOut:
    out = await payments.record_refund(deps, uow, ctx, **body.model_dump())
    response.status_code = 201 if out["created"] else 200
    return RefundOut.model_validate(await views.refund(deps, uow, ctx, body.refund_reference))


@router.post("/credit-notes", status_code=201, response_model=CreditNoteOut, summary="Issue a credit note",
             description="Against an invoice (up to its open amount) or, without one, credit on account applied "
                         "oldest due first. Publishes `credit-note-issued`.",
             responses={200: {"description": "Already recorded with the same content", "model": CreditNoteOut},
                        **problem_responses(409, 422)})
async def create_credit_note(body: CreditNoteIn, deps: Deps, uow: Uow, ctx: Writer,
                             response: Response) -> CreditNoteOut:
    created = await credit_notes.record_credit_note(deps, uow, ctx, **body.model_dump())
    response.status_code = 201 if created else 200
    return CreditNoteOut.model_validate(await views.credit_note(deps, uow, ctx, body.credit_note_number))


@router.get("/credit-notes/{credit_note_number}", response_model=CreditNoteOut, summary="One credit note",
            responses=problem_responses(404))
async def get_credit_note(credit_note_number: IdPath, deps: Deps, uow: Uow, ctx: Reader) -> CreditNoteOut:
    return CreditNoteOut.model_validate(await views.credit_note(deps, uow, ctx, credit_note_number))
