"""Scorecard → grade (002 §7–§9), with a structured explanation of every step.

Order of the rules:
  1. total = sum of the criterion points (computed repayment/purchases + entered ones);
  2. band: the best level whose minimum total the total reaches (A ≥ 90, B ≥ 80, ...);
  3. floors: if repayment or purchases is below that level's floor, drop one level.
     Default ONE_LEVEL reads the seed literally (有一项不达标的信用等级下调一个等级): one
     drop, even when the lower level's floors are missed too. CASCADE keeps dropping until
     the floors of the level reached are met (or the worst level);
  4. cap (§9): a new customer or one lacking key documents gets at most the scale's cap
     (C), unless a special approval (特批) is recorded. The approval lifts the cap only;
     it never lifts floors or red flags;
  5. red flags (§8): any unexcused flag forces the worst level (E).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Mapping

from services.credit.domain.credit_file import (
    DEFAULT_REQUIRED_DOCUMENTS, CreditFile, DocumentKind,
)
from services.credit.domain.errors import InvalidScore
from services.credit.domain.grade_scale import DEFAULT_SCALE, GradeScale
from services.credit.domain.red_flags import RedFlagOutcome, RedFlagReport, evaluate_red_flags
from services.credit.domain.scorecard import (
    DEFAULT_SCORECARD, PURCHASES, REPAYMENT, CriterionSource, Scorecard,
)
from services.credit.domain.subscores import SubScore


class DowngradeMode(StrEnum):
    ONE_LEVEL = "one_level"
    CASCADE = "cascade"


@dataclass(frozen=True, slots=True)
class GradingPolicy:
    scorecard: Scorecard = DEFAULT_SCORECARD
    scale: GradeScale = DEFAULT_SCALE
    downgrade_mode: DowngradeMode = DowngradeMode.ONE_LEVEL
    new_customer_months: int = 12
    required_documents: frozenset[DocumentKind] = DEFAULT_REQUIRED_DOCUMENTS
    broken_promises_red_flag: int | None = 3  # None: only a person reports that flag


@dataclass(frozen=True, slots=True)
class SpecialApproval:
    approved_by: str
    reference: str
    approved_on: date | None = None


@dataclass(frozen=True, slots=True)
class GradingInput:
    repayment: SubScore
    purchases: SubScore
    entered_scores: Mapping[str, int]
    red_flags: tuple[RedFlagReport, ...] = ()
    broken_promises: int = 0
    is_new_customer: bool = False
    missing_documents: tuple[DocumentKind, ...] = ()
    special_approval: SpecialApproval | None = None

    def with_file(self, file: CreditFile, as_of: date, policy: GradingPolicy) -> "GradingInput":
        """Take `is_new_customer` and `missing_documents` from the credit file."""
        status = file.completeness(as_of, policy.required_documents)
        return replace(self, is_new_customer=file.is_new(as_of, policy.new_customer_months),
                       missing_documents=status.lacking)


@dataclass(frozen=True, slots=True)
class CriterionResult:
    criterion_id: str
    label_zh: str
    weight: int
    points: int
    source: CriterionSource
    rule: str = "entered by a person"
    inputs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class FloorCheck:
    grade: str
    criterion_id: str
    floor: int
    points: int

    @property
    def passed(self) -> bool:
        return self.points >= self.floor


@dataclass(frozen=True, slots=True)
class CapCheck:
    cap_grade: str
    reasons: tuple[str, ...]  # "new_customer", "missing_document:<kind>"
    applied: bool
    waived_by: SpecialApproval | None = None


@dataclass(frozen=True, slots=True)
class GradeResult:
    grade: str
    total: int
    band_grade: str
    after_floors: str
    criteria: tuple[CriterionResult, ...]
    floors_checked: tuple[FloorCheck, ...]
    downgraded_from: str | None
    red_flags: RedFlagOutcome
    cap: CapCheck | None
    extends_credit: bool
    steps: tuple[str, ...] = field(default=())

    @property
    def floors_missed(self) -> tuple[FloorCheck, ...]:
        return tuple(f for f in self.floors_checked if not f.passed)

    def points(self, criterion_id: str) -> int:
        return next(c.points for c in self.criteria if c.criterion_id == criterion_id)


def _criteria(inputs: GradingInput, card: Scorecard) -> tuple[CriterionResult, ...]:
    card.validate_entered(inputs.entered_scores)
    computed = {REPAYMENT: inputs.repayment, PURCHASES: inputs.purchases}
    out = []
    for c in card.criteria:
        if c.source is CriterionSource.COMPUTED:
            sub = computed[c.id]
            if sub.criterion_id != c.id or sub.max_points != c.weight or not 0 <= sub.points <= c.weight:
                raise InvalidScore(f"{c.id}: sub-score does not fit the scorecard (weight {c.weight})", field="scores")
            out.append(CriterionResult(c.id, c.label_zh, c.weight, sub.points, c.source, sub.rule, sub.inputs))
        else:
            out.append(CriterionResult(c.id, c.label_zh, c.weight, inputs.entered_scores[c.id], c.source))
    return tuple(out)


def _apply_floors(scale: GradeScale, band: str, repayment: int, purchases: int,
                  mode: DowngradeMode) -> tuple[str, tuple[FloorCheck, ...]]:
    current, checks = band, []
    while True:
        level = scale.level(current)
        if not level.extends_credit:
            return current, tuple(checks)
        here = (FloorCheck(current, REPAYMENT, level.repayment_floor, repayment),
                FloorCheck(current, PURCHASES, level.purchases_floor, purchases))
        checks.extend(here)
        if all(f.passed for f in here):
            return current, tuple(checks)
        current = scale.lower(current).name
        if mode is DowngradeMode.ONE_LEVEL:
            return current, tuple(checks)


def grade(inputs: GradingInput, policy: GradingPolicy = GradingPolicy()) -> GradeResult:
    scale = policy.scale
    criteria = _criteria(inputs, policy.scorecard)
    total = sum(c.points for c in criteria)
    band = scale.for_total(total).name
    steps = [f"total {total} -> {band}"]
    after_floors, checks = _apply_floors(scale, band, inputs.repayment.points,
                                         inputs.purchases.points, policy.downgrade_mode)
    for f in checks:
        if not f.passed:
            steps.append(f"{f.criterion_id} {f.points} below the {f.grade} floor {f.floor}")
    if after_floors != band:
        steps.append(f"downgraded {band} -> {after_floors}")
    result = after_floors

    cap = None
    cap_reasons = (("new_customer",) if inputs.is_new_customer else ()) + tuple(
        f"missing_document:{k}" for k in inputs.missing_documents)
    if cap_reasons:
        cap_grade = scale.cap_for_new_or_incomplete
        above = scale.rank(result) < scale.rank(cap_grade)
        waived = inputs.special_approval if above else None
        cap = CapCheck(cap_grade, cap_reasons, applied=above and waived is None, waived_by=waived)
        if cap.applied:
            steps.append(f"capped at {cap_grade}: {', '.join(cap_reasons)}")
            result = cap_grade
        elif waived is not None:
            steps.append(f"cap {cap_grade} waived by special approval {waived.reference}")

    flags = evaluate_red_flags(inputs.red_flags, inputs.broken_promises, policy.broken_promises_red_flag)
    for r in flags.excused:
        steps.append(f"red flag {r.flag} excused: our own fault ({r.own_fault_cause})")
    if flags.forces_worst_grade:
        result = scale.worst.name
        steps.append(f"red flags force {result}: {', '.join(r.flag for r in flags.applied)}")

    return GradeResult(result, total, band, after_floors, criteria, checks,
                       band if after_floors != band else None, flags, cap,
                       scale.extends_credit(result), tuple(steps))


def effective_grade(scale: GradeScale, rated: str | None, approved: str | None) -> str | None:
    """The rated grade, never better than an approved application's grade (credit is never
    granted above what was approved); the approved grade while none was rated."""
    if rated is None:
        return approved
    return scale.worse_of(rated, approved) if approved else rated


def special_approval_for(scale: GradeScale, approved_grade: str, reference: str, approved_by: str,
                         on: date) -> SpecialApproval | None:
    """An approved grade above the cap for new or incomplete customers is the special
    approval of 002 §9 (特批): it lifts that cap (never floors, red flags or missing
    documents' own effects). A grade at or below the cap needs none."""
    if scale.rank(approved_grade) < scale.rank(scale.cap_for_new_or_incomplete):
        return SpecialApproval(approved_by, reference, on)
    return None


def prepayment_only(scale: GradeScale, grade: str | None) -> bool:
    """No grade, or a grade that extends no credit (E): prepayment or cash before delivery,
    as the check decides (`prepayment_required`)."""
    return grade is None or not scale.extends_credit(grade)
