"""Payments, their reversal, refunds of cash on account, and credit notes."""
from __future__ import annotations

from fastapi import APIRouter, Request, Response

from services.ledger.endpoints.common import Finance, Reader, Writer, context, runtime
from services.ledger.handlers import credit_notes, payments, views
from services.ledger.schemas import (CreditNoteIn, CreditNoteOut, PaymentIn, PaymentOut, RefundIn, RefundOut,
                                     ReopenedOut, ReversalIn, ReversalOut)
from shared.errors import problem_responses
from shared.events.ledger import PaymentReceivedV1

router = APIRouter(tags=["payments"], responses=problem_responses(401, 403))


@router.post("/payments", status_code=201, response_model=PaymentOut, summary="Record a payment",
             description="Explicit allocations first, the rest oldest due first; what is left stays as unapplied "
                         "cash and pays the next invoice. Publishes `payment-received` and `payment-allocated`. "
                         "The same body again returns 200; the same reference with other content is a 409.",
             responses={200: {"description": "Already recorded with the same content", "model": PaymentOut},
                        **problem_responses(409, 422)})
async def create_payment(body: PaymentIn, request: Request, principal: Writer, response: Response) -> PaymentOut:
    rt = runtime(request)
    outcome = await payments.record_payment(rt.uow(), PaymentReceivedV1(**body.model_dump()),
                                            context(request, principal), publish=True)
    async with rt.uow() as uow:
        view = await views.payment(uow, body.payment_reference)
    response.status_code = 201 if outcome.created else 200
    return PaymentOut.model_validate(view)


@router.get("/payments/{payment_reference}", response_model=PaymentOut, summary="One payment and what it paid",
            responses=problem_responses(404))
async def get_payment(payment_reference: str, request: Request, _: Reader) -> PaymentOut:
    async with runtime(request).uow() as uow:
        return PaymentOut.model_validate(await views.payment(uow, payment_reference))


@router.post("/payments/{payment_reference}/reversal", response_model=ReversalOut,
             summary="Reverse a payment (e.g. a bounced cheque)",
             description="Re-opens everything the payment paid and publishes `payment-reversed` (a red flag for "
                         "credit when bounced).", responses=problem_responses(404, 409, 422))
async def reverse_payment(payment_reference: str, body: ReversalIn, request: Request,
                          principal: Writer) -> ReversalOut:
    rt = runtime(request)
    out = await payments.reverse_payment(rt.uow(), payment_reference, context(request, principal),
                                         reason=body.reason, bounced=body.bounced,
                                         reversed_date=body.reversed_date)
    async with rt.uow() as uow:
        view = await views.payment(uow, payment_reference)
    return ReversalOut(payment_reference=payment_reference, reversed_date=out["reversed_date"],
                       reopened=[ReopenedOut(**line.model_dump()) for line in out["reopened"]],
                       payment=PaymentOut.model_validate(view))


@router.post("/refunds", status_code=201, response_model=RefundOut, summary="Refund cash on account",
             description="Pays back unapplied cash or credit (oldest first); publishes `refund-issued`.",
             responses=problem_responses(409, 422))
async def create_refund(body: RefundIn, request: Request, principal: Finance, response: Response) -> RefundOut:
    rt = runtime(request)
    out = await payments.record_refund(rt.uow(), context(request, principal), **body.model_dump())
    async with rt.uow() as uow:
        view = await views.refund(uow, body.refund_reference)
    response.status_code = 201 if out["created"] else 200
    return RefundOut.model_validate(view)


@router.post("/credit-notes", status_code=201, response_model=CreditNoteOut, summary="Issue a credit note",
             description="Against an invoice (up to its open amount) or, without one, credit on account applied "
                         "oldest due first. Publishes `credit-note-issued`.",
             responses={200: {"description": "Already recorded with the same content", "model": CreditNoteOut},
                        **problem_responses(409, 422)})
async def create_credit_note(body: CreditNoteIn, request: Request, principal: Writer,
                             response: Response) -> CreditNoteOut:
    rt = runtime(request)
    created = await credit_notes.record_credit_note(rt.uow(), context(request, principal), **body.model_dump())
    async with rt.uow() as uow:
        view = await views.credit_note(uow, body.credit_note_number)
    response.status_code = 201 if created else 200
    return CreditNoteOut.model_validate(view)


@router.get("/credit-notes/{credit_note_number}", response_model=CreditNoteOut, summary="One credit note",
            responses=problem_responses(404))
async def get_credit_note(credit_note_number: str, request: Request, _: Reader) -> CreditNoteOut:
    async with runtime(request).uow() as uow:
        return CreditNoteOut.model_validate(await views.credit_note(uow, credit_note_number))
