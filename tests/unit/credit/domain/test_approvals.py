from datetime import date, datetime, timedelta, timezone

import pytest

from services.credit.domain import roles
from services.credit.domain.approvals import (
    DEFAULT_CHAINS, ApplicationKind, ApplicationState, ApprovalChain, Decision, GradeLimitTermChange,
    TemporaryLimitRequest, TermExtensionRequest, chains_from, check_fields, decide, submit_application,
)
from shared.errors import RuleError
from services.credit.domain.errors import (
    ApprovalForbidden, InvalidTransition, ReasonRequired, SelfApprovalForbidden,
)
from services.credit.domain.roles import Actor
from tests.support.credit import NOW, cny

S = ApplicationState
MANAGER = Actor("mgr", {roles.SALES_MANAGER})
CLERK = Actor("clerk", {roles.SALES_ADMIN})
FIN = Actor("fin", {roles.FINANCE})
GM = Actor("gm", {roles.GENERAL_MANAGER})
ADMIN = Actor("root", {roles.ADMIN})
CHANGE = GradeLimitTermChange(grade="B", limit=cny("120000"), term_days=30)


def submitted(request=CHANGE):
    return submit_application("app-1", "c1", request, MANAGER, NOW, "yearly re-rating")


def later(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def test_happy_path_with_audit_trail():
    app = submitted()
    assert app.state == S.SUBMITTED and app.pending_role() == roles.SALES_ADMIN
    app = decide(app, CLERK, Decision.APPROVE, later(1), "documents checked")
    assert app.state == S.REVIEWED and app.pending_role() == roles.FINANCE
    app = decide(app, FIN, Decision.APPROVE, later(2))
    assert app.state == S.FINANCE_APPROVED and app.pending_role() == roles.GENERAL_MANAGER
    app = decide(app, GM, Decision.APPROVE, later(3), "ok")
    assert app.state == S.APPROVED and app.closed and app.pending_role() is None
    trail = [(e.actor_id, e.role, e.decision, e.from_state, e.to_state) for e in app.audit]
    assert trail == [
        ("mgr", "sales_manager", Decision.SUBMIT, None, S.SUBMITTED),
        ("clerk", "sales_admin", Decision.APPROVE, S.SUBMITTED, S.REVIEWED),
        ("fin", "finance", Decision.APPROVE, S.REVIEWED, S.FINANCE_APPROVED),
        ("gm", "general_manager", Decision.APPROVE, S.FINANCE_APPROVED, S.APPROVED),
    ]
    assert app.audit[1].comment == "documents checked" and app.audit[3].at == later(3)


@pytest.mark.parametrize("request_", [CHANGE, TemporaryLimitRequest(cny("20000"), expires_on=date(2024, 8, 31))])
def test_the_first_row_serves_a_first_grade_limit_term_and_a_temporary_limit(request_):
    app = submitted(request_)
    for actor in (CLERK, FIN, GM):
        app = decide(app, actor, Decision.APPROVE, later(1))
    assert app.state == S.APPROVED and app.kind is request_.kind


SALESPERSON = Actor("sp", {roles.SALES})


@pytest.mark.parametrize("kind, submitters, steps", [
    ("grade_limit_term", {"sales_manager"}, ("sales_admin", "finance", "general_manager")),
    ("limit", {"sales_manager"}, ("finance", "general_manager")),
    ("limit_term_change", {"sales", "sales_manager"}, ("sales_manager", "finance", "general_manager")),
    ("term_extension", {"sales", "sales_manager"}, ("sales_manager", "finance", "general_manager")),
    ("rerating", {"sales", "sales_manager"}, ("finance", "general_manager")),
    ("temporary_limit", {"sales_manager"}, ("sales_admin", "finance", "general_manager")),
])
def test_seed_002s_chains_are_the_defaults(kind, submitters, steps):
    chain = DEFAULT_CHAINS[ApplicationKind(kind)]
    assert (chain.submitter_roles, chain.steps) == (submitters, steps)


def test_a_salesperson_applies_for_an_extension_the_department_head_confirms():
    chain = DEFAULT_CHAINS[ApplicationKind.TERM_EXTENSION]
    app = submit_application("a", "c1", TermExtensionRequest(15, ("INV-1",)), SALESPERSON, NOW, chain=chain)
    assert (app.state, app.pending_role(), app.audit[0].role) == (S.SUBMITTED, roles.SALES_MANAGER, roles.SALES)
    app = decide(app, MANAGER, Decision.APPROVE, later(1))
    assert (app.state, app.pending_role()) == (S.CONFIRMED, roles.FINANCE)
    app = decide(app, FIN, Decision.APPROVE, later(2))
    assert (app.state, app.pending_role()) == (S.FINANCE_APPROVED, roles.GENERAL_MANAGER)
    assert decide(app, GM, Decision.APPROVE, later(3)).state == S.APPROVED
    with pytest.raises(ApprovalForbidden):  # the first row is the sales manager's
        submit_application("b", "c1", CHANGE, SALESPERSON, NOW, chain=DEFAULT_CHAINS[ApplicationKind.LIMIT])


def test_the_july_rerating_is_proposed_by_the_salesperson_and_approved_by_finance_then_the_gm():
    rerating = GradeLimitTermChange(grade="B", kind=ApplicationKind.RERATING)
    app = submit_application("a", "c1", rerating, SALESPERSON, NOW)  # the kind's default chain
    with pytest.raises(ApprovalForbidden):
        decide(app, CLERK, Decision.APPROVE, later(1))
    app = decide(app, FIN, Decision.APPROVE, later(1))
    assert decide(app, GM, Decision.APPROVE, later(2)).state == S.APPROVED


def test_chains_are_configuration_but_admin_is_never_in_one():
    chains = chains_from({"limit": {"submitters": ["sales"], "steps": ["finance", "legal", "general_manager"]}})
    assert chains[ApplicationKind.LIMIT].steps == ("finance", "legal", "general_manager")
    assert chains[ApplicationKind.LIMIT].state_after(1) == "legal_approved"
    assert chains[ApplicationKind.RERATING] == DEFAULT_CHAINS[ApplicationKind.RERATING]
    for bad in ({"limit": {"submitters": ["sales"], "steps": ["admin"]}},
                {"limit": {"submitters": ["admin"], "steps": ["finance"]}},
                {"limit": {"submitters": ["sales"], "steps": []}},
                {"limit": {"submitters": ["sales"], "steps": ["cfo"]}},
                {"nothing": {"submitters": ["sales"], "steps": ["finance"]}}):
        with pytest.raises(ValueError):
            chains_from(bad)


@pytest.mark.parametrize("kind, given, field, rule", [
    ("limit", {"limit", "grade"}, "grade", "application.field_not_allowed"),
    ("limit", set(), "limit", "required"),
    ("rerating", {"limit"}, "grade", "required"),
    ("limit_term_change", {"grade", "limit"}, "grade", "application.field_not_allowed"),
    ("temporary_limit", {"amount"}, "expires_on", "required"),
    ("term_extension", {"extra_days", "limit"}, "limit", "application.field_not_allowed"),
])
def test_each_kind_takes_its_own_fields(kind, given, field, rule):
    with pytest.raises(RuleError) as err:
        check_fields(ApplicationKind(kind), given)
    assert (err.value.field, err.value.rule) == (field, rule)
    check_fields(ApplicationKind.GRADE_LIMIT_TERM, {"grade", "limit", "term_days"})


def test_kinds():
    assert CHANGE.kind is ApplicationKind.GRADE_LIMIT_TERM
    assert TermExtensionRequest(5).kind is ApplicationKind.TERM_EXTENSION


@pytest.mark.parametrize("steps_done, wrong", [
    (0, FIN), (0, GM), (1, CLERK), (1, GM), (2, FIN), (2, CLERK), (0, ADMIN), (2, ADMIN)])
def test_wrong_role_forbidden(steps_done, wrong):
    app = submitted()
    for actor in (CLERK, FIN, GM)[:steps_done]:
        app = decide(app, actor, Decision.APPROVE, later(1))
    with pytest.raises(ApprovalForbidden) as err:
        decide(app, wrong, Decision.APPROVE, later(2))
    assert err.value.status == 403
    with pytest.raises(ApprovalForbidden):
        decide(app, wrong, Decision.REJECT, later(2), "no")


def test_submitter_never_decides_even_with_the_role():
    boss = Actor("boss", {roles.SALES_MANAGER, roles.SALES_ADMIN, roles.FINANCE, roles.GENERAL_MANAGER})
    app = submit_application("a", "c1", CHANGE, boss, NOW)
    with pytest.raises(SelfApprovalForbidden) as err:
        decide(app, boss, Decision.APPROVE, later(1))
    assert err.value.status == 403
    app = decide(app, CLERK, Decision.APPROVE, later(1))
    with pytest.raises(SelfApprovalForbidden):
        decide(app, boss, Decision.APPROVE, later(2))
    with pytest.raises(SelfApprovalForbidden):
        decide(app, boss, Decision.REJECT, later(2), "withdraw")


def test_one_person_cannot_take_two_steps():
    both = Actor("both", {roles.FINANCE, roles.GENERAL_MANAGER})
    app = decide(decide(submitted(), CLERK, Decision.APPROVE, later(1)), both, Decision.APPROVE, later(2))
    with pytest.raises(ApprovalForbidden, match="already acted"):
        decide(app, both, Decision.APPROVE, later(3))
    lax = submit_application("app-2", "c1", CHANGE, MANAGER, NOW, chain=ApprovalChain(distinct_actors=False))
    lax = decide(decide(lax, CLERK, Decision.APPROVE, later(1)), both, Decision.APPROVE, later(2))
    assert decide(lax, both, Decision.APPROVE, later(3)).state == S.APPROVED


def test_only_submitter_roles_submit():
    with pytest.raises(ApprovalForbidden):
        submit_application("a", "c1", CHANGE, Actor("s", {roles.SALES}), NOW)
    chain = ApprovalChain(submitter_roles=frozenset({roles.SALES, roles.SALES_MANAGER}))
    app = submit_application("a", "c1", CHANGE, Actor("s", {roles.SALES}), NOW, chain=chain)
    assert app.audit[0].role == roles.SALES


@pytest.mark.parametrize("steps_done", [0, 1, 2])
def test_reject_at_any_step(steps_done):
    app = submitted()
    chain = (CLERK, FIN, GM)
    for actor in chain[:steps_done]:
        app = decide(app, actor, Decision.APPROVE, later(1))
    app = decide(app, chain[steps_done], Decision.REJECT, later(5), "limit above 1.5x sales")
    assert app.state == S.REJECTED and app.closed
    assert app.audit[-1].decision is Decision.REJECT and app.audit[-1].comment == "limit above 1.5x sales"
    with pytest.raises(InvalidTransition) as err:
        decide(app, GM, Decision.APPROVE, later(6))
    assert err.value.status == 409


def test_reject_needs_comment():
    with pytest.raises(ReasonRequired):
        decide(submitted(), CLERK, Decision.REJECT, later(1), "  ")


def test_no_decision_after_approval():
    app = submitted()
    for actor in (CLERK, FIN, GM):
        app = decide(app, actor, Decision.APPROVE, later(1))
    with pytest.raises(InvalidTransition):
        decide(app, Actor("gm2", {roles.GENERAL_MANAGER}), Decision.APPROVE, later(2))


def test_shorter_chain():
    chain = ApprovalChain(steps=(roles.FINANCE, roles.GENERAL_MANAGER))
    app = submit_application("a", "c1", CHANGE, MANAGER, NOW, chain=chain)
    app = decide(app, FIN, Decision.APPROVE, later(1))
    assert app.state == S.FINANCE_APPROVED
    assert decide(app, GM, Decision.APPROVE, later(2)).state == S.APPROVED


def test_broken_chain_refused():
    with pytest.raises(ValueError):
        ApprovalChain(steps=())


def test_naive_timestamps_refused():
    with pytest.raises(ValueError):
        submit_application("a", "c1", CHANGE, MANAGER, datetime(2024, 7, 1, 9))


def test_request_validation():
    with pytest.raises(ValueError):
        GradeLimitTermChange()
    with pytest.raises(ValueError):
        GradeLimitTermChange(grade="B", kind=ApplicationKind.TERM_EXTENSION)
    with pytest.raises(ValueError):
        GradeLimitTermChange(limit=cny("-1"))
    with pytest.raises(ValueError):
        TemporaryLimitRequest(cny("0"), date(2024, 8, 1))
    with pytest.raises(ValueError):
        TemporaryLimitRequest(cny("10"), date(2024, 8, 1), valid_from=date(2024, 9, 1))
    with pytest.raises(ValueError):
        TermExtensionRequest(0)


def test_decide_refuses_submit_decision():
    with pytest.raises(ValueError):
        decide(submitted(), CLERK, Decision.SUBMIT, later(1))


def test_timestamps_in_other_zone_kept():
    shanghai = timezone(timedelta(hours=8))
    app = submit_application("a", "c1", CHANGE, MANAGER, datetime(2024, 7, 1, 9, tzinfo=shanghai))
    assert app.audit[0].at.utcoffset() == timedelta(hours=8)
