"""The credit check before a sale (002 §2(3), 000 ERP 预警模块): approve, review or reject.

Reasons, in precedence order, with their severity:
  unknown_customer      reject (nothing else is evaluated)
  currency_mismatch     reject (the limit comparison is skipped)
  blacklisted           reject
  on_hold               reject (an active manual or overdue hold)
  prepayment_required   reject (a grade extending no credit, e.g. E, or no grade at all;
                                the limit comparison is then skipped)
  over_limit            review while exposure + amount <= effective limit × (1 + tolerance),
                        default 10 %; reject beyond (and always when the limit is 0)
  overdue_debt          review once any undisputed debt is more than `overdue_review_after_days`
                        overdue (default 0); reject beyond `overdue_reject_after_days` if set
  term_exceeds_approved the order asks for a payment term longer than the customer's approved
                        term, or any term (> 0 days) of a prepayment-only customer (002 §3(1):
                        a contract uses the term in the credit file); `term_exceeds_decision`,
                        default review
The decision is the most severe reason (reject > review > approve); `reasons` lists every
reason that applies in the order above, so `reasons[0]` of the decisive severity explains it.

Effective limit = limit + temporary limits valid today (added, not replacing). Available
credit = effective limit − exposure, not below 0; 0 for a customer on prepayment only. An
approved check with `reserve` yields the reservation to store (expires after `reservation_days`). A `review` may be overridden by an
authorised role (finance, general_manager) with a reason → approved_by_override; a reject
never. The caller fills `overdue_amount`/`max_days_overdue` with
`receivables.summarize_overdue` (undisputed items by default).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Iterable

from shared.money import Money
from services.credit.domain import roles
from services.credit.domain._money import zero
from services.credit.domain.errors import OverrideForbidden, OverrideNotAllowed, ReasonRequired
from services.credit.domain.exposure import Reservation
from services.credit.domain.grade_scale import DEFAULT_SCALE, GradeScale
from services.credit.domain.holds import Hold, HoldKind
from services.credit.domain.roles import Actor


class CheckDecision(StrEnum):
    APPROVE = "approve"
    REVIEW = "review"
    REJECT = "reject"
    APPROVED_BY_OVERRIDE = "approved_by_override"


class ReasonCode(StrEnum):
    UNKNOWN_CUSTOMER = "unknown_customer"
    CURRENCY_MISMATCH = "currency_mismatch"
    BLACKLISTED = "blacklisted"
    ON_HOLD = "on_hold"
    PREPAYMENT_REQUIRED = "prepayment_required"
    OVER_LIMIT = "over_limit"
    OVERDUE_DEBT = "overdue_debt"
    TERM_EXCEEDS_APPROVED = "term_exceeds_approved"


PRECEDENCE: tuple[ReasonCode, ...] = tuple(ReasonCode)
_SEVERITY = {CheckDecision.APPROVE: 0, CheckDecision.REVIEW: 1, CheckDecision.REJECT: 2}


@dataclass(frozen=True, slots=True)
class CheckReason:
    code: ReasonCode
    severity: CheckDecision
    detail: str = ""


@dataclass(frozen=True, slots=True)
class TemporaryLimit:
    amount: Money
    expires_on: date
    valid_from: date | None = None

    def is_valid(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and on <= self.expires_on


@dataclass(frozen=True, slots=True)
class CustomerCreditState:
    customer_id: str
    grade: str | None
    limit: Money
    term_days: int
    exposure: Money
    overdue_amount: Money
    max_days_overdue: int = 0
    temporary_limits: tuple[TemporaryLimit, ...] = ()
    holds: tuple[Hold, ...] = ()
    blacklisted: bool = False


@dataclass(frozen=True, slots=True)
class CheckRequest:
    customer_id: str | None
    amount: Money
    order_ref: str
    reserve: bool = False
    term_days: int | None = None  # the payment term the order asks for

    def __post_init__(self) -> None:
        if not self.amount.is_positive:
            raise ValueError("a credit check needs a positive amount")
        if self.term_days is not None and self.term_days < 0:
            raise ValueError("a payment term cannot be negative")


@dataclass(frozen=True, slots=True)
class CheckPolicy:
    over_limit_tolerance: Decimal = Decimal("0.10")
    overdue_review_after_days: int = 0
    overdue_reject_after_days: int | None = None
    override_roles: frozenset[str] = frozenset({roles.FINANCE, roles.GENERAL_MANAGER})
    reservation_days: int = 30
    scale: GradeScale = DEFAULT_SCALE
    term_exceeds_decision: CheckDecision = CheckDecision.REVIEW


@dataclass(frozen=True, slots=True)
class Override:
    actor_id: str
    role: str
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CheckResult:
    decision: CheckDecision
    reasons: tuple[CheckReason, ...]
    request: CheckRequest
    grade: str | None = None
    exposure: Money | None = None
    effective_limit: Money | None = None
    available_credit: Money | None = None
    reservation: Reservation | None = None
    override: Override | None = None
    approved_term_days: int | None = None

    @property
    def codes(self) -> tuple[ReasonCode, ...]:
        return tuple(r.code for r in self.reasons)


def _reservation(request: CheckRequest, today: date, policy: CheckPolicy) -> Reservation | None:
    if not request.reserve:
        return None
    return Reservation(request.order_ref, request.amount,
                       today + timedelta(days=policy.reservation_days), today)


def _reasons(req: CheckRequest, s: CustomerCreditState, limit: Money,
             policy: CheckPolicy) -> list[CheckReason]:
    out: list[CheckReason] = []
    rej, rev = CheckDecision.REJECT, CheckDecision.REVIEW
    mismatch = req.amount.currency != s.limit.currency
    if mismatch:
        out.append(CheckReason(ReasonCode.CURRENCY_MISMATCH, rej,
                               f"order in {req.amount.currency}, credit in {s.limit.currency}"))
    if s.blacklisted or any(h.kind is HoldKind.BLACKLIST for h in s.holds):
        out.append(CheckReason(ReasonCode.BLACKLISTED, rej))
    active = [h for h in s.holds if h.kind is not HoldKind.BLACKLIST]
    if active:
        out.append(CheckReason(ReasonCode.ON_HOLD, rej, ", ".join(sorted({h.kind for h in active}))))
    no_credit = s.grade is None or not policy.scale.extends_credit(s.grade)
    if no_credit:
        out.append(CheckReason(ReasonCode.PREPAYMENT_REQUIRED, rej, f"grade {s.grade or 'none'}"))
    if not mismatch and not no_credit:
        projected = s.exposure + req.amount
        if projected > limit:
            ceiling = limit.amount * (1 + policy.over_limit_tolerance)
            severity = rev if limit.is_positive and projected.amount <= ceiling else rej
            out.append(CheckReason(ReasonCode.OVER_LIMIT, severity,
                                   f"exposure after order {projected} > limit {limit}"))
    if s.overdue_amount.is_positive and s.max_days_overdue > policy.overdue_review_after_days:
        reject_after = policy.overdue_reject_after_days
        severity = rej if reject_after is not None and s.max_days_overdue > reject_after else rev
        out.append(CheckReason(ReasonCode.OVERDUE_DEBT, severity,
                               f"{s.overdue_amount} overdue, up to {s.max_days_overdue} days"))
    asked = req.term_days
    if asked is not None and asked > (0 if no_credit else s.term_days):
        approved = "prepayment only" if no_credit else f"approved {s.term_days} days"
        out.append(CheckReason(ReasonCode.TERM_EXCEEDS_APPROVED, policy.term_exceeds_decision,
                               f"order asks for {asked} days, {approved}"))
    return out


def effective_limit(limit: Money, temporary_limits: Iterable[TemporaryLimit], today: date) -> Money:
    """The limit plus the temporary limits valid today (added, not replacing)."""
    return sum((t.amount for t in temporary_limits if t.is_valid(today)), limit)


def available_credit(limit: Money, exposure: Money, extends_credit: bool = True) -> Money:
    """What is left of the limit, never below 0; nothing for a customer on prepayment only
    (grade E or not graded), whatever limit is on file."""
    if not extends_credit:
        return zero(limit.currency)
    return max(limit - exposure, zero(limit.currency))


def check_credit(request: CheckRequest, state: CustomerCreditState | None, today: date,
                 policy: CheckPolicy = CheckPolicy()) -> CheckResult:
    if state is None:
        reason = CheckReason(ReasonCode.UNKNOWN_CUSTOMER, CheckDecision.REJECT, str(request.customer_id))
        return CheckResult(CheckDecision.REJECT, (reason,), request)
    limit = effective_limit(state.limit, state.temporary_limits, today)
    reasons = _reasons(request, state, limit, policy)
    decision = max((r.severity for r in reasons), key=_SEVERITY.__getitem__, default=CheckDecision.APPROVE)
    extends = state.grade is not None and policy.scale.extends_credit(state.grade)
    available = available_credit(limit, state.exposure, extends)
    reservation = _reservation(request, today, policy) if decision is CheckDecision.APPROVE else None
    return CheckResult(decision, tuple(reasons), request, state.grade, state.exposure, limit,
                       available, reservation, approved_term_days=state.term_days)


def override_review(result: CheckResult, actor: Actor, reason: str, at: datetime, today: date,
                    policy: CheckPolicy = CheckPolicy()) -> CheckResult:
    if result.decision is not CheckDecision.REVIEW:
        raise OverrideNotAllowed(f"only a review can be overridden, not {result.decision}")
    role = next((r for r in sorted(policy.override_roles) if actor.has(r)), None)
    if role is None:
        raise OverrideForbidden(f"overrides need one of {sorted(policy.override_roles)}")
    if not reason.strip():
        raise ReasonRequired("an override needs a reason")
    return replace(result, decision=CheckDecision.APPROVED_BY_OVERRIDE,
                   override=Override(actor.user_id, role, reason, at),
                   reservation=_reservation(result.request, today, policy))
