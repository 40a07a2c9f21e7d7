"""The read side of credit's GET routes (and of the answers of its commands): each view is
`(deps, uow, ctx, ...)` like a handler, reads in a transaction of its own, never commits,
and gives the response model."""
from __future__ import annotations

import json

from services.credit import repository
from services.credit.repository import lists
from services.credit.deps import CreditDeps
from services.credit.domain.check import TemporaryLimit, available_credit, effective_limit
from services.credit.domain.exposure import Reservation, compute_exposure
from services.credit.domain.grading import prepayment_only
from services.credit.domain.receivables import summarize_overdue
from services.credit.domain.rerating import VisitCandidate, last_visits, visits_due
from services.credit.handlers.common import items_of, money
from services.credit.handlers.grading import credit_file
from services.credit.schemas import (
    ApplicationOut, ApplicationPage, ApplicationSummaryOut, AssessmentOut, ChainOut, CompletenessOut, CustomerOut,
    CustomerPage, CustomerSummaryOut, DocumentOut, DueVisitOut, ExposureOut, HoldOut, OpenItemOut, OpenItemsPage,
    OverdueOut, StepOut, SuggestionOut, TemporaryLimitOut,
)
from services.credit.tables import AssessmentRow, HoldRow
from shared.context import Context
from shared.db import UnitOfWork, as_utc
from shared.errors import NotFound
from shared.money import from_minor
from shared.roles import ADMIN


def _no_file(customer_id: str) -> NotFound:
    return NotFound(f"no credit file for customer {customer_id!r}")


def hold_out(h: HoldRow) -> HoldOut:
    return HoldOut(hold_id=h.hold_id, customer_id=h.customer_id, kind=h.kind, reason=h.reason, placed_by=h.placed_by,
                   placed_on=h.placed_on, invoice_numbers=list(h.invoice_numbers or []), released_on=h.released_on,
                   released_by=h.released_by, release_reason=h.release_reason)


def _suggestion(a: AssessmentRow) -> SuggestionOut:
    basis = a.result.get("suggestion") or {}  # assessments stored before issue 10 have none
    return SuggestionOut(limit=from_minor(a.suggested_limit_minor, a.currency), term_days=a.suggested_term_days,
                         currency=a.currency, prepayment_only=not a.result.get("extends_credit", True),
                         basis=basis.get("basis"), basis_from=basis.get("from"), basis_to=basis.get("to"),
                         average_monthly_sales=basis.get("average_monthly_sales"), max_limit=basis.get("max_limit"))


def assessment_out(a: AssessmentRow) -> AssessmentOut:
    return AssessmentOut(assessment_id=a.assessment_id, customer_id=a.customer_id, as_of=a.as_of, trigger=a.trigger,
                         assessed_by=a.assessed_by, grade=a.grade, total=a.total, scores=a.scores,
                         suggested=_suggestion(a), why=a.result, created_at=as_utc(a.created_at))


async def _one(uow: UnitOfWork, get, key: str, what: str):
    """The row `get(uow, key)` finds, read in a transaction of its own, or a 404."""
    async with uow:
        row = await get(uow, key)
    if row is None:
        raise NotFound(f"no {what} {key!r}")
    return row


async def hold(deps: CreditDeps, uow: UnitOfWork, ctx: Context, hold_id: str) -> HoldOut:
    return hold_out(await _one(uow, repository.get_hold, hold_id, "hold"))


async def assessment(deps: CreditDeps, uow: UnitOfWork, ctx: Context, assessment_id: str) -> AssessmentOut:
    return assessment_out(await _one(uow, repository.get_assessment, assessment_id, "assessment"))


async def customer(deps: CreditDeps, uow: UnitOfWork, ctx: Context, customer_id: str) -> CustomerOut:
    """Grade (and why), limit, term, exposure, available credit, overdue debt and holds."""
    today, policy = ctx.today, deps.policy
    async with uow:
        f = await repository.get_file(uow, customer_id)
        p = await repository.get_profile(uow, customer_id)
        if f is None or p is None:
            raise _no_file(customer_id)
        cur = p.currency
        docs = await repository.documents_of(uow, customer_id)
        items = items_of(await repository.open_instalments(uow, customer_id), cur)
        reservations = await repository.active_reservations(uow, customer_id, today)
        temps = [t for t in await repository.temporary_limits_of(uow, customer_id, today) if t.currency == cur]
        a = await repository.get_assessment(uow, p.last_assessment_id) if p.last_assessment_id else None
        holds = await repository.active_holds(uow, customer_id)
    exposure = compute_exposure(items, [Reservation(r.order_ref, money(r.amount_minor, cur), r.expires_on)
                                        for r in reservations if r.currency == cur], today, cur, policy.exposure)
    limit = effective_limit(money(p.limit_minor, cur), [TemporaryLimit(money(t.amount_minor, cur), t.expires_on,
                                                                       t.valid_from) for t in temps], today)
    overdue = summarize_overdue(items, today, cur)
    prepay = prepayment_only(policy.scale, p.grade)
    cfile = credit_file(f, docs)
    completeness = cfile.completeness(today, policy.grading.required_documents)
    why = None
    if a is not None:
        why = dict(a.result)
        if p.approved_grade and p.grade != p.rated_grade:
            why["steps"] = list(why.get("steps", [])) + [
                f"approved grade {p.approved_grade} caps the rated grade {p.rated_grade}"]
    return CustomerOut(
        customer_id=f.customer_id, name=f.name, region=f.region, customer_type=f.customer_type, industry=f.industry,
        salesperson=f.salesperson, onboarded_on=f.onboarded_on,
        is_new=cfile.is_new(today, policy.grading.new_customer_months),
        documents=[DocumentOut(kind=d.kind, reference=d.reference, received_on=d.received_on,
                               expires_on=d.expires_on) for d in docs],
        completeness=CompletenessOut(status=completeness.status.value, missing=[k.value for k in completeness.missing],
                                     expired=[k.value for k in completeness.expired]),
        file_version=f.version, currency=cur, grade=p.grade, rated_grade=p.rated_grade,
        approved_grade=p.approved_grade, total_score=p.total_score, special_approval=p.special_approval_ref,
        last_rated_on=p.last_rated_on, limit=from_minor(p.limit_minor, cur),
        temporary_limits=[TemporaryLimitOut(amount=from_minor(t.amount_minor, t.currency), valid_from=t.valid_from,
                                            expires_on=t.expires_on, application_id=t.application_id)
                          for t in temps],
        effective_limit=limit.amount, term_days=p.term_days,
        exposure=ExposureOut(total=exposure.total.amount, open_receivables=exposure.open_receivables.amount,
                             disputed=exposure.disputed.amount, reservations=exposure.reservations.amount,
                             include_reservations=exposure.policy.include_reservations,
                             include_disputed=exposure.policy.include_disputed),
        available_credit=available_credit(limit, exposure.total, not prepay).amount,
        overdue=OverdueOut(amount=overdue.amount.amount, max_days_overdue=overdue.max_days_overdue),
        holds=[hold_out(h) for h in holds], blacklisted=p.blacklisted,
        prepayment_only=prepay,
        suggested=_suggestion(a) if a is not None else None, why=why)


async def open_items(deps: CreditDeps, uow: UnitOfWork, ctx: Context, customer_id: str, limit: int,
                     offset: int) -> OpenItemsPage:
    """What credit knows of the customer's open items, one row per open instalment, oldest
    due first: why a check found exposure or overdue debt."""
    async with uow:
        if await repository.get_file(uow, customer_id) is None:
            raise _no_file(customer_id)
        pairs, total = await repository.open_instalments_page(uow, customer_id, limit, offset)
    rows = []
    for (inst, rec), item in zip(pairs, items_of(pairs)):
        rows.append(OpenItemOut(invoice_number=inst.invoice_number, seq=inst.seq, due_date=inst.due_date,
                                extended_days=rec.extended_days or 0,
                                amount=from_minor(inst.amount_minor, inst.currency),
                                open_amount=item.open_amount.amount, currency=inst.currency,
                                disputed=item.disputed,
                                disputed_amount=(item.open_amount - item.undisputed_amount).amount,
                                days_overdue=item.days_overdue(ctx.today)))
    return OpenItemsPage(customer_id=customer_id, as_of=ctx.today, total=total, limit=limit, offset=offset,
                         items=rows)


async def timeline(deps: CreditDeps, uow: UnitOfWork, ctx: Context, customer_id: str, limit: int) -> list[dict]:
    """File versions, assessments, grade/limit changes, holds, application steps, checks."""
    async with uow:
        if await repository.get_file(uow, customer_id) is None:
            raise _no_file(customer_id)
        versions = {v.version: v for v in await repository.file_versions(uow, customer_id)}
        history = await repository.history_of(uow, customer_id, limit)
        checks = await repository.checks_of(uow, customer_id, limit)
    entries = []
    for h in history:
        detail = dict(h.detail or {})
        if h.kind == "file_version" and detail.get("version") in versions:
            detail["snapshot"] = versions[detail["version"]].snapshot
        entries.append({"at": as_utc(h.at), "effective_date": h.effective_date, "kind": h.kind,
                        "summary": h.summary, "detail": detail})
    for c in checks:
        result = json.loads(c.result)
        codes = ", ".join(r["code"] for r in result["reasons"]) or "no reasons"
        at = as_utc(c.checked_at)
        entries.append({"at": at, "effective_date": at.date(), "kind": "check",
                        "summary": f"check of order {c.order_ref} for {result['amount']} {result['currency']}: "
                                   f"{c.decision} ({codes})", "detail": result})
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries[:limit]


async def due_visits(deps: CreditDeps, uow: UnitOfWork, ctx: Context) -> list[DueVisitOut]:
    cur = deps.policy.currency
    async with uow:
        profiles = [p for p in await repository.profiles_with_limit(uow) if p.currency == cur]
        visits = await repository.visits_of(uow, [p.customer_id for p in profiles])
    last = last_visits((v.customer_id, v.role, v.visited_on) for v in visits)
    candidates = [VisitCandidate(p.customer_id, money(p.limit_minor, cur), p.term_days, last.get(p.customer_id, {}))
                  for p in profiles]
    return [DueVisitOut(customer_id=v.customer_id, role=v.role, last_visit=v.last_visit, due_by=v.due_by)
            for v in visits_due(candidates, ctx.today, deps.policy.visits)]


async def application(deps: CreditDeps, uow: UnitOfWork, ctx: Context, application_id: str) -> ApplicationOut:
    async with uow:  # the application and its steps in one read
        row = await repository.get_application(uow, application_id)
        if row is None:
            raise NotFound(f"no application {application_id!r}")
        steps = await repository.steps_of(uow, application_id)
    return ApplicationOut(
        application_id=row.application_id, customer_id=row.customer_id, kind=row.kind, request=row.request,
        state=row.state, pending_role=row.pending_role, submitted_by=row.submitted_by,
        chain=ChainOut(submitters=row.chain["submitters"], steps=row.chain["steps"]),
        justification=row.justification, exceptions=row.exceptions or [],
        steps=[StepOut(seq=s.seq, actor_id=s.actor_id, actor_name=s.actor_name, role=s.role, decision=s.decision,
                       from_state=s.from_state, to_state=s.to_state, comment=s.comment,
                       exceptions=s.exceptions or [], at=as_utc(s.at))
               for s in steps],
        created_at=as_utc(row.created_at), updated_at=as_utc(row.updated_at))


def _summary(row, customer_name: str | None) -> ApplicationSummaryOut:
    return ApplicationSummaryOut(
        application_id=row.application_id, customer_id=row.customer_id, customer_name=customer_name, kind=row.kind,
        request=row.request, state=row.state, pending_role=row.pending_role, submitted_by=row.submitted_by,
        justification=row.justification, exceptions=row.exceptions or [], created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at))


async def applications(deps: CreditDeps, uow: UnitOfWork, ctx: Context, *, awaiting_role: str | None,
                       state: str | None, customer_id: str | None, kind: str | None, limit: int,
                       offset: int) -> ApplicationPage:
    """The applications matching the filters, oldest first; without any filter the caller's
    inbox: what awaits a business role the caller holds and the caller may decide (not what
    they submitted or took a step on already)."""
    inbox = awaiting_role is None and state is None and customer_id is None and kind is None
    async with uow:
        rows, total = await lists.applications_page(
            uow, awaiting=frozenset(r for r in ctx.roles if r != ADMIN) if inbox else (
                frozenset({awaiting_role}) if awaiting_role else None),
            state=state, customer_id=customer_id, kind=kind, decidable_by=ctx.actor if inbox else None,
            limit=limit, offset=offset)
    return ApplicationPage(items=[_summary(row, name) for row, name in rows], total=total, limit=limit,
                           offset=offset)


async def customers(deps: CreditDeps, uow: UnitOfWork, ctx: Context, *, name: str | None, region: str | None,
                    salesperson: str | None, grade: str | None, on_hold: bool | None, limit: int,
                    offset: int) -> CustomerPage:
    """Customers in credit, by name: the list sales and finance work from."""
    async with uow:
        rows, total = await lists.customers_page(uow, name=name, region=region, salesperson=salesperson,
                                                      grade=grade, on_hold=on_hold, limit=limit, offset=offset)
        holds = await lists.active_hold_kinds(uow, [f.customer_id for f, _ in rows])
    items = [CustomerSummaryOut(
        customer_id=f.customer_id, name=f.name, region=f.region, customer_type=f.customer_type, industry=f.industry,
        salesperson=f.salesperson, currency=p.currency, grade=p.grade, limit=from_minor(p.limit_minor, p.currency),
        term_days=p.term_days, blacklisted=p.blacklisted, on_hold=f.customer_id in holds,
        holds=holds.get(f.customer_id, [])) for f, p in rows]
    return CustomerPage(items=items, total=total, limit=limit, offset=offset)
