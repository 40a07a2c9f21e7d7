from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from shared.money import Money
from services.credit.domain import roles
from services.credit.domain.check import (
    PRECEDENCE, CheckDecision, CheckPolicy, CheckRequest, CustomerCreditState, ReasonCode,
    TemporaryLimit, available_credit, check_credit, effective_limit, override_review,
)
from services.credit.domain.errors import OverrideForbidden, OverrideNotAllowed, ReasonRequired
from services.credit.domain.holds import SYSTEM_ACTOR, Hold, HoldKind
from services.credit.domain.roles import Actor
from tests.support.credit import NOW, cny

TODAY = date(2024, 7, 15)
A, RV, RJ = CheckDecision.APPROVE, CheckDecision.REVIEW, CheckDecision.REJECT
STATE = CustomerCreditState("c1", "B", limit=cny("100000"), term_days=30,
                            exposure=cny("60000"), overdue_amount=cny("0"))
FIN = Actor("fin", {roles.FINANCE})
GM = Actor("gm", {roles.GENERAL_MANAGER})


def req(amount="10000", reserve=False, currency="CNY"):
    return CheckRequest("c1", Money.of(amount, currency), "SO-1", reserve)


def check(state=STATE, amount="10000", **kw):
    return check_credit(req(amount, **kw), state, TODAY)


def test_within_limit_approves():
    r = check()
    assert r.decision is A and r.reasons == ()
    assert r.available_credit == cny("40000") and r.exposure == cny("60000")
    assert r.grade == "B" and r.effective_limit == cny("100000") and r.reservation is None


def test_exactly_at_limit_approves():
    assert check(amount="40000").decision is A


@pytest.mark.parametrize("amount, decision", [
    ("40000.01", RV), ("50000", RV), ("50000.01", RJ), ("90000", RJ)])
def test_over_limit_tolerance(amount, decision):
    r = check(amount=amount)
    assert r.decision is decision and r.codes == (ReasonCode.OVER_LIMIT,)


def test_tolerance_configurable():
    strict = CheckPolicy(over_limit_tolerance=Decimal(0))
    assert check_credit(req("40000.01"), STATE, TODAY, strict).decision is RJ


def test_zero_limit_rejects_any_amount():
    assert check(replace(STATE, limit=cny("0"), exposure=cny("0")), amount="1").decision is RJ


def test_temporary_limit_adds_while_valid():
    temp = TemporaryLimit(cny("50000"), expires_on=TODAY, valid_from=date(2024, 7, 1))
    state = replace(STATE, temporary_limits=(temp,))
    r = check(state, amount="80000")
    assert r.decision is A and r.effective_limit == cny("150000")
    assert check_credit(req("80000"), state, TODAY + timedelta(days=1)).decision is RJ
    assert check_credit(req("80000"), state, date(2024, 6, 30)).decision is RJ


def test_overdue_debt_review_by_default():
    r = check(replace(STATE, overdue_amount=cny("5000"), max_days_overdue=3))
    assert r.decision is RV and r.codes == (ReasonCode.OVERDUE_DEBT,)


def test_overdue_thresholds_configurable():
    state = replace(STATE, overdue_amount=cny("5000"), max_days_overdue=20)
    grace = CheckPolicy(overdue_review_after_days=30)
    assert check_credit(req(), state, TODAY, grace).decision is A
    harsh = CheckPolicy(overdue_reject_after_days=15)
    assert check_credit(req(), state, TODAY, harsh).decision is RJ
    assert check_credit(req(), replace(state, max_days_overdue=15), TODAY, harsh).decision is RV


def test_grade_e_requires_prepayment():
    r = check(replace(STATE, grade="E", limit=cny("0")))
    assert r.decision is RJ and r.codes == (ReasonCode.PREPAYMENT_REQUIRED,)


def test_unrated_customer_requires_prepayment():
    assert check(replace(STATE, grade=None)).codes == (ReasonCode.PREPAYMENT_REQUIRED,)


def test_on_hold_rejects():
    hold = Hold(HoldKind.MANUAL, TODAY, "fin", "x")
    r = check(replace(STATE, holds=(hold,)))
    assert r.decision is RJ and r.codes == (ReasonCode.ON_HOLD,)


def test_blacklisted_rejects():
    assert check(replace(STATE, blacklisted=True)).codes == (ReasonCode.BLACKLISTED,)
    black = Hold(HoldKind.BLACKLIST, TODAY, SYSTEM_ACTOR, "3 holds")
    assert check(replace(STATE, holds=(black,))).codes == (ReasonCode.BLACKLISTED,)


def test_unknown_customer_rejects():
    r = check_credit(CheckRequest(None, cny("1"), "SO-1"), None, TODAY)
    assert r.decision is RJ and r.codes == (ReasonCode.UNKNOWN_CUSTOMER,)
    assert r.available_credit is None and r.grade is None


def test_currency_mismatch_rejects_and_skips_limit():
    r = check(amount="900000", currency="USD")
    assert r.decision is RJ and r.codes == (ReasonCode.CURRENCY_MISMATCH,)


def test_all_reasons_listed_in_precedence_and_decision_most_severe():
    hold = Hold(HoldKind.OVERDUE, TODAY, SYSTEM_ACTOR, "overdue")
    state = replace(STATE, holds=(hold,), blacklisted=True, overdue_amount=cny("1"), max_days_overdue=40)
    r = check(state, amount="45000")
    assert r.codes == (ReasonCode.BLACKLISTED, ReasonCode.ON_HOLD, ReasonCode.OVER_LIMIT,
                       ReasonCode.OVERDUE_DEBT)
    assert r.decision is RJ
    assert [x.severity for x in r.reasons] == [RJ, RJ, RV, RV]


def test_review_reasons_combine_to_review():
    state = replace(STATE, overdue_amount=cny("1"), max_days_overdue=2)
    r = check(state, amount="45000")
    assert r.codes == (ReasonCode.OVER_LIMIT, ReasonCode.OVERDUE_DEBT) and r.decision is RV


def test_precedence_order_is_documented_order():
    assert [c.value for c in PRECEDENCE] == [
        "unknown_customer", "currency_mismatch", "blacklisted", "on_hold", "prepayment_required",
        "over_limit", "overdue_debt", "term_exceeds_approved"]


def test_available_credit_never_negative():
    assert check(replace(STATE, exposure=cny("120000"))).available_credit == cny("0")


def test_reserve_on_approve():
    r = check(reserve=True)
    assert r.reservation.order_ref == "SO-1" and r.reservation.amount == cny("10000")
    assert r.reservation.expires_on == TODAY + timedelta(days=30)


def test_no_reservation_on_review_or_reject():
    assert check(amount="45000", reserve=True).reservation is None
    assert check(amount="90000", reserve=True).reservation is None


def test_amount_must_be_positive():
    with pytest.raises(ValueError):
        req("0")


# --- overrides ------------------------------------------------------------------------------

@pytest.mark.parametrize("actor", [FIN, GM])
def test_authorised_role_overrides_review(actor):
    review = check(amount="45000", reserve=True)
    r = override_review(review, actor, "strategic customer, GM aware", NOW, TODAY)
    assert r.decision is CheckDecision.APPROVED_BY_OVERRIDE
    assert r.override.actor_id == actor.user_id and r.override.reason == "strategic customer, GM aware"
    assert r.codes == (ReasonCode.OVER_LIMIT,)  # the reasons stay on record
    assert r.reservation.amount == cny("45000")


@pytest.mark.parametrize("roles_", [{roles.SALES_MANAGER}, {roles.ADMIN}, {roles.SALES}])
def test_other_roles_cannot_override(roles_):
    with pytest.raises(OverrideForbidden) as err:
        override_review(check(amount="45000"), Actor("x", roles_), "please", NOW, TODAY)
    assert err.value.status == 403


def test_override_roles_configurable():
    policy = CheckPolicy(override_roles=frozenset({roles.SALES_MANAGER}))
    r = override_review(check(amount="45000"), Actor("m", {roles.SALES_MANAGER}), "ok", NOW, TODAY, policy)
    assert r.decision is CheckDecision.APPROVED_BY_OVERRIDE
    with pytest.raises(OverrideForbidden):
        override_review(check(amount="45000"), FIN, "ok", NOW, TODAY, policy)


@pytest.mark.parametrize("amount", ["90000", "10000"])
def test_reject_and_approve_cannot_be_overridden(amount):
    with pytest.raises(OverrideNotAllowed) as err:
        override_review(check(amount=amount), GM, "please", NOW, TODAY)
    assert err.value.status == 409


def test_override_needs_reason_and_only_once():
    with pytest.raises(ReasonRequired):
        override_review(check(amount="45000"), FIN, "", NOW, TODAY)
    once = override_review(check(amount="45000"), FIN, "ok", NOW, TODAY)
    with pytest.raises(OverrideNotAllowed):
        override_review(once, GM, "again", NOW, TODAY)


# --- properties -----------------------------------------------------------------------------

amounts = st.integers(min_value=1, max_value=10**7)


@given(exposure=st.integers(0, 10**6), small=amounts, extra=st.integers(0, 10**6))
def test_larger_order_never_gets_a_milder_decision(exposure, small, extra):
    state = replace(STATE, exposure=cny(exposure))
    order = {A: 0, RV: 1, RJ: 2}
    d1 = check(state, amount=str(small)).decision
    d2 = check(state, amount=str(small + extra)).decision
    assert order[d2] >= order[d1]


@given(flags=st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()), amount=amounts)
def test_decision_is_most_severe_reason(flags, amount):
    blacklisted, held, graded_e, overdue = flags
    state = replace(STATE, blacklisted=blacklisted, grade="E" if graded_e else "B",
                    holds=(Hold(HoldKind.MANUAL, TODAY, "fin", "x"),) if held else (),
                    overdue_amount=cny("1" if overdue else "0"), max_days_overdue=5 if overdue else 0)
    r = check(state, amount=str(amount))
    worst = max((x.severity for x in r.reasons), key=[A, RV, RJ].index, default=A)
    assert r.decision is worst
    assert list(r.codes) == sorted(r.codes, key=PRECEDENCE.index)


def test_the_effective_limit_adds_the_temporary_limits_valid_today_and_available_never_below_zero():
    temps = [TemporaryLimit(cny("5000"), TODAY), TemporaryLimit(cny("7000"), TODAY - timedelta(days=1)),
             TemporaryLimit(cny("9000"), TODAY + timedelta(days=9), valid_from=TODAY + timedelta(days=1))]
    assert effective_limit(cny("10000"), temps, TODAY) == cny("15000")
    assert available_credit(cny("15000"), cny("4000")) == cny("11000")
    assert available_credit(cny("15000"), cny("16000")) == cny("0")


@pytest.mark.parametrize("grade", ["E", None])
def test_a_prepayment_only_customer_has_no_available_credit(grade):
    """Grade E (or none) buys on prepayment only: whatever limit is on file, nothing is available."""
    r = check(replace(STATE, grade=grade, exposure=cny("0")))
    assert r.decision is RJ and r.codes == (ReasonCode.PREPAYMENT_REQUIRED,)
    assert r.available_credit == cny("0") and r.effective_limit == cny("100000")
    assert available_credit(cny("100000"), cny("0"), extends_credit=False) == cny("0")


def test_the_term_an_order_asks_for_is_checked_against_the_approved_term():
    def asking(days, state=STATE, policy=CheckPolicy()):
        return check_credit(CheckRequest("c1", cny("10000"), "SO-1", term_days=days), state, TODAY, policy)
    assert asking(None).decision is A and asking(30).decision is A and asking(0).decision is A
    r = asking(211)
    assert r.decision is RV and r.codes == (ReasonCode.TERM_EXCEEDS_APPROVED,)
    assert r.approved_term_days == 30
    assert asking(31, policy=CheckPolicy(term_exceeds_decision=RJ)).decision is RJ
    assert ReasonCode.TERM_EXCEEDS_APPROVED in asking(1, replace(STATE, grade="E")).codes
