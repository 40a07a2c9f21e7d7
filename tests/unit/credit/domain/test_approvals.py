from datetime import date, datetime, timedelta, timezone

import pytest

from services.credit.domain import roles
from services.credit.domain.approvals import (
    ApplicationKind, ApplicationState, ApprovalChain, ApprovalStep, Decision, GradeLimitTermChange,
    TemporaryLimitRequest, TermExtensionRequest, decide, submit_application,
)
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
    assert app.state is S.SUBMITTED and app.pending_role() == roles.SALES_ADMIN
    app = decide(app, CLERK, Decision.APPROVE, later(1), "documents checked")
    assert app.state is S.REVIEWED and app.pending_role() == roles.FINANCE
    app = decide(app, FIN, Decision.APPROVE, later(2))
    assert app.state is S.FINANCE_APPROVED and app.pending_role() == roles.GENERAL_MANAGER
    app = decide(app, GM, Decision.APPROVE, later(3), "ok")
    assert app.state is S.APPROVED and app.closed and app.pending_role() is None
    trail = [(e.actor_id, e.role, e.decision, e.from_state, e.to_state) for e in app.audit]
    assert trail == [
        ("mgr", "sales_manager", Decision.SUBMIT, None, S.SUBMITTED),
        ("clerk", "sales_admin", Decision.APPROVE, S.SUBMITTED, S.REVIEWED),
        ("fin", "finance", Decision.APPROVE, S.REVIEWED, S.FINANCE_APPROVED),
        ("gm", "general_manager", Decision.APPROVE, S.FINANCE_APPROVED, S.APPROVED),
    ]
    assert app.audit[1].comment == "documents checked" and app.audit[3].at == later(3)


@pytest.mark.parametrize("request_", [
    CHANGE,
    TemporaryLimitRequest(cny("20000"), expires_on=date(2024, 8, 31)),
    TermExtensionRequest(15, ("INV-1",)),
])
def test_same_chain_for_every_kind(request_):
    app = submitted(request_)
    for actor in (CLERK, FIN, GM):
        app = decide(app, actor, Decision.APPROVE, later(1))
    assert app.state is S.APPROVED and app.kind is request_.kind


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
    lax = ApprovalChain(distinct_actors=False)
    assert decide(app, both, Decision.APPROVE, later(3), chain=lax).state is S.APPROVED


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
    assert app.state is S.REJECTED and app.closed
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


def test_shorter_chain_for_rerating():
    chain = ApprovalChain(steps=(
        ApprovalStep(roles.FINANCE, S.SUBMITTED, S.FINANCE_APPROVED),
        ApprovalStep(roles.GENERAL_MANAGER, S.FINANCE_APPROVED, S.APPROVED)))
    app = submit_application("a", "c1", CHANGE, MANAGER, NOW, chain=chain)
    app = decide(app, FIN, Decision.APPROVE, later(1), chain=chain)
    assert decide(app, GM, Decision.APPROVE, later(2), chain=chain).state is S.APPROVED


def test_broken_chain_refused():
    with pytest.raises(ValueError):
        ApprovalChain(steps=(ApprovalStep(roles.FINANCE, S.SUBMITTED, S.REVIEWED),))


def test_naive_timestamps_refused():
    with pytest.raises(ValueError):
        submit_application("a", "c1", CHANGE, MANAGER, datetime(2024, 7, 1, 9))


def test_request_validation():
    with pytest.raises(ValueError):
        GradeLimitTermChange()
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
