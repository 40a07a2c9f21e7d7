"""Rows and views → response models."""
from __future__ import annotations

from services.credit.handlers.files import CustomerView
from services.credit.repository import utc
from services.credit.schemas import (
    ApplicationOut, AssessmentOut, CompletenessOut, CustomerOut, DocumentOut, ExposureOut, HoldOut,
    OverdueOut, StepOut, SuggestionOut, TemporaryLimitOut,
)
from services.credit.tables import ApplicationRow, AssessmentRow, HoldRow
from shared.money import from_minor


def hold_out(h: HoldRow) -> HoldOut:
    return HoldOut(hold_id=h.hold_id, customer_id=h.customer_id, kind=h.kind, reason=h.reason, placed_by=h.placed_by,
                   placed_on=h.placed_on, invoice_numbers=list(h.invoice_numbers or []), released_on=h.released_on,
                   released_by=h.released_by, release_reason=h.release_reason)


def _suggestion(a: AssessmentRow, scale_extends) -> SuggestionOut:
    return SuggestionOut(limit=from_minor(a.suggested_limit_minor, a.currency), term_days=a.suggested_term_days,
                         currency=a.currency, prepayment_only=not a.result.get("extends_credit", True))


def assessment_out(a: AssessmentRow, _request=None) -> AssessmentOut:
    return AssessmentOut(assessment_id=a.assessment_id, customer_id=a.customer_id, as_of=a.as_of, trigger=a.trigger,
                         assessed_by=a.assessed_by, grade=a.grade, total=a.total, scores=a.scores,
                         suggested=_suggestion(a, None), why=a.result, created_at=utc(a.created_at))


def customer_out(v: CustomerView) -> CustomerOut:
    f, p, cur = v.file, v.profile, v.profile.currency
    why = None
    if v.assessment is not None:
        why = dict(v.assessment.result)
        if p.approved_grade and p.grade != p.rated_grade:
            why["steps"] = list(why.get("steps", [])) + [
                f"approved grade {p.approved_grade} caps the rated grade {p.rated_grade}"]
    extends = p.grade is not None and v.assessment is not None and bool(v.assessment.result.get("extends_credit"))
    if p.grade is not None and v.assessment is None:
        extends = True
    return CustomerOut(
        customer_id=f.customer_id, name=f.name, region=f.region, customer_type=f.customer_type, industry=f.industry,
        salesperson=f.salesperson, onboarded_on=f.onboarded_on, is_new=v.is_new,
        documents=[DocumentOut(kind=d.kind, reference=d.reference, received_on=d.received_on,
                               expires_on=d.expires_on) for d in v.documents],
        completeness=CompletenessOut(status=v.completeness.status.value,
                                     missing=[k.value for k in v.completeness.missing],
                                     expired=[k.value for k in v.completeness.expired]),
        file_version=f.version, currency=cur, grade=p.grade, rated_grade=p.rated_grade,
        approved_grade=p.approved_grade, total_score=p.total_score, special_approval=p.special_approval_ref,
        last_rated_on=p.last_rated_on, limit=from_minor(p.limit_minor, cur),
        temporary_limits=[TemporaryLimitOut(amount=from_minor(t.amount_minor, t.currency), valid_from=t.valid_from,
                                            expires_on=t.expires_on, application_id=t.application_id)
                          for t in v.temporary_limits],
        effective_limit=v.effective_limit.amount, term_days=p.term_days,
        exposure=ExposureOut(total=v.exposure.total.amount, open_receivables=v.exposure.open_receivables.amount,
                             disputed=v.exposure.disputed.amount, reservations=v.exposure.reservations.amount,
                             include_reservations=v.exposure.policy.include_reservations,
                             include_disputed=v.exposure.policy.include_disputed),
        available_credit=v.available.amount,
        overdue=OverdueOut(amount=v.overdue.amount.amount, max_days_overdue=v.overdue.max_days_overdue),
        holds=[hold_out(h) for h in v.holds], blacklisted=p.blacklisted, prepayment_only=not extends,
        suggested=_suggestion(v.assessment, None) if v.assessment is not None else None, why=why)


def application_out(row: ApplicationRow, steps) -> ApplicationOut:
    return ApplicationOut(
        application_id=row.application_id, customer_id=row.customer_id, kind=row.kind, request=row.request,
        state=row.state, pending_role=row.pending_role, submitted_by=row.submitted_by,
        steps=[StepOut(seq=s.seq, actor_id=s.actor_id, actor_name=s.actor_name, role=s.role, decision=s.decision,
                       from_state=s.from_state, to_state=s.to_state, comment=s.comment, at=utc(s.at)) for s in steps],
        created_at=utc(row.created_at), updated_at=utc(row.updated_at))


