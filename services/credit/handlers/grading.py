"""Assessments (评级) and re-rating: the computed sub-scores from the customer's own history,
the person-entered ones from the latest manual assessment, the grade with its reasons,
and the suggested limit and term."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from services.credit import repository
from services.credit.deps import CreditDeps
from services.credit.domain._dates import add_months
from services.credit.domain.credit_file import CreditDocument, CreditFile, DocumentKind
from services.credit.domain.grading import GradeResult, GradingInput, SpecialApproval, effective_grade, grade
from services.credit.domain.limits import (
    LimitSuggestion, SuggestionBasis, limit_basis, max_limit, sales_period, suggest_limit,
)
from services.credit.domain.red_flags import (
    RED_FLAG_LABELS_ZH, OwnFaultCause, RedFlag, RedFlagReport,
)
from services.credit.domain.rerating import needs_new_assessment
from services.credit.domain.scorecard import PURCHASES, REPAYMENT
from services.credit.domain.subscores import RepaymentRecord, open_records, score_purchases, score_repayment
from services.credit.handlers.common import SYSTEM, history, jsonable, money, money_errors, open_items
from services.credit.handlers.profile import publish_profile
from services.credit.tables import AssessmentRow, CreditFileRow, CreditProfileRow
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import NotFound, RuleError
from shared.events.credit import CreditGradeChangedV1
from shared.money import Money
from shared.wire import not_after


def credit_file(row: CreditFileRow, documents) -> CreditFile:
    docs = tuple(CreditDocument(DocumentKind(d.kind), d.reference, d.received_on, d.expires_on) for d in documents)
    return CreditFile(row.customer_id, row.name, row.region, row.customer_type, row.industry, row.salesperson,
                      docs, row.onboarded_on)


def explain(result: GradeResult) -> dict:
    """The grade's why, as stored with the assessment and shown on the customer."""
    return jsonable({
        "grade": result.grade, "total": result.total, "band_grade": result.band_grade,
        "after_floors": result.after_floors, "downgraded_from": result.downgraded_from,
        "extends_credit": result.extends_credit, "steps": list(result.steps),
        "criteria": [{"id": c.criterion_id, "label_zh": c.label_zh, "weight": c.weight, "points": c.points,
                      "source": c.source.value, "rule": c.rule, "inputs": dict(c.inputs)}
                     for c in result.criteria],
        "floors": [{"grade": f.grade, "criterion": f.criterion_id, "floor": f.floor, "points": f.points,
                    "passed": f.passed} for f in result.floors_checked],
        "cap": None if result.cap is None else {
            "cap_grade": result.cap.cap_grade, "reasons": list(result.cap.reasons), "applied": result.cap.applied,
            "waived_by": None if result.cap.waived_by is None else result.cap.waived_by.reference},
        "red_flags": {
            "applied": [{"flag": r.flag.value, "label_zh": RED_FLAG_LABELS_ZH[r.flag], "note": r.note}
                        for r in result.red_flags.applied],
            "excused": [{"flag": r.flag.value, "own_fault_cause": r.own_fault_cause.value, "note": r.note}
                        for r in result.red_flags.excused]},
    })


def reported_flags(raw: list[dict]) -> list[RedFlagReport]:
    out = []
    for i, f in enumerate(raw or []):
        try:
            cause = OwnFaultCause(f["own_fault_cause"]) if f.get("own_fault_cause") else None
            out.append(RedFlagReport(RedFlag(f["flag"]), cause, f.get("note") or ""))
        except ValueError as exc:
            raise RuleError(str(exc), f"red_flags[{i}]", "red_flag") from exc
    return out


async def _history_inputs(deps: CreditDeps, uow: UnitOfWork, profile: CreditProfileRow, as_of: date):
    policy = deps.policy
    cur = profile.currency
    records = [RepaymentRecord(r.due_date, money(r.amount_minor, cur), r.paid_on)
               for r in await repository.repayments_of(uow, profile.customer_id) if r.currency == cur]
    records += open_records(await open_items(uow, profile.customer_id, cur))
    records += [RepaymentRecord(w.effective_date, money(w.amount_minor, cur), None, written_off=True)
                for w in await repository.write_offs_of(uow, profile.customer_id) if w.currency == cur]
    start = add_months(as_of, -policy.repayment.window_months)
    broken = await repository.broken_promises_since(uow, profile.customer_id, start, as_of)
    purchases_cur = policy.purchases.currency
    purchases = money(await repository.purchases_between(uow, profile.customer_id, purchases_cur,
                                                         add_months(as_of, -12), as_of), purchases_cur)
    event_flags = []
    for f in await repository.red_flags_of(uow, profile.customer_id):
        cause = OwnFaultCause(f.own_fault_cause) if f.own_fault_cause else None
        event_flags.append(RedFlagReport(RedFlag(f.flag), cause, f.note))
    return records, broken, purchases, event_flags


async def basis_of(deps: CreditDeps, uow: UnitOfWork, file_row: CreditFileRow, profile: CreditProfileRow,
                   as_of: date, contracted_12m: str | None) -> SuggestionBasis:
    """What a suggested limit (and the policy's band) stands on, in the customer's currency:
    the previous calendar year's sales (or the rolling 12 months), or a new customer's
    contracted volume (`domain.limits.limit_basis`)."""
    policy, cur = deps.policy, profile.currency
    start, end = sales_period(as_of, policy.limits.basis)
    sales = money(await repository.purchases_between(uow, profile.customer_id, cur, start - timedelta(days=1), end),
                  cur)
    with money_errors("contracted_12m"):  # more decimals than the customer's currency has
        contracted = Money.of(contracted_12m, cur) if contracted_12m is not None else None
    is_new = credit_file(file_row, []).is_new(as_of, policy.grading.new_customer_months)
    return limit_basis(policy.limits, as_of, sales, is_new, contracted)


def explain_suggestion(basis: SuggestionBasis, suggestion: LimitSuggestion, deps: CreditDeps) -> dict:
    """The suggestion's why, stored with the assessment's explanation."""
    return jsonable({"basis": basis.kind.value, "from": basis.period[0] if basis.period else None,
                     "to": basis.period[1] if basis.period else None,
                     "average_monthly_sales": basis.average_monthly.amount,
                     "factor": suggestion.factor, "limit": suggestion.limit.amount,
                     "max_limit": max_limit(basis.average_monthly, deps.policy.limits).amount})


async def compute(deps: CreditDeps, uow: UnitOfWork, file_row: CreditFileRow, profile: CreditProfileRow,
                  scores: dict, inputs: dict, as_of: date) -> tuple[GradeResult, LimitSuggestion, SuggestionBasis]:
    policy = deps.policy
    card = policy.grading.scorecard
    records, broken, purchases, event_flags = await _history_inputs(deps, uow, profile, as_of)
    contracted = inputs.get("contracted_12m")
    with money_errors("scores"):
        card.validate_entered(scores)
        repayment = score_repayment(records, broken, as_of, card.weight(REPAYMENT), policy.repayment,
                                    investigated_points=inputs.get("investigated_repayment"))
        purchases_score = score_purchases(
            purchases, card.weight(PURCHASES), policy.purchases,
            Money.of(contracted, policy.purchases.currency) if contracted is not None else None)
        special = None
        if profile.special_approval_ref:
            special = SpecialApproval(profile.special_approval_by or "", profile.special_approval_ref,
                                      profile.special_approval_on)
        grading_input = GradingInput(repayment, purchases_score, scores,
                                     tuple(event_flags) + tuple(reported_flags(inputs.get("red_flags", []))),
                                     broken, special_approval=special)
        documents = await repository.documents_of(uow, profile.customer_id)
        grading_input = grading_input.with_file(credit_file(file_row, documents), as_of, policy.grading)
        result = grade(grading_input, policy.grading)
        basis = await basis_of(deps, uow, file_row, profile, as_of, contracted)
        suggestion = suggest_limit(result.grade, basis.average_monthly, policy.limits, policy.scale)
    return result, suggestion, basis


async def set_grade(deps: CreditDeps, uow: UnitOfWork, ctx: Context, profile: CreditProfileRow,
                    total: int | None, reasons: list[str], effective_on: date) -> None:
    """Recompute the effective grade; publish a change (and the profile that carries it)."""
    previous = profile.grade
    profile.grade = effective_grade(deps.policy.scale, profile.rated_grade, profile.approved_grade)
    profile.updated_at = ctx.now
    if profile.grade != previous and profile.grade is not None:
        uow.emit(CreditGradeChangedV1(customer_id=profile.customer_id, grade=profile.grade,
                                      previous_grade=previous, total_score=total or 0,
                                      effective_date=effective_on, reasons=reasons))
        history(uow, profile.customer_id, ctx.now, effective_on, "grade_changed",
                f"grade {previous or 'none'} -> {profile.grade}", previous=previous, grade=profile.grade,
                reasons=reasons)
        await publish_profile(deps, uow, ctx, profile.customer_id, effective_on)


async def _rate(deps: CreditDeps, uow: UnitOfWork, ctx: Context, file_row: CreditFileRow,
                profile: CreditProfileRow, scores: dict, inputs: dict, as_of: date, trigger: str, by: str, *,
                always_store: bool) -> AssessmentRow | None:
    result, suggestion, basis = await compute(deps, uow, file_row, profile, scores, inputs, as_of)
    if not needs_new_assessment(result.grade, result.total, profile.rated_grade, profile.total_score, always_store):
        return None
    row = AssessmentRow(assessment_id=uuid.uuid4().hex, customer_id=profile.customer_id, as_of=as_of,
                        trigger=trigger, assessed_by=by, scores=dict(scores), inputs=jsonable(inputs),
                        grade=result.grade, total=result.total,
                        result={**explain(result), "suggestion": explain_suggestion(basis, suggestion, deps)},
                        suggested_limit_minor=suggestion.limit.minor, suggested_term_days=suggestion.term_days,
                        currency=suggestion.limit.currency, created_at=ctx.now)
    repository.add(uow, row)
    profile.rated_grade, profile.total_score = result.grade, result.total
    profile.last_rated_on, profile.last_assessment_id = as_of, row.assessment_id
    history(uow, profile.customer_id, ctx.now, as_of, "assessment",
            f"rated {result.grade} ({result.total} points) by {trigger}", assessment_id=row.assessment_id,
            grade=result.grade, total=result.total, steps=list(result.steps))
    await set_grade(deps, uow, ctx, profile, result.total, list(result.steps), as_of)
    return row


async def assess(deps: CreditDeps, uow: UnitOfWork, ctx: Context, customer_id: str, scores: dict, inputs: dict,
                 as_of: date | None) -> AssessmentRow:
    """A person's assessment: entered scores (validated against the scorecard) + history."""
    async with uow:
        file_row = await repository.get_file(uow, customer_id)
        profile = await repository.get_profile(uow, customer_id)
        if file_row is None or profile is None:
            raise NotFound(f"no credit file for customer {customer_id!r}")
        reported_flags(inputs.get("red_flags", []))
        not_after(as_of, ctx.today, deps.policy.config.future_days, "as_of", "an assessment")
        row = await _rate(deps, uow, ctx, file_row, profile, scores, inputs, ctx.on(as_of), "manual", ctx.actor,
                          always_store=True)
        await uow.commit()
    return row


async def rerate(deps: CreditDeps, uow: UnitOfWork, ctx: Context, customer_id: str, trigger: str,
                 as_of: date | None = None) -> AssessmentRow | None:
    """Re-rate with the latest entered scores after a change of behaviour; only customers
    that have an assessment (a person's scores are needed). Joins the caller's transaction."""
    async with uow:
        profile = await repository.get_profile(uow, customer_id)
        if profile is None or profile.last_assessment_id is None:
            return None
        manual = await repository.latest_manual_assessment(uow, customer_id)
        file_row = await repository.get_file(uow, customer_id)
        if manual is None or file_row is None:
            return None
        row = await _rate(deps, uow, ctx, file_row, profile, manual.scores, manual.inputs, ctx.on(as_of), trigger,
                          SYSTEM, always_store=trigger == "schedule")
        await uow.commit()
    return row
