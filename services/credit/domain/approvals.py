"""Credit applications and their approval chains (seed 002, domain.md's table): one chain per
kind of application, configuration, with seed 002's defaults.

  kind                what                                      applies               then
  grade_limit_term    grade, limit, term of a new or re-rated   sales_manager         sales_admin → finance →
                      customer (§4, §5, §10.2)                                        general_manager
  limit               the limit amount (§2(2))                  sales_manager         finance → general_manager
  limit_term_change   a special change of limit or term (§2(3)) sales, sales_manager  sales_manager → finance →
                                                                                      general_manager
  term_extension      展期 (§2(3))                               sales, sales_manager  as limit_term_change
  rerating            the July re-rating (§2(4))                sales, sales_manager  finance → general_manager
  temporary_limit     临时额度 (§6)                               sales_manager         as grade_limit_term

The seed's people on the platform's roles (shared/roles.py): the salesperson is `sales`, the
(sales) department manager and the department head who confirms is `sales_manager`, the sales
admin (内勤) `sales_admin`, finance and the finance head `finance`, the (sales) general manager
`general_manager`. `admin` manages keys and is never a business approver: no chain may name it.

States: `submitted`, then after each step the state that step leads to (`reviewed` after the
sales admin, `confirmed` after the department head, `finance_approved` after finance, else
`<role>_approved`), `approved` after the last step; `rejected` from any step. The chain is
stored with each application when it is submitted, so a change of configuration never
strands one that is under way.

Rules, each a typed error:
  * a submitter without one of the kind's submitter roles → ApprovalForbidden (403);
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

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Mapping, Union

from shared.errors import RuleError
from shared.money import Money
from services.credit.domain import roles
from services.credit.domain.errors import (
    ApprovalForbidden, InvalidTransition, ReasonRequired, SelfApprovalForbidden,
)
from services.credit.domain.roles import Actor


class ApplicationKind(StrEnum):
    GRADE_LIMIT_TERM = "grade_limit_term"
    LIMIT = "limit"
    LIMIT_TERM_CHANGE = "limit_term_change"
    TERM_EXTENSION = "term_extension"
    RERATING = "rerating"
    TEMPORARY_LIMIT = "temporary_limit"


class ApplicationState(StrEnum):
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    CONFIRMED = "confirmed"
    FINANCE_APPROVED = "finance_approved"
    APPROVED = "approved"
    REJECTED = "rejected"


STEP_STATES: dict[str, str] = {roles.SALES_ADMIN: ApplicationState.REVIEWED,
                               roles.SALES_MANAGER: ApplicationState.CONFIRMED,
                               roles.FINANCE: ApplicationState.FINANCE_APPROVED}


class Decision(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"


# --- what each kind may ask for -------------------------------------------------------------------

#: kind -> (the fields it may carry, the fields it needs; "any" of a group: one of them)
_FIELDS: dict[ApplicationKind, tuple[frozenset[str], tuple[frozenset[str], ...]]] = {
    ApplicationKind.GRADE_LIMIT_TERM: (frozenset({"grade", "limit", "term_days"}),
                                       (frozenset({"grade", "limit", "term_days"}),)),
    ApplicationKind.LIMIT: (frozenset({"limit"}), (frozenset({"limit"}),)),
    ApplicationKind.LIMIT_TERM_CHANGE: (frozenset({"limit", "term_days"}), (frozenset({"limit", "term_days"}),)),
    ApplicationKind.RERATING: (frozenset({"grade", "limit", "term_days"}), (frozenset({"grade"}),)),
    ApplicationKind.TEMPORARY_LIMIT: (frozenset({"amount", "valid_from", "expires_on"}),
                                      (frozenset({"amount"}), frozenset({"expires_on"}))),
    ApplicationKind.TERM_EXTENSION: (frozenset({"extra_days", "invoice_numbers"}), (frozenset({"extra_days"}),)),
}
_ALL_FIELDS = frozenset().union(*(allowed for allowed, _ in _FIELDS.values()))


def check_fields(kind: ApplicationKind, given: set[str]) -> None:
    """A 422 naming the field an application of `kind` may not carry, or the one it lacks."""
    allowed, needed = _FIELDS[kind]
    for name in sorted((given & _ALL_FIELDS) - allowed):
        raise RuleError(f"a {kind} application does not take {name}", name, "application.field_not_allowed")
    for group in needed:
        if not group & given:
            name = " or ".join(sorted(group))
            raise RuleError(f"a {kind} application needs {name}", sorted(group)[0], "required")


@dataclass(frozen=True, slots=True)
class GradeLimitTermChange:
    grade: str | None = None
    limit: Money | None = None
    term_days: int | None = None
    kind: ApplicationKind = ApplicationKind.GRADE_LIMIT_TERM

    def __post_init__(self) -> None:
        if self.kind not in (ApplicationKind.GRADE_LIMIT_TERM, ApplicationKind.LIMIT,
                             ApplicationKind.LIMIT_TERM_CHANGE, ApplicationKind.RERATING):
            raise ValueError(f"not a grade, limit or term application: {self.kind}")
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


# --- chains -----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ApprovalChain:
    """Who may submit, and the roles that approve, in order."""
    submitter_roles: frozenset[str] = frozenset({roles.SALES_MANAGER})
    steps: tuple[str, ...] = (roles.SALES_ADMIN, roles.FINANCE, roles.GENERAL_MANAGER)
    distinct_actors: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "submitter_roles", frozenset(self.submitter_roles))
        object.__setattr__(self, "steps", tuple(self.steps))
        if not self.steps or not self.submitter_roles:
            raise ValueError("a chain needs a submitter role and at least one step")
        named = set(self.steps) | set(self.submitter_roles)
        if roles.ADMIN in named:
            raise ValueError("admin is no business role: it cannot submit or approve an application")
        if named - roles.ROLES:
            raise ValueError(f"unknown roles in a chain: {sorted(named - roles.ROLES)}")

    def state_after(self, index: int) -> str:
        if index == len(self.steps) - 1:
            return ApplicationState.APPROVED
        role = self.steps[index]
        return STEP_STATES.get(role, f"{role}_approved")

    def to_json(self) -> dict:
        return {"submitters": sorted(self.submitter_roles), "steps": list(self.steps),
                "distinct_actors": self.distinct_actors}

    @classmethod
    def from_json(cls, data: Mapping) -> "ApprovalChain":
        return cls(frozenset(data["submitters"]), tuple(data["steps"]), bool(data.get("distinct_actors", True)))


_APPLICANTS = frozenset({roles.SALES, roles.SALES_MANAGER})  # the salesperson, or the manager as one
_CHANGE = ApprovalChain(_APPLICANTS, (roles.SALES_MANAGER, roles.FINANCE, roles.GENERAL_MANAGER))
DEFAULT_CHAINS: dict[ApplicationKind, ApprovalChain] = {
    ApplicationKind.GRADE_LIMIT_TERM: ApprovalChain(),
    ApplicationKind.LIMIT: ApprovalChain(frozenset({roles.SALES_MANAGER}), (roles.FINANCE, roles.GENERAL_MANAGER)),
    ApplicationKind.LIMIT_TERM_CHANGE: _CHANGE,
    ApplicationKind.TERM_EXTENSION: _CHANGE,
    ApplicationKind.RERATING: ApprovalChain(_APPLICANTS, (roles.FINANCE, roles.GENERAL_MANAGER)),
    ApplicationKind.TEMPORARY_LIMIT: ApprovalChain(),
}
DEFAULT_CHAIN = DEFAULT_CHAINS[ApplicationKind.GRADE_LIMIT_TERM]


def chains_from(overrides: Mapping[str, Mapping]) -> dict[ApplicationKind, ApprovalChain]:
    """Seed 002's chains with configured ones (kind -> {"submitters": [...], "steps": [...]})."""
    chains = dict(DEFAULT_CHAINS)
    for kind, data in overrides.items():
        chains[ApplicationKind(kind)] = ApprovalChain.from_json(data)
    return chains


# --- the application ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AuditEntry:
    actor_id: str
    role: str
    at: datetime
    decision: Decision
    from_state: str | None
    to_state: str
    comment: str = ""


@dataclass(frozen=True, slots=True)
class CreditApplication:
    application_id: str
    customer_id: str
    request: Request
    submitted_by: str
    state: str
    audit: tuple[AuditEntry, ...]
    chain: ApprovalChain = field(default=DEFAULT_CHAIN)

    @property
    def kind(self) -> ApplicationKind:
        return self.request.kind

    @property
    def closed(self) -> bool:
        return self.state in (ApplicationState.APPROVED, ApplicationState.REJECTED)

    @property
    def approvals(self) -> int:
        """Steps taken so far: the index of the next one."""
        return sum(1 for e in self.audit if e.decision is Decision.APPROVE)

    def pending_role(self) -> str | None:
        return None if self.closed or self.approvals >= len(self.chain.steps) else self.chain.steps[self.approvals]


def _aware(at: datetime) -> None:
    if at.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware (use shared.clock)")


def submit_application(application_id: str, customer_id: str, request: Request, actor: Actor,
                       at: datetime, comment: str = "",
                       chain: ApprovalChain | None = None) -> CreditApplication:
    _aware(at)
    chain = chain or DEFAULT_CHAINS[request.kind]
    role = next((r for r in sorted(chain.submitter_roles) if actor.has(r)), None)
    if role is None:
        raise ApprovalForbidden(f"a {request.kind} application is submitted by {sorted(chain.submitter_roles)}")
    entry = AuditEntry(actor.user_id, role, at, Decision.SUBMIT, None, ApplicationState.SUBMITTED, comment)
    return CreditApplication(application_id, customer_id, request, actor.user_id,
                             ApplicationState.SUBMITTED, (entry,), chain)


def decide(app: CreditApplication, actor: Actor, decision: Decision, at: datetime,
           comment: str = "") -> CreditApplication:
    _aware(at)
    if decision is Decision.SUBMIT:
        raise ValueError("decide() takes approve or reject")
    role = app.pending_role()
    if role is None:
        raise InvalidTransition(f"application {app.application_id} is {app.state}")
    if actor.user_id == app.submitted_by:
        raise SelfApprovalForbidden("the submitter may not decide on their own application")
    if not actor.has(role):
        raise ApprovalForbidden(f"a {app.state} application awaits {role}")
    if app.chain.distinct_actors and any(e.actor_id == actor.user_id for e in app.audit):
        raise ApprovalForbidden(f"{actor.user_id} already acted on this application")
    if decision is Decision.REJECT and not comment.strip():
        raise ReasonRequired("a rejection needs a comment")
    to = app.chain.state_after(app.approvals) if decision is Decision.APPROVE else ApplicationState.REJECTED
    entry = AuditEntry(actor.user_id, role, at, decision, app.state, to, comment)
    return replace(app, state=to, audit=app.audit + (entry,))
