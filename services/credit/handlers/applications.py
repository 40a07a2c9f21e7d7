"""Credit applications through the approval chain of their kind (`domain.approvals`: seed
002's chains, configuration), stored with each application when it is submitted. Every step
is stored (application_steps). The final approval changes the profile and is published."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.credit import repository
from services.credit.deps import CreditDeps
from services.credit.domain.approvals import (
    ApplicationKind, ApplicationState, ApprovalChain, AuditEntry, CreditApplication, Decision,
    GradeLimitTermChange, TemporaryLimitRequest, TermExtensionRequest, check_fields, decide, submit_application,
)
from services.credit.domain.grading import special_approval_for
from services.credit.domain.limits import PolicyException, beyond_policy, check_justification
from services.credit.handlers import grading
from services.credit.handlers.common import actor_of, history, money
from services.credit.tables import ApplicationRow, ApplicationStepRow, CreditProfileRow, TemporaryLimitRow
from shared.context import Context
from shared.db import UnitOfWork, as_utc
from shared.errors import NotFound, RuleError
from shared.events.credit import CreditLimitChangedV1, TermExtensionApprovedV1
from shared.money import Money, MoneyError


@dataclass
class ApplicationInput:
    customer_id: str
    kind: ApplicationKind
    grade: str | None = None
    limit: Decimal | None = None
    currency: str | None = None
    term_days: int | None = None
    amount: Decimal | None = None
    valid_from: date | None = None
    expires_on: date | None = None
    extra_days: int | None = None
    invoice_numbers: tuple[str, ...] = ()
    comment: str = ""
    justification: str | None = None


def _money(value: Decimal, currency: str | None, profile: CreditProfileRow, field: str) -> Money:
    cur = currency or profile.currency
    if cur != profile.currency:
        raise RuleError(f"customer {profile.customer_id} has credit in {profile.currency}, "
                                      f"not {cur}", "currency", "customer_currency")
    try:
        return Money.of(value, cur)
    except MoneyError as exc:
        raise RuleError(str(exc), field, "money") from exc


def _given(body: ApplicationInput) -> set[str]:
    fields = ("grade", "limit", "term_days", "amount", "valid_from", "expires_on", "extra_days")
    return {name for name in fields if getattr(body, name) is not None} | (
        {"invoice_numbers"} if body.invoice_numbers else set())


def _request(body: ApplicationInput, profile: CreditProfileRow, scale):
    check_fields(body.kind, _given(body))
    try:
        if body.kind is ApplicationKind.TEMPORARY_LIMIT:
            return TemporaryLimitRequest(_money(body.amount, body.currency, profile, "amount"), body.expires_on,
                                         body.valid_from)
        if body.kind is ApplicationKind.TERM_EXTENSION:
            return TermExtensionRequest(body.extra_days, tuple(dict.fromkeys(body.invoice_numbers)))
        if body.grade is not None and body.grade not in scale.names:
            raise RuleError(f"not on the grade scale {list(scale.names)}", "grade", "grade_scale")
        limit = _money(body.limit, body.currency, profile, "limit") if body.limit is not None else None
        return GradeLimitTermChange(body.grade, limit, body.term_days, body.kind)
    except RuleError:
        raise
    except ValueError as exc:
        raise RuleError(str(exc), "kind", "application") from exc


def request_json(request) -> dict:
    if isinstance(request, GradeLimitTermChange):
        return {"grade": request.grade, "term_days": request.term_days,
                "limit": None if request.limit is None else format(request.limit.amount, "f"),
                "currency": None if request.limit is None else request.limit.currency}
    if isinstance(request, TemporaryLimitRequest):
        return {"amount": format(request.amount.amount, "f"), "currency": request.amount.currency,
                "expires_on": request.expires_on.isoformat(),
                "valid_from": request.valid_from.isoformat() if request.valid_from else None}
    return {"extra_days": request.extra_days, "invoice_numbers": list(request.invoice_numbers)}


def _request_from(kind: str, data: dict):
    if kind == ApplicationKind.TEMPORARY_LIMIT:
        return TemporaryLimitRequest(Money.of(data["amount"], data["currency"]), date.fromisoformat(data["expires_on"]),
                                     date.fromisoformat(data["valid_from"]) if data.get("valid_from") else None)
    if kind == ApplicationKind.TERM_EXTENSION:
        return TermExtensionRequest(data["extra_days"], tuple(data.get("invoice_numbers") or ()))
    limit = Money.of(data["limit"], data["currency"]) if data.get("limit") is not None else None
    return GradeLimitTermChange(data.get("grade"), limit, data.get("term_days"), ApplicationKind(kind))


def _domain(row: ApplicationRow, steps: list[ApplicationStepRow]) -> CreditApplication:
    audit = tuple(AuditEntry(s.actor_id, s.role, as_utc(s.at), Decision(s.decision), s.from_state, s.to_state,
                             s.comment) for s in steps)
    return CreditApplication(row.application_id, row.customer_id, _request_from(row.kind, row.request),
                             row.submitted_by, row.state, audit, ApprovalChain.from_json(row.chain))


def _store_step(uow: UnitOfWork, ctx: Context, app: CreditApplication, exceptions: list[dict]) -> None:
    """The step's audit entry, with the exceptions to the policy the actor approved knowingly."""
    entry = app.audit[-1]
    repository.add(uow, ApplicationStepRow(
        application_id=app.application_id, seq=len(app.audit), actor_id=entry.actor_id, actor_name=ctx.name,
        role=entry.role, decision=entry.decision.value, from_state=entry.from_state, to_state=entry.to_state,
        comment=entry.comment, exceptions=exceptions, at=entry.at))


async def _beyond_policy(deps: CreditDeps, uow: UnitOfWork, ctx: Context, profile: CreditProfileRow,
                         request) -> tuple[PolicyException, ...]:
    """Where the request goes beyond the policy (002 §2(2)), judged on the customer's
    suggestion basis today (`handlers.grading.basis_of`)."""
    manual = await repository.latest_manual_assessment(uow, profile.customer_id)
    contracted = (manual.inputs or {}).get("contracted_12m") if manual is not None else None
    file_row = await repository.get_file(uow, profile.customer_id)
    basis = await grading.basis_of(deps, uow, file_row, profile, ctx.today, contracted)
    limits = deps.policy.limits
    if isinstance(request, GradeLimitTermChange):
        return beyond_policy(basis, limits, request.limit, request.term_days)
    if isinstance(request, TemporaryLimitRequest):
        return beyond_policy(basis, limits, money(profile.limit_minor, profile.currency) + request.amount,
                             what="with the temporary limit, ")
    if not request.invoice_numbers:
        return beyond_policy(basis, limits, term_days=profile.term_days + request.extra_days, what="the customer's ")
    found = []
    for number, r in sorted((await repository.receivables_by_number(uow, request.invoice_numbers)).items()):
        if r.due_date is not None:
            term = (r.due_date - r.issue_date).days + request.extra_days
            found += beyond_policy(basis, limits, term_days=term, what=f"invoice {number}: ")
    return tuple(found)


async def _check_invoices(uow: UnitOfWork, customer_id: str, numbers: tuple[str, ...]) -> None:
    """An extension names the customer's own invoices (those credit knows; the ledger is the
    authority on the others)."""
    for number, r in (await repository.receivables_by_number(uow, numbers)).items():
        if r.customer_id != customer_id:
            raise RuleError(f"invoice {number} is not customer {customer_id}'s", "invoice_numbers",
                            "application.invoice_customer")


async def submit(deps: CreditDeps, uow: UnitOfWork, ctx: Context, body: ApplicationInput) -> str:
    now = ctx.now
    async with uow:
        profile = await repository.get_profile(uow, body.customer_id)
        if profile is None:
            raise NotFound(f"no credit file for customer {body.customer_id!r}")
        request = _request(body, profile, deps.policy.scale)
        if isinstance(request, TermExtensionRequest):
            await _check_invoices(uow, body.customer_id, request.invoice_numbers)
        app = submit_application(uuid.uuid4().hex, body.customer_id, request, actor_of(ctx), now, body.comment,
                                 deps.policy.chains[request.kind])
        exceptions = await _beyond_policy(deps, uow, ctx, profile, request)
        check_justification(exceptions, body.justification)
        shown = [{"rule": e.rule, "detail": e.detail} for e in exceptions]
        repository.add(uow, ApplicationRow(application_id=app.application_id, customer_id=app.customer_id,
                                           kind=app.kind.value, request=request_json(request), state=app.state,
                                           pending_role=app.pending_role(), submitted_by=app.submitted_by,
                                           chain=app.chain.to_json(), justification=body.justification or None,
                                           exceptions=shown, created_at=now, updated_at=now))
        _store_step(uow, ctx, app, shown)
        history(uow, app.customer_id, now, ctx.today, "application_submitted",
                f"{app.kind.value} application submitted by {ctx.name}"
                + (f", beyond the policy ({len(shown)} exception(s))" if shown else ""),
                application_id=app.application_id, request=request_json(request), exceptions=shown,
                justification=body.justification)
        await uow.commit()
    return app.application_id


async def decide_on(deps: CreditDeps, uow: UnitOfWork, ctx: Context, application_id: str, decision: Decision,
                    comment: str) -> str:
    now, today = ctx.now, ctx.today
    async with uow:
        row = await repository.get_application(uow, application_id)
        if row is None:
            raise NotFound(f"no application {application_id!r}")
        app = _domain(row, await repository.steps_of(uow, application_id))
        app = decide(app, actor_of(ctx), decision, now, comment)
        row.state, row.pending_role, row.updated_at = app.state, app.pending_role(), now
        _store_step(uow, ctx, app, list(row.exceptions or []))
        history(uow, app.customer_id, now, today, "application_decided",
                f"{app.kind.value} application {decision.value}d by {ctx.name} ({app.audit[-1].role}) "
                f"-> {app.state}", application_id=application_id, decision=decision.value,
                role=app.audit[-1].role, comment=comment)
        if app.state == ApplicationState.APPROVED:
            await _apply(deps, uow, ctx, app)
        await uow.commit()
    return application_id


async def _apply(deps: CreditDeps, uow: UnitOfWork, ctx: Context, app: CreditApplication) -> None:
    """What the final approval changes: the profile (limit, term, approved grade), a
    temporary limit, or the due dates of a term extension."""
    profile = await repository.get_profile(uow, app.customer_id)
    req = app.request
    if isinstance(req, GradeLimitTermChange):
        await _change_grade_limit_term(deps, uow, ctx, app, profile, req)
    elif isinstance(req, TemporaryLimitRequest):
        repository.add(uow, TemporaryLimitRow(
            id=uuid.uuid4().hex, customer_id=app.customer_id, amount_minor=req.amount.minor,
            currency=req.amount.currency, valid_from=req.valid_from, expires_on=req.expires_on,
            application_id=app.application_id, created_at=ctx.now))
        uow.emit(CreditLimitChangedV1(customer_id=app.customer_id, limit=req.amount.amount, currency=req.amount.currency,
                                      term_days=profile.term_days, temporary=True, expires_on=req.expires_on,
                                      application_id=app.application_id, effective_date=req.valid_from or ctx.today))
        history(uow, app.customer_id, ctx.now, ctx.today, "temporary_limit",
                f"temporary limit {req.amount} until {req.expires_on}", application_id=app.application_id)
    else:
        await _extend_term(deps, uow, ctx, app, profile, req)


async def _change_grade_limit_term(deps: CreditDeps, uow: UnitOfWork, ctx: Context, app: CreditApplication,
                                   profile: CreditProfileRow, req: GradeLimitTermChange) -> None:
    today = ctx.today
    if req.limit is not None:
        profile.limit_minor = req.limit.minor
    if req.term_days is not None:
        profile.term_days = req.term_days
    if req.limit is not None or req.term_days is not None:
        uow.emit(CreditLimitChangedV1(customer_id=app.customer_id,
                                      limit=money(profile.limit_minor, profile.currency).amount,
                                      currency=profile.currency, term_days=profile.term_days,
                                      application_id=app.application_id, effective_date=today))
        history(uow, app.customer_id, ctx.now, today, "limit_changed",
                f"limit {money(profile.limit_minor, profile.currency)}, term {profile.term_days} days "
                f"(application {app.application_id})", application_id=app.application_id)
    profile.updated_at = ctx.now
    if req.grade is None:
        return
    profile.approved_grade = req.grade
    special = special_approval_for(deps.policy.scale, req.grade, f"application:{app.application_id}", ctx.actor,
                                   today)
    if special is not None:
        profile.special_approval_ref = special.reference
        profile.special_approval_by = special.approved_by
        profile.special_approval_on = special.approved_on
    await repository.flush(uow)
    if profile.last_assessment_id is not None:
        await grading.rerate(deps, uow, ctx, app.customer_id, f"application:{app.application_id}")
    await grading.set_grade(deps, uow, ctx, profile, profile.total_score,
                            [f"grade {req.grade} approved by application {app.application_id}"], today)


async def _extend_term(deps: CreditDeps, uow: UnitOfWork, ctx: Context, app: CreditApplication,
                       profile: CreditProfileRow, req: TermExtensionRequest) -> None:
    """An extension of named invoices goes to the ledger, which moves their due dates and
    publishes `invoice-due-dates-changed`: credit follows that fact like dunning and
    reporting (`handlers.ledger.due_dates_changed`), and never moves them by itself. An
    extension of the customer's term is credit's own: the term in the credit file."""
    if req.invoice_numbers:
        uow.emit(TermExtensionApprovedV1(customer_id=app.customer_id, application_id=app.application_id,
                                         invoice_numbers=list(req.invoice_numbers), extra_days=req.extra_days,
                                         approved_by=ctx.actor, effective_date=ctx.today))
        history(uow, app.customer_id, ctx.now, ctx.today, "term_extension_approved",
                f"extension of {', '.join(req.invoice_numbers)} by {req.extra_days} days sent to the ledger",
                application_id=app.application_id, invoice_numbers=list(req.invoice_numbers))
        return
    profile.term_days += req.extra_days
    profile.updated_at = ctx.now
    history(uow, app.customer_id, ctx.now, ctx.today, "term_extended",
            f"term extended by {req.extra_days} days to {profile.term_days}", application_id=app.application_id)
