"""The approval chain for credit applications (002 §10.2, §2(2)–(4)).

One chain for a grade/limit/term change, a temporary limit (临时额度: amount + expiry) and a
term extension (展期): sales_manager submits → sales_admin reviews (复核) → finance
approves (审批) → general_manager approves (最终审批). States:
    submitted → reviewed → finance_approved → approved,  and any step → rejected.

Rules, each a typed error:
  * a decision on an approved or rejected application → InvalidTransition (409);
  * the submitter deciding at any step → SelfApprovalForbidden (403);
  * an actor without the step's role → ApprovalForbidden (403). `admin` is no substitute:
    segregation of duties means only the named role decides a step;
  * with `distinct_actors` (default) nobody decides two steps of one application, even if
    they hold both roles (four eyes at every step) → ApprovalForbidden;
  * a rejection needs a comment → ReasonRequired (422).
Every submission and decision appends an audit entry (who, role, when, decision, comment).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Union

from shared.money import Money
from services.credit.domain import roles
from services.credit.domain.errors import (
    ApprovalForbidden, InvalidTransition, ReasonRequired, SelfApprovalForbidden,
)
from services.credit.domain.roles import Actor


class ApplicationKind(StrEnum):
    GRADE_LIMIT_TERM = "grade_limit_term"
    TEMPORARY_LIMIT = "temporary_limit"
    TERM_EXTENSION = "term_extension"


class ApplicationState(StrEnum):
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    FINANCE_APPROVED = "finance_approved"
    APPROVED = "approved"
    REJECTED = "rejected"


class Decision(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class GradeLimitTermChange:
    grade: str | None = None
    limit: Money | None = None
    term_days: int | None = None
    kind = ApplicationKind.GRADE_LIMIT_TERM

    def __post_init__(self) -> None:
        if self.grade is None and self.limit is None and self.term_days is None:
            raise ValueError("change at least one of grade, limit, term")
        if (self.limit is not None and self.limit.amount < 0) or (self.term_days or 0) < 0:
            raise ValueError("limit and term cannot be negative")


@dataclass(frozen=True, slots=True)
class TemporaryLimitRequest:
    amount: Money
    expires_on: date
    valid_from: date | None = None
    kind = ApplicationKind.TEMPORARY_LIMIT

    def __post_init__(self) -> None:
        if not self.amount.is_positive:
            raise ValueError("a temporary limit must be positive")
        if self.valid_from is not None and self.expires_on < self.valid_from:
            raise ValueError("a temporary limit cannot expire before it starts")


@dataclass(frozen=True, slots=True)
class TermExtensionRequest:
    extra_days: int
    invoice_numbers: tuple[str, ...] = ()
    kind = ApplicationKind.TERM_EXTENSION

    def __post_init__(self) -> None:
        if self.extra_days <= 0:
            raise ValueError("an extension adds at least one day")


Request = Union[GradeLimitTermChange, TemporaryLimitRequest, TermExtensionRequest]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    actor_id: str
    role: str
    at: datetime
    decision: Decision
    from_state: ApplicationState | None
    to_state: ApplicationState
    comment: str = ""


@dataclass(frozen=True, slots=True)
class ApprovalStep:
    role: str
    state_before: ApplicationState
    state_after: ApplicationState


@dataclass(frozen=True, slots=True)
class ApprovalChain:
    submitter_roles: frozenset[str] = frozenset({roles.SALES_MANAGER})
    steps: tuple[ApprovalStep, ...] = (
        ApprovalStep(roles.SALES_ADMIN, ApplicationState.SUBMITTED, ApplicationState.REVIEWED),
        ApprovalStep(roles.FINANCE, ApplicationState.REVIEWED, ApplicationState.FINANCE_APPROVED),
        ApprovalStep(roles.GENERAL_MANAGER, ApplicationState.FINANCE_APPROVED, ApplicationState.APPROVED),
    )
    distinct_actors: bool = True

    def __post_init__(self) -> None:
        if not self.steps or self.steps[0].state_before is not ApplicationState.SUBMITTED \
                or self.steps[-1].state_after is not ApplicationState.APPROVED \
                or any(a.state_after is not b.state_before for a, b in zip(self.steps, self.steps[1:])):
            raise ValueError("steps must lead from submitted to approved, one after another")

    def step_for(self, state: ApplicationState) -> ApprovalStep | None:
        return next((s for s in self.steps if s.state_before is state), None)


DEFAULT_CHAIN = ApprovalChain()


@dataclass(frozen=True, slots=True)
class CreditApplication:
    application_id: str
    customer_id: str
    request: Request
    submitted_by: str
    state: ApplicationState
    audit: tuple[AuditEntry, ...]

    @property
    def kind(self) -> ApplicationKind:
        return self.request.kind

    @property
    def closed(self) -> bool:
        return self.state in (ApplicationState.APPROVED, ApplicationState.REJECTED)

    def pending_role(self, chain: ApprovalChain = DEFAULT_CHAIN) -> str | None:
        step = chain.step_for(self.state)
        return step.role if step and not self.closed else None


def _aware(at: datetime) -> None:
    if at.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware (use shared.clock)")


def submit_application(application_id: str, customer_id: str, request: Request, actor: Actor,
                       at: datetime, comment: str = "",
                       chain: ApprovalChain = DEFAULT_CHAIN) -> CreditApplication:
    _aware(at)
    role = next((r for r in sorted(chain.submitter_roles) if actor.has(r)), None)
    if role is None:
        raise ApprovalForbidden(f"only {sorted(chain.submitter_roles)} may submit an application")
    entry = AuditEntry(actor.user_id, role, at, Decision.SUBMIT, None, ApplicationState.SUBMITTED, comment)
    return CreditApplication(application_id, customer_id, request, actor.user_id,
                             ApplicationState.SUBMITTED, (entry,))


def decide(app: CreditApplication, actor: Actor, decision: Decision, at: datetime,
           comment: str = "", chain: ApprovalChain = DEFAULT_CHAIN) -> CreditApplication:
    _aware(at)
    if decision is Decision.SUBMIT:
        raise ValueError("decide() takes approve or reject")
    step = chain.step_for(app.state)
    if app.closed or step is None:
        raise InvalidTransition(f"application {app.application_id} is {app.state}")
    if actor.user_id == app.submitted_by:
        raise SelfApprovalForbidden("the submitter may not decide on their own application")
    if not actor.has(step.role):
        raise ApprovalForbidden(f"a {app.state} application awaits {step.role}")
    if chain.distinct_actors and any(e.actor_id == actor.user_id for e in app.audit):
        raise ApprovalForbidden(f"{actor.user_id} already acted on this application")
    if decision is Decision.REJECT and not comment.strip():
        raise ReasonRequired("a rejection needs a comment")
    to = step.state_after if decision is Decision.APPROVE else ApplicationState.REJECTED
    entry = AuditEntry(actor.user_id, step.role, at, decision, app.state, to, comment)
    return replace(app, state=to, audit=app.audit + (entry,))
